"""The official ``openai`` SDK against chatloom's hosted REST surface (real uvicorn).

Every response is also validated strictly with the SDK's own pydantic models: the
SDK's usual parsing is lenient and would accept a wrong shape.
"""

from __future__ import annotations

import time
from typing import Any

import openai
import pytest
from openai.types.beta.chatkit import ChatKitThread, ChatSession, ThreadDeleteResponse
from openai.types.beta.chatkit.chatkit_thread_item_list import ChatKitThreadItemList

from chatloom.agents.providers.scripted import Say, ScriptedEndpoint

from .conftest import ADMIN_KEY, Hosted, create, thread_id_of


@pytest.fixture
def client(hosted: Hosted) -> openai.OpenAI:
    return openai.OpenAI(api_key=ADMIN_KEY, base_url=hosted.url + "/v1", max_retries=0)


def strict(model: type[Any], raw: Any) -> Any:
    return model.model_validate(raw.http_response.json())


def test_sessions_create_and_cancel(client: openai.OpenAI) -> None:
    session = client.beta.chatkit.sessions.create(
        user="user-1",
        workflow={"id": "wf_hello", "state_variables": {"plan": "pro"}},
        chatkit_configuration={"file_upload": {"enabled": True, "max_files": 3}},
        expires_after={"anchor": "created_at", "seconds": 120},
        rate_limits={"max_requests_per_1_minute": 30},
    )
    assert isinstance(session, ChatSession)
    assert session.id.startswith("cksess_") and len(session.id) == len("cksess_") + 48
    assert session.client_secret.startswith("ek_")
    assert session.status == "active"
    assert 110 < session.expires_at - time.time() <= 120
    assert session.max_requests_per_1_minute == 30 == session.rate_limits.max_requests_per_1_minute
    assert session.workflow.id == "wf_hello" and session.workflow.version == "1"
    assert session.workflow.state_variables == {"plan": "pro"}
    upload = session.chatkit_configuration.file_upload
    assert (upload.enabled, upload.max_files, upload.max_file_size) == (True, 3, 512)
    assert session.chatkit_configuration.history.enabled is True

    raw = client.beta.chatkit.sessions.with_raw_response.create(
        user="user-1", workflow={"id": "wf_hello"}
    )
    body = strict(ChatSession, raw)
    assert raw.http_response.json()["expires_after"] == {"anchor": "created_at", "seconds": 600}
    assert body.rate_limits.max_requests_per_1_minute == 10
    assert body.chatkit_configuration.file_upload.enabled is False
    assert body.workflow.state_variables is None

    cancelled = client.beta.chatkit.sessions.with_raw_response.cancel(body.id)
    assert strict(ChatSession, cancelled).status == "cancelled"


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"workflow": {"id": "wf_nope"}}, 404, "Workflow with id 'wf_nope' not found."),
        ({"workflow": {"id": "wf_hello", "version": "latest"}}, 400, "has no version 'latest'"),
        (
            {"workflow": {"id": "wf_hello"}, "extra_body": {"inputs": {}}},
            400,
            "Unknown parameter: 'inputs'.",
        ),
        (
            {
                "workflow": {"id": "wf_hello"},
                "expires_after": {"anchor": "created_at", "seconds": 601},
            },
            400,
            "expires_after.seconds",
        ),
        (
            {"workflow": {"id": "wf_hello"}, "rate_limits": {"max_requests_per_1_minute": 0}},
            400,
            "max_requests_per_1_minute",
        ),
        (
            {"workflow": {"id": "wf_hello", "state_variables": {"ghost": 1}}},
            400,
            "Unknown state variable 'ghost'",
        ),
        ({"workflow": {"id": "wf_hello", "state_variables": {"plan": 3}}}, 400, "must be a string"),
        (
            {
                "workflow": {"id": "wf_hello"},
                "chatkit_configuration": {"file_upload": {"max_file_size": 513}},
            },
            400,
            "max_file_size",
        ),
    ],
)
def test_bad_session_requests_fail_at_creation(
    client: openai.OpenAI, params: dict[str, Any], status: int, fragment: str
) -> None:
    error_type = openai.NotFoundError if status == 404 else openai.BadRequestError
    with pytest.raises(error_type) as caught:
        client.beta.chatkit.sessions.create(user="user-1", **params)
    assert caught.value.status_code == status
    body = caught.value.body
    assert isinstance(body, dict) and set(body) == {"message", "type", "param", "code"}
    assert fragment in body["message"]


def test_missing_user_and_empty_user(hosted: Hosted) -> None:
    with hosted.admin() as admin:
        missing = admin.post("/v1/chatkit/sessions", json={"workflow": {"id": "wf_hello"}})
        empty = admin.post(
            "/v1/chatkit/sessions", json={"user": "", "workflow": {"id": "wf_hello"}}
        )
    assert missing.status_code == 400
    assert missing.json()["error"]["message"] == "Missing required parameter: 'user'."
    assert empty.status_code == 400 and empty.json()["error"]["param"] == "user"


def test_cancel_unknown_session(client: openai.OpenAI) -> None:
    with pytest.raises(
        openai.NotFoundError, match=r"Chatkit Session with id 'cksess_x' not found\."
    ):
        client.beta.chatkit.sessions.cancel("cksess_x")


def test_wrong_admin_key_is_401(hosted: Hosted) -> None:
    client = openai.OpenAI(api_key="sk-wrong", base_url=hosted.url + "/v1", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.beta.chatkit.sessions.create(user="u", workflow={"id": "wf_hello"})
    with pytest.raises(openai.AuthenticationError):
        client.beta.chatkit.threads.list()


def _chat(hosted: Hosted, endpoint: ScriptedEndpoint, user: str, text: str) -> str:
    endpoint.script([Say(f"Answer to {text}")])
    secret = hosted.session(user)["client_secret"]
    return thread_id_of(hosted.events(secret, create(text)))


def test_threads_list_retrieve_items_delete(
    client: openai.OpenAI, hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    first = _chat(hosted, endpoint, "alice", "one")
    second = _chat(hosted, endpoint, "alice", "two")
    other = _chat(hosted, endpoint, "bob", "three")

    threads = client.beta.chatkit.threads.list()
    assert [t.id for t in threads.data] == [other, second, first]  # newest first
    assert all(isinstance(t, ChatKitThread) for t in threads.data)
    raw = client.beta.chatkit.threads.with_raw_response.list(user="alice", order="asc")
    page = raw.http_response.json()
    assert [ChatKitThread.model_validate(t).id for t in page["data"]] == [first, second]
    assert page["object"] == "list" and page["first_id"] == first and page["last_id"] == second
    assert page["has_more"] is False

    # Cursor paging: the SDK follows after=<last_id> while has_more is true.
    paged = client.beta.chatkit.threads.list(limit=1)
    assert [t.id for t in paged] == [other, second, first]
    before = client.beta.chatkit.threads.list(before=first, limit=1)
    assert [t.id for t in before.data] == [second]
    assert client.beta.chatkit.threads.list(limit=0).data == []

    thread = strict(ChatKitThread, client.beta.chatkit.threads.with_raw_response.retrieve(first))
    assert (thread.id, thread.user, thread.status.type) == (first, "alice", "active")
    assert isinstance(thread.created_at, int)

    items_raw = client.beta.chatkit.threads.with_raw_response.list_items(first, order="asc")
    items = ChatKitThreadItemList.model_validate(items_raw.http_response.json())
    assert [item.type for item in items.data] == [
        "chatkit.user_message",
        "chatkit.assistant_message",
    ]
    assert items.data[0].content[0].text == "one"  # type: ignore[union-attr]
    assert items.data[1].content[0].text == "Answer to one"  # type: ignore[union-attr]
    listed = client.beta.chatkit.threads.list_items(first)
    assert [item.id for item in listed.data] == [items.data[1].id, items.data[0].id]
    page_one = client.beta.chatkit.threads.list_items(first, limit=1)
    assert [i.id for i in page_one] == [items.data[1].id, items.data[0].id]

    deleted_raw = client.beta.chatkit.threads.with_raw_response.delete(first)
    deleted = strict(ThreadDeleteResponse, deleted_raw)
    assert (deleted.id, deleted.deleted, deleted.object) == (first, True, "chatkit.thread.deleted")
    with pytest.raises(openai.NotFoundError):
        client.beta.chatkit.threads.retrieve(first)
    assert [t.id for t in client.beta.chatkit.threads.list(user="alice").data] == [second]


def test_thread_list_query_is_validated(hosted: Hosted) -> None:
    with hosted.admin() as admin:
        assert admin.get("/v1/chatkit/threads", params={"limit": 101}).status_code == 400
        assert admin.get("/v1/chatkit/threads", params={"order": "up"}).status_code == 400
        assert admin.get("/v1/chatkit/threads", params={"colour": "x"}).status_code == 400
