"""The demo app under real uvicorn with the embedded model: the page, free text, and
each composer-tool flow (citations and a workflow, the ticket form and its actions,
the browser check client tool)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatloom.agents import LocalProvider
from chatloom.demo import create_demo_app
from chatloom.demo.knowledge import KnowledgeBase
from chatloom.demo.tickets import TicketDesk

from .live_server import serve


@pytest.fixture(scope="module")
def provider() -> LocalProvider:
    return LocalProvider(max_tokens=24, seed=1)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def client(provider: LocalProvider, data: Path) -> Iterator[httpx.Client]:
    with (
        serve(create_demo_app(data, provider=provider)) as url,
        httpx.Client(base_url=url, timeout=120) as http,
    ):
        yield http


def events(client: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post("/chatkit", json=body)
    assert response.status_code == 200, response.text
    return [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: ")]


def ask(text: str, tool: str | None = None, thread_id: str | None = None) -> dict[str, Any]:
    user_input = {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {"tool_choice": {"id": tool}} if tool else {},
    }
    if thread_id is None:
        return {"type": "threads.create", "params": {"input": user_input}}
    return {
        "type": "threads.add_user_message",
        "params": {"thread_id": thread_id, "input": user_input},
    }


def done_items(stream: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [
        e["item"] for e in stream if e["type"] == "thread.item.done" and e["item"]["type"] == kind
    ]


@pytest.mark.model
def test_page_help_articles_and_data_folder(client: httpx.Client, data: Path) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<script src="/chatkit.js" async></script>' in page.text
    assert "options.onClientTool" in page.text and "get_browser_info" in page.text
    assert '"tools": [{"id": "search"' in page.text
    assert "chatloom_uid" in page.cookies  # named before the element's parallel requests
    assert client.get("/help/reset-password").text.startswith("Reset your password\n")
    assert client.get("/help/nope").status_code == 404
    assert (data / "chatloom.sqlite3").exists() and (data / "tickets.sqlite3").exists()


@pytest.mark.model
def test_free_text_is_answered_by_the_local_model_and_titles_the_thread(
    client: httpx.Client,
) -> None:
    stream = events(client, ask("Hello there"))
    [answer] = done_items(stream, "assistant_message")
    assert answer["content"][0]["text"].strip()
    assert stream[-1]["type"] == "thread.updated" and stream[-1]["thread"]["title"]
    listed = client.post("/chatkit", json={"type": "threads.list", "params": {}}).json()
    assert listed["data"][0]["title"] == stream[-1]["thread"]["title"]


@pytest.mark.model
def test_search_tool_shows_a_workflow_and_cites_articles(client: httpx.Client) -> None:
    stream = events(client, ask("forgot password", tool="search"))
    kinds = [e["type"] for e in stream]
    assert "progress_update" in kinds
    [workflow] = done_items(stream, "workflow")
    tasks = workflow["workflow"]["tasks"]
    assert (
        tasks[0]["title"] == "Searched the help center"
        and tasks[0]["status_indicator"] == "complete"
    )
    assert any(task["title"] == "Read “Reset your password”" for task in tasks[1:])
    assert set(workflow["workflow"]["summary"]) == {"duration"}
    [answer] = done_items(stream, "assistant_message")
    sources = [a["source"] for a in answer["content"][0]["annotations"]]
    assert {
        "type": "url",
        "title": "Reset your password",
        "url": "/help/reset-password",
    }.items() <= sources[0].items()
    assert kinds.index("thread.item.done") < kinds.index("thread.item.added")


@pytest.mark.model
def test_free_text_with_a_help_center_match_is_grounded_in_it(client: httpx.Client) -> None:
    stream = events(client, ask("How much does the Plus plan cost?"))
    [answer] = done_items(stream, "assistant_message")
    assert answer["content"][0]["annotations"][0]["source"]["url"] == "/help/plans-and-billing"


@pytest.mark.model
def test_ticket_form_submits_and_locks(client: httpx.Client, data: Path) -> None:
    stream = events(client, ask("Sync fails on my phone", tool="ticket"))
    thread_id = stream[0]["thread"]["id"]
    [form] = done_items(stream, "widget")
    assert form["copy_text"] == "Support ticket form"
    assert '"defaultValue":"Sync fails on my phone"' in json.dumps(
        form["widget"], separators=(",", ":")
    )
    assert not done_items(stream, "assistant_message")  # the form ends the turn

    def act(payload: dict[str, Any], kind: str = "ticket.submit") -> list[dict[str, Any]]:
        action = {"type": kind, "payload": payload}
        return events(
            client,
            {
                "type": "threads.custom_action",
                "params": {"thread_id": thread_id, "item_id": form["id"], "action": action},
            },
        )

    refused = act({"subject": "x", "details": "d", "priority": "normal"})
    assert refused[1]["type"] == "thread.item.replaced"
    assert "Please check the subject" in json.dumps(refused[1]["item"]["widget"])

    sent = act({"subject": "Sync fails", "details": "Since 4.2", "priority": "high"})
    assert [e["type"] for e in sent] == [
        "stream_options",
        "thread.item.replaced",
        "thread.item.done",
    ]
    assert sent[1]["item"]["widget"]["status"] == {
        "text": "Ticket #1 opened",
        "icon": "check-circle",
    }
    assert sent[2]["item"]["content"][0]["text"].startswith("Thanks! Ticket **#1** is open.")
    assert TicketDesk(data / "tickets.sqlite3").count(client.cookies["chatloom_uid"]) == 1
    # The hidden context item was stored for the model but never shown.
    items = client.post(
        "/chatkit", json={"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}
    ).json()["data"]
    assert [i["type"] for i in items] == ["user_message", "widget", "assistant_message"]
    # The locked form cannot be sent again.
    again = act({"subject": "Sync fails", "details": "", "priority": "low"})
    assert again[-1] == {
        "type": "error",
        "code": "custom",
        "message": "This form was already sent or closed.",
        "allow_retry": False,
    }


@pytest.mark.model
def test_browser_check_is_a_client_tool_round_trip(client: httpx.Client) -> None:
    first = events(client, ask("The app looks broken", tool="browser"))
    thread_id = first[0]["thread"]["id"]
    [call] = done_items(first, "client_tool_call")
    assert (
        call["name"] == "get_browser_info"
        and call["status"] == "pending"
        and call["arguments"] == {}
    )

    output = {
        "userAgent": "Mozilla/5.0 Firefox/140.0",
        "language": "en-GB",
        "timeZone": "Europe/London",
        "screen": "1280x800 @1x",
        "cookiesEnabled": True,
        "online": True,
    }
    second = events(
        client,
        {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": thread_id, "result": output},
        },
    )
    [report] = done_items(second, "widget")
    assert "Europe/London" in json.dumps(report["widget"])
    assert "Everything the web app needs is in place." in json.dumps(report["widget"])
    [answer] = done_items(second, "assistant_message")
    assert answer["content"][0]["annotations"][0]["source"]["url"] == "/help/supported-browsers"


def test_browser_problems() -> None:
    from chatloom.demo.cards import browser_problems

    assert (
        browser_problems({"userAgent": "Mozilla/5.0 Firefox/140.0", "cookiesEnabled": True}) == []
    )
    assert browser_problems(
        {"userAgent": "Lynx/2.9", "cookiesEnabled": False, "online": False}
    ) == [
        "This browser is not one we support (Chrome, Edge, Firefox, Safari).",
        "Cookies are off; the web app needs them.",
        "The browser is offline; changes will sync when it is back online.",
    ]


def test_knowledge_search_is_safe_with_any_text() -> None:
    kb = KnowledgeBase()
    assert kb.search('"; DROP TABLE articles; --') == []
    assert kb.search("NEAR(") == []
    assert kb.search("export my notes as pdf")[0].slug == "export-notes"


def test_attachments_reach_the_model_through_the_disk_store(tmp_path: Path) -> None:
    """The demo's upload route, then a message carrying the file: the model is sent the
    file's text (a scripted model here, to read what it was sent)."""
    from chatloom.agents import OpenAICompatibleProvider
    from chatloom.agents.providers.scripted import Say, ScriptedEndpoint

    endpoint = ScriptedEndpoint([[Say("It says the meeting moved.")], [Say("Meeting notes")]])
    with serve(endpoint) as model_url:
        model = OpenAICompatibleProvider("scripted", base_url=model_url + "/v1")
        app = create_demo_app(tmp_path / "var", provider=model)
        with serve(app) as url, httpx.Client(base_url=url, timeout=30) as http:
            page = http.get("/").text
            assert '"uploadStrategy": {"type": "direct", "uploadUrl": "/chatkit/files"}' in page
            assert '"attachments": {"enabled": true' in page
            upload = http.post(
                "/chatkit/files",
                files={"file": ("notes.txt", b"The meeting moved to Friday.", "text/plain")},
            )
            assert upload.status_code == 200, upload.text
            body = ask("What does my file say?")
            body["params"]["input"]["attachments"] = [upload.json()["id"]]
            stream = events(http, body)
    assert (
        done_items(stream, "assistant_message")[0]["content"][0]["text"]
        == "It says the meeting moved."
    )
    user_turn = endpoint.exchanges[0].body["messages"][-1]
    assert user_turn["role"] == "user"
    assert "What does my file say?" in json.dumps(user_turn)
    assert "The meeting moved to Friday." in json.dumps(user_turn)
