"""``examples/support_workflow``: the page, the session endpoint and every branch of the
published workflow, served the way ``run.py`` serves it (real uvicorn), with the model
scripted through the same environment variables a real deployment uses."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from chatloom.agents.providers.scripted import Say, ScriptedEndpoint

from ..live_server import free_port, serve
from .conftest import create, done_items, structured, thread_id_of

EXAMPLE = Path(__file__).parents[2] / "examples" / "support_workflow"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("support_example", EXAMPLE / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Visitor:
    """What the page does: get a secret from the app, then talk to the conversation API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.Client(base_url=url, timeout=60)
        self.secret = ""

    def start(self) -> None:
        response = self.client.post("/api/chatkit/session")
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"client_secret", "expires_after"}
        self.secret = response.json()["client_secret"]

    def send(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self.secret}", "OpenAI-Beta": "chatkit_beta=v1"}
        response = self.client.post("/v1/chatkit/conversation", json=body, headers=headers)
        assert response.status_code == 200, response.text
        return [json.loads(f[6:]) for f in response.text.split("\n\n") if f.startswith("data: ")]


@pytest.fixture
def visitor(
    tmp_path: Path, endpoint_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Visitor]:
    monkeypatch.setenv("CHATLOOM_MODEL", "scripted")
    monkeypatch.setenv("OPENAI_BASE_URL", endpoint_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-model")
    port = free_port()
    app = load_example().build(f"http://127.0.0.1:{port}", str(tmp_path / "data"))
    with serve(app, port) as url:
        visitor = Visitor(url)
        visitor.start()
        yield visitor


def test_the_page_loads_the_element_in_hosted_mode(visitor: Visitor) -> None:
    page = visitor.client.get("/").text
    assert '<script src="/chatkit.js" async></script>' in page
    assert "getClientSecret" in page


def test_refund_needs_approval_then_shows_a_widget(
    visitor: Visitor, endpoint: ScriptedEndpoint
) -> None:
    endpoint.script([Say("Helmet refund")])  # rules route refunds: only the title asks the model
    first = visitor.send(create("I want a refund for my helmet"))
    [question] = done_items(first, "structured_input")
    assert "I want a refund for my helmet" in question["inputs"][0]["question"]
    thread_id = thread_id_of(first)

    endpoint.script([Say('{"summary": "Refund for a helmet."}')])
    second = visitor.send(structured(thread_id, question["id"], "Start the refund"))
    [card] = done_items(second, "widget")
    assert card["widget"]["children"][1] == {"type": "Text", "value": "Refund for a helmet."}
    button = card["widget"]["children"][-1]
    assert button["onClickAction"]["type"] == "talk_to_person"

    endpoint.script([Say("A colleague will email you within one business day.")])
    action = {"thread_id": thread_id, "item_id": card["id"], "action": button["onClickAction"]}
    third = visitor.send({"type": "threads.custom_action", "params": action})
    [reply] = done_items(third, "assistant_message")
    assert "colleague" in reply["content"][0]["text"]


def test_questions_are_answered_from_the_help_center(
    visitor: Visitor, endpoint: ScriptedEndpoint
) -> None:
    endpoint.script(
        [Say('{"category": "question"}')],
        [Say("Frames have a lifetime warranty.")],
        [Say("Warranty")],
    )
    events = visitor.send(create("How long is the frame warranty?"))
    [answer] = done_items(events, "assistant_message")
    assert answer["content"][0]["text"] == "Frames have a lifetime warranty."
    instructions = endpoint.exchanges[1].body["messages"][0]["content"]
    assert "lifetime warranty for the first owner" in instructions  # the passage found


def test_card_numbers_are_refused_and_emails_masked(
    visitor: Visitor, endpoint: ScriptedEndpoint
) -> None:
    endpoint.script([Say("Please write again without the card number.")], [Say("Card")])
    events = visitor.send(create("my card is 4111 1111 1111 1111"))
    [reply] = done_items(events, "assistant_message")
    assert "without the card number" in reply["content"][0]["text"]
    assert "4111" not in json.dumps(endpoint.exchanges[0].body)

    endpoint.script([Say('{"category": "order_status"}')], [Say('{"summary": "Ships this week."}')])
    events = visitor.send(create("has it left the workshop yet? I am ann@example.com"))
    assert "ann@example.com" not in json.dumps([e.body for e in endpoint.exchanges[-2:]])
    [card] = done_items(events, "widget")
    assert card["widget"]["children"][0]["children"][0]["value"] == "Your order"
