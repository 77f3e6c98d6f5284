"""Conversations with the compat app (``app.py``), run on either SDK, recorded as JSON.

Each scenario is a list of ChatKit requests (built from what earlier responses
returned) and the model turns the Responses stand-in plays back. A record holds, per
request, the events (or JSON response) the server sent and the ``input`` of every
model request it made. :func:`normalize` replaces ids (numbered by first appearance),
timestamps and durations, so the reference's record and chatloom's compare exactly.

``bench/compat_record.py`` writes the reference's records to ``golden/``;
``test_compat.py`` runs chatloom and compares.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from chatloom.agents.providers.scripted_responses import (
    Call,
    Cite,
    Draw,
    Reason,
    ScriptedResponses,
    Turn,
    Write,
)

from ...live_server import serve
from .app import build_server

GOLDEN = Path(__file__).parent / "golden"
CONTEXT = {"user_id": "user_1"}


@dataclass
class State:
    """Ids the later requests of a scenario refer to, taken from earlier responses."""

    thread_id: str = ""
    widget_id: str = ""
    attachment_id: str = ""


Request = Callable[[State], dict[str, Any]]


@dataclass
class Scenario:
    requests: list[Request]
    turns: list[Turn] = field(default_factory=list)


def _input(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
        **extra,
    }


def _create(text: str, **extra: Any) -> Request:
    return lambda s: {"type": "threads.create", "params": {"input": _input(text, **extra)}}


def _add(text: str, **extra: Any) -> Request:
    return lambda s: {
        "type": "threads.add_user_message",
        "params": {"thread_id": s.thread_id, "input": _input(text, **extra)},
    }


def _list_items(s: State) -> dict[str, Any]:
    return {"type": "items.list", "params": {"thread_id": s.thread_id, "order": "asc"}}


LOUVRE_TAG = {
    "type": "input_tag",
    "id": "place_louvre",
    "text": "Louvre",
    "data": {"summary": "The Louvre, a museum in Paris"},
    "interactive": True,
}

SCENARIOS: dict[str, Scenario] = {
    # Reasoning with two summaries, quoted text; then an @-mention.
    "chat": Scenario(
        requests=[
            _create("Tell me about Paris", quoted_text="the city of light"),
            lambda s: {
                "type": "threads.add_user_message",
                "params": {
                    "thread_id": s.thread_id,
                    "input": {
                        "content": [
                            {"type": "input_text", "text": "And the "},
                            LOUVRE_TAG,
                            {"type": "input_text", "text": "?"},
                        ],
                        "attachments": [],
                        "inference_options": {},
                    },
                },
            },
            _list_items,
        ],
        turns=[
            [Write("Paris notes")],
            [
                Reason(("Recalling Paris facts.", "Choosing a source.")),
                Write("Paris is the capital of France."),
            ],
            [Write("The Louvre is the world's most visited museum.")],
        ],
    ),
    # A server tool shows a widget (with an action), a workflow task and hidden context;
    # pressing the widget's button runs the action handler, which runs the agent again.
    "widget_action": Scenario(
        requests=[
            _create("What's the weather in Oslo?"),
            lambda s: {
                "type": "threads.custom_action",
                "params": {
                    "thread_id": s.thread_id,
                    "item_id": s.widget_id,
                    "action": {"type": "forecast.refresh", "payload": {"city": "Oslo"}},
                },
            },
            _add("Thanks!"),
            _list_items,
        ],
        turns=[
            [Write("Oslo weather")],
            [Call("show_forecast", {"city": "Oslo"})],
            [Write("Here is the forecast for Oslo.")],
            [Write("It is now 18°C.")],
            [Write("You're welcome!")],
        ],
    ),
    # A client tool ends the run with the tool's workflow still open; the client's
    # output continues it. (No reasoning here: on the reference, whether a thought's last
    # update or the tool's task comes first is a race; chatloom keeps the model's order.)
    "client_tool": Scenario(
        requests=[
            _create("Where am I?"),
            lambda s: {
                "type": "threads.add_client_tool_output",
                "params": {"thread_id": s.thread_id, "result": {"city": "Oslo"}},
            },
            _list_items,
        ],
        turns=[
            [Write("Location")],
            [Call("get_user_location", {})],
            [Write("You are in Oslo.")],
        ],
    ),
    # A two-phase image attachment; the model draws (two partial images); the next
    # turn sends the generated image back.
    # A cited answer. The reference fails on it with the openai package of the lock
    # (docs/porting.md); test_compat.py checks chatloom's events explicitly.
    "citations": Scenario(
        requests=[_create("Sources on Paris?")],
        turns=[
            [Write("Paris sources")],
            [
                Write(
                    "Paris is the capital of France.",
                    citations=(Cite("https://example.com/paris", "Paris", 0, 5),),
                )
            ],
        ],
    ),
    "image": Scenario(
        requests=[
            lambda s: {
                "type": "attachments.create",
                "params": {"name": "cat.png", "size": 1024, "mime_type": "image/png"},
            },
            lambda s: {
                "type": "threads.create",
                "params": {"input": _input("Draw this cat bigger", attachments=[s.attachment_id])},
            },
            _add("Make it blue"),
            _list_items,
        ],
        turns=[
            [Write("Cat drawing")],
            [
                Draw("RklOQUwx", partials=("UEFSVDA=", "UEFSVDE="), revised_prompt="A big cat"),
                Write("Here is your cat."),
            ],
            [Write("A blue cat is next.")],
        ],
    ),
}


_BASE = {"thread_id": "thr_00000001", "created_at": "2025-01-01T12:00:00"}
_TEXT = {"type": "output_text", "text": "Hi!", "annotations": []}
_WIDGET = {
    "type": "Card",
    "children": [{"type": "Text", "value": "Ticket #4"}, {"type": "Button", "label": "Open"}],
}
EVERY_KIND: list[dict[str, Any]] = [
    {
        "type": "user_message",
        "id": "msg_00000002",
        "content": [{"type": "input_text", "text": "Hello "}, {**LOUVRE_TAG}],
        "attachments": [],
        "inference_options": {},
        "quoted_text": "quoted",
    },
    {"type": "assistant_message", "id": "msg_00000003", "content": [_TEXT, _TEXT]},
    {
        "type": "client_tool_call",
        "id": "tc_00000004",
        "call_id": "c0",
        "name": "pending",
        "arguments": {},
    },
    {
        "type": "client_tool_call",
        "id": "tc_00000005",
        "call_id": "c1",
        "name": "get_theme",
        "arguments": {"x": 1},
        "status": "completed",
        "output": {"theme": "dark"},
    },
    {"type": "widget", "id": "msg_00000006", "widget": _WIDGET, "copy_text": "Ticket #4"},
    {
        "type": "workflow",
        "id": "wf_00000007",
        "workflow": {
            "type": "custom",
            "tasks": [
                {"type": "custom", "title": "Searched", "content": "3 articles"},
                {"type": "custom", "content": "No title"},
                {"type": "thought", "content": "hmm"},
            ],
        },
    },
    {"type": "task", "id": "tsk_00000008", "task": {"type": "custom", "title": "Saved"}},
    {
        "type": "structured_input",
        "id": "msg_00000009",
        "status": "answered",
        "inputs": [
            {
                "type": "multiple_choice",
                "id": "q1",
                "question": "Plan?",
                "options": [{"value": "Pro"}, {"value": "Free"}],
                "answer": {"values": ["Pro"]},
            },
            {"type": "freeform", "id": "q2", "question": "Why?", "answer": {"skipped": True}},
            {"type": "freeform", "id": "q3", "question": "When?"},
        ],
    },
    {
        "type": "hidden_context_item",
        "id": "msg_0000000a",
        "content": "The user is on the Pro plan.",
    },
    {
        "type": "sdk_hidden_context",
        "id": "shcx_0000000b",
        "content": "The user stopped the stream.",
    },
    {
        "type": "generated_image",
        "id": "msg_0000000c",
        "image": {"id": "ig_1", "url": "https://img.example.com/1.png"},
    },
    {"type": "generated_image", "id": "msg_0000000d"},
    {"type": "end_of_turn", "id": "msg_0000000e"},
]


async def convert_every_kind(root: str) -> Any:
    """The default converter's input for one item of every kind (tags through the
    app's hook: the reference has no default for them)."""
    types = importlib.import_module(f"{root}.types")
    converter_class = importlib.import_module(f"{root}.agents").ThreadItemConverter

    class Converter(converter_class):  # type: ignore[misc,valid-type]
        async def tag_to_message_content(self, tag: Any) -> Any:
            return {"type": "input_text", "text": f"<Place>{tag.data['summary']}</Place>"}

    adapter = TypeAdapter(types.ThreadItem)
    items = [adapter.validate_python({**_BASE, **item}) for item in EVERY_KIND]
    return normalize(await Converter().to_agent_input(items))


async def record(root: str, name: str) -> dict[str, Any]:
    """Run scenario ``name`` on SDK ``root`` against a fresh Responses stand-in."""
    scenario = SCENARIOS[name]
    api = ScriptedResponses(scenario.turns)
    state = State()
    steps: list[dict[str, Any]] = []
    with serve(api) as url:
        server = build_server(root, url + "/v1")
        for request_of in scenario.requests:
            request = request_of(state)
            seen = len(api.requests)
            result = await server.process(json.dumps(request).encode(), CONTEXT)
            step: dict[str, Any] = {"request": request}
            if hasattr(result, "json"):
                step["response"] = json.loads(result.json)
                _remember(state, step["response"])
            else:
                step["events"] = [event async for event in _events(result)]
                for event in step["events"]:
                    _remember(state, event)
            step["model_input"] = [
                {"stream": bool(body.get("stream")), "input": body.get("input")}
                for body in api.requests[seen:]
            ]
            steps.append(step)
    return normalize({"steps": steps})


async def _events(result: Any) -> Any:
    buffer = b""
    async for chunk in result:
        buffer += chunk
    for frame in buffer.decode().split("\n\n"):
        data = "\n".join(line[6:] for line in frame.splitlines() if line.startswith("data: "))
        if data:
            yield json.loads(data)


def _remember(state: State, payload: dict[str, Any]) -> None:
    if payload.get("type") == "thread.created":
        state.thread_id = payload["thread"]["id"]
    item = payload.get("item") or {}
    if payload.get("type") == "thread.item.done" and item.get("type") == "widget":
        state.widget_id = item["id"]
    if payload.get("id", "").startswith("atc_"):
        state.attachment_id = payload["id"]


_ID = re.compile(r"\b[a-z]{2,5}_[0-9a-f]{8,}\b")


def normalize(value: Any) -> Any:
    """Ids as ``id1``, ``id2``... by first appearance (keys in sorted order); every
    ``created_at`` and workflow ``duration`` as a placeholder."""
    ids: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return ids.setdefault(match.group(0), f"id{len(ids) + 1}")

    def walk(node: Any, key: str = "") -> Any:
        if key == "created_at":
            return "<time>"
        if key == "duration" and isinstance(node, int | float):
            return "<duration>"
        if isinstance(node, dict):
            return {k: walk(node[k], k) for k in sorted(node)}
        if isinstance(node, list):
            return [walk(child) for child in node]
        if isinstance(node, str):
            return _ID.sub(rename, node)
        return node

    return walk(value)


__all__ = ["EVERY_KIND", "GOLDEN", "SCENARIOS", "convert_every_kind", "normalize", "record"]
