"""Fuzzing the protocol endpoint over real HTTP: whatever a client posts to ``/chatkit``,
the answer is a 4xx JSON error or a valid answer (JSON, or an SSE stream of JSON
events), never a 500 and never a stall; and the server stays healthy."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatloom.http import create_app
from chatloom.server import ChatKitServer
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)

from .live_server import serve

TYPES = [
    "threads.get_by_id",
    "threads.create",
    "threads.list",
    "threads.add_user_message",
    "threads.add_client_tool_output",
    "threads.add_structured_input",
    "threads.custom_action",
    "threads.sync_custom_action",
    "threads.retry_after_item",
    "items.feedback",
    "items.list",
    "attachments.create",
    "attachments.delete",
    "threads.update",
    "threads.delete",
    "input.transcribe",
]


class Echo(ChatKitServer[Any]):
    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        yield ThreadItemDoneEvent(
            item=AssistantMessageItem(
                id=self.store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[AssistantMessageContent(text="ok \u2028 😀")],
            )
        )


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[httpx.Client, str]]:
    app = create_app(Echo(MemoryStore()), serve_element=False)
    # A stall would raise httpx.ReadTimeout and fail the example.
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        first = {"content": [{"type": "input_text", "text": "hi"}], "attachments": []}
        first["inference_options"] = {}
        created = client.post(
            "/chatkit", json={"type": "threads.create", "params": {"input": first}}
        )
        thread_id = json.loads(created.text.split("\n\n")[0][6:])["thread"]["id"]
        yield client, thread_id


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
texts = st.text(max_size=40)


@st.composite
def requests(draw: st.DrawFn, thread_id: str) -> bytes:
    shape = draw(st.sampled_from(["typed", "typed", "typed", "json", "bytes", "deep"]))
    if shape == "bytes":
        return draw(st.binary(max_size=200))
    if shape == "json":
        return json.dumps(draw(json_values)).encode()
    if shape == "deep":
        depth = draw(st.integers(min_value=100, max_value=3000))
        return b'{"type": "threads.list", "params": ' + b"[" * depth + b"]" * depth + b"}"
    ids = st.sampled_from([thread_id, "thr_missing", "", "x" * 300]) | texts
    content = st.lists(
        st.fixed_dictionaries({"type": st.just("input_text"), "text": texts})
        | st.fixed_dictionaries({"type": st.just("input_tag"), "id": texts, "text": texts}),
        max_size=3,
    )
    params = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "thread_id": ids,
                "item_id": ids,
                "input": st.fixed_dictionaries(
                    {
                        "content": content,
                        "attachments": st.lists(ids, max_size=12),
                        "inference_options": st.just({}) | json_values,
                    }
                )
                | json_values,
                "limit": st.integers(min_value=-5, max_value=10**12) | json_values,
                "after": ids,
                "order": st.sampled_from(["asc", "desc", "sideways"]),
                "name": texts,
                "size": st.integers(min_value=-1, max_value=2**64) | st.floats(),
                "mime_type": st.sampled_from(["text/plain", "image/png", "", "a/b"]),
                "attachment_id": ids,
                "title": texts,
                "kind": st.sampled_from(["positive", "negative", "meh"]),
                "item_ids": st.lists(ids, max_size=3),
                "action": json_values,
                "result": json_values,
                "audio_base64": texts,
            },
        )
    )
    kind = draw(st.sampled_from(TYPES) | texts)
    return json.dumps({"type": kind, "params": params}).encode()


def check_answer(response: httpx.Response) -> None:
    status = response.status_code
    if status >= 400:
        error = response.json()["error"]
        assert status < 500 or status == 501, error  # 501: a hook this server lacks
        assert error["message"]
        return
    assert status == 200
    if response.headers["content-type"].startswith("text/event-stream"):
        frames = [frame for frame in response.text.split("\n\n") if frame]
        for frame in frames:
            assert frame.startswith("data: ")
            assert json.loads(frame[6:])["type"]
    else:
        json.loads(response.content)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_post_gets_a_4xx_or_a_valid_answer(
    live: tuple[httpx.Client, str], data: st.DataObject
) -> None:
    client, thread_id = live
    check_answer(client.post("/chatkit", content=data.draw(requests(thread_id))))
    assert client.get("/healthz").status_code == 200
