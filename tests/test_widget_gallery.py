"""The widget gallery's server side: its templates, and its actions through
``ChatKitServer.process`` (what the element sends, as JSON)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from examples.widget_gallery import widgets as w
from examples.widget_gallery.actions import ReservationForm
from examples.widget_gallery.server import GalleryServer

from chatloom.errors import RequestError
from chatloom.server import NonStreamingResult, StreamingResult
from chatloom.store.memory import MemoryStore
from chatloom.types import HiddenContextItem, ThreadItem, WidgetItem
from chatloom.widgets import WidgetTemplate

CTX = {"user_id": "u1"}
TEMPLATES = Path(__file__).resolve().parents[1] / "examples" / "widget_gallery" / "templates"
TODAY = date(2025, 6, 1)


@pytest.fixture
def server() -> GalleryServer:
    return GalleryServer(MemoryStore(), action_delay=0, word_delay=0)


async def stream(server: GalleryServer, type: str, **params: Any) -> list[dict[str, Any]]:
    result = await server.process(json.dumps({"type": type, "params": params}), CTX)
    assert isinstance(result, StreamingResult)
    return [json.loads(frame[6:]) async for frame in result]


async def call(server: GalleryServer, type: str, **params: Any) -> dict[str, Any]:
    result = await server.process(json.dumps({"type": type, "params": params}), CTX)
    assert isinstance(result, NonStreamingResult)
    return dict(json.loads(result.json))


async def start(server: GalleryServer, text: str) -> tuple[str, list[dict[str, Any]]]:
    """A new thread with ``text`` sent; its id and the widget items shown."""
    message = {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }
    events = await stream(server, "threads.create", input=message)
    thread_id = events[0]["thread"]["id"]
    widgets = [
        e["item"]
        for e in events
        if e["type"] == "thread.item.done" and e["item"]["type"] == "widget"
    ]
    return thread_id, widgets


async def stored(server: GalleryServer, thread_id: str) -> list[ThreadItem]:
    return (await server.store.load_thread_items(thread_id, None, 100, "asc", CTX)).data


def action(type: str, payload: Any = None) -> dict[str, Any]:
    return {"type": type, "payload": payload}


def find(node: Any, key: str, value: Any) -> dict[str, Any] | None:
    """The first dict in a widget tree whose ``key`` is ``value``."""
    if isinstance(node, dict):
        if node.get(key) == value:
            return node
        node = list(node.values())
    if isinstance(node, list):
        return next((found for v in node if (found := find(v, key, value))), None)
    return None


# --- templates -----------------------------------------------------------------------------


def test_every_template_is_a_valid_widget_file() -> None:
    for path in TEMPLATES.glob("*.widget"):
        definition = json.loads(path.read_text(encoding="utf-8"))
        assert definition["version"] == "1.0"
        assert definition["name"] == path.stem
        assert WidgetTemplate(definition).data_schema["type"] == "object"


def test_reservation_template_renders_a_form_card_with_typed_actions() -> None:
    card = w.reservation_form("res_1", TODAY).model_dump(exclude_none=True)
    assert card["type"] == "Card" and card["asForm"] is True
    assert card["confirm"]["action"] == {
        "type": "reservation.submit",
        "payload": {"reservation_id": "res_1"},
        "handler": "server",
        "loadingBehavior": "container",
        "streaming": True,
    }
    assert card["cancel"]["action"]["type"] == "reservation.cancel"
    select = find(card, "type", "Select")
    assert select is not None and select["name"] == "party.size" and select["defaultValue"] == "2"
    labels = [o["label"] for o in select["options"]]
    assert labels[:2] == ["1 guest", "2 guests"] and labels[-1] == "10 guests"
    assert "description" in select["options"][-1] and "description" not in select["options"][0]
    picker = find(card, "type", "DatePicker")
    assert picker is not None and (picker["min"], picker["max"]) == ("2025-06-01", "2025-07-31")
    phone = find(card, "name", "guest.phone")
    assert phone is not None and phone["pattern"] == "\\+?[0-9 ]{6,20}"
    names = {
        n["name"]
        for t in ("Input", "Select", "DatePicker", "RadioGroup", "Checkbox", "Textarea")
        for n in _all(card, t)
    }
    assert names == {
        "guest.name",
        "guest.email",
        "guest.phone",
        "party.size",
        "date",
        "seating",
        "party.highchair",
        "notes",
    }


def _all(node: Any, type: str) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return ([node] if node.get("type") == type else []) + _all(list(node.values()), type)
    if isinstance(node, list):
        return [found for v in node for found in _all(v, type)]
    return []


def test_result_template_renders_booked_and_cancelled_cards() -> None:
    form = ReservationForm.model_validate(
        {
            "reservation_id": "r",
            "guest": {"name": "Ada <b>", "email": "a@b.c"},
            "party": {"size": 3, "highchair": True},
            "date": "2025-06-02",
            "seating": "terrace",
            "notes": 'Quote " and brace }',
        }
    )
    booked = w.reservation_result(form).model_dump(exclude_none=True)
    assert booked["status"] == {"text": "Reserved", "icon": "check-circle"}
    cells = [c["children"][0]["value"] for c in _all(booked, "Table.Cell")]
    assert cells == [
        "Guest",
        "Ada <b>",
        "Email",
        "a@b.c",
        "Date",
        "Monday 02 June 2025",
        "Party",
        "3 + high chair",
        "Seating",
        "Terrace",
        "Notes",
        'Quote " and brace }',
    ]
    cancelled = w.reservation_result(None).model_dump(exclude_none=True)
    assert cancelled["status"]["text"] == "Cancelled"
    assert not _all(cancelled, "Table")


# --- actions -------------------------------------------------------------------------------


async def test_a_widget_action_updates_the_widget_in_place_and_persists_it(
    server: GalleryServer,
) -> None:
    thread_id, widgets = await start(server, "gallery")
    plans = next(item for item in widgets if item["widget"]["type"] == "ListView")
    events = await stream(
        server,
        "threads.custom_action",
        thread_id=thread_id,
        item_id=plans["id"],
        action=action("plan.select", {"plan": "team"}),
    )
    [update] = [e for e in events if e["type"] == "thread.item.updated"]
    assert update["item_id"] == plans["id"]
    assert update["update"]["type"] == "widget.root.updated"
    root = update["update"]["widget"]
    assert root["status"]["text"] == "Plan: Team"
    assert find(root, "onClickAction", None) is None or all(
        "onClickAction" not in row for row in root["children"]
    )
    kept = next(i for i in await stored(server, thread_id) if i.id == plans["id"])
    assert isinstance(kept, WidgetItem)
    assert kept.widget.model_dump(exclude_none=True) == root
    notes = [i for i in await stored(server, thread_id) if isinstance(i, HiddenContextItem)]
    assert [n.content for n in notes] == [
        "<USER_ACTION>The user chose the Team plan.</USER_ACTION>"
    ]
    assert not any(
        e["type"] == "thread.item.done" and e["item"]["type"] == "hidden_context_item"
        for e in events
    )


async def test_a_component_update_is_sent_and_kept(server: GalleryServer) -> None:
    thread_id, widgets = await start(server, "gallery")
    card = next(item for item in widgets if find(item["widget"], "id", "wait-status"))
    events = await stream(
        server,
        "threads.custom_action",
        thread_id=thread_id,
        item_id=card["id"],
        action=action("gallery.wait", {"behavior": "self"}),
    )
    [update] = [e["update"] for e in events if e["type"] == "thread.item.updated"]
    assert update == {
        "type": "widget.component.updated",
        "component_id": "wait-status",
        "component": {
            "type": "Text",
            "id": "wait-status",
            "value": "The self action finished.",
            "color": "success",
            "size": "sm",
        },
    }
    kept = next(i for i in await stored(server, thread_id) if i.id == card["id"])
    assert isinstance(kept, WidgetItem)
    assert (
        find(kept.widget.model_dump(exclude_none=True), "id", "wait-status") == update["component"]
    )


async def test_an_action_from_a_non_widget_item_is_refused_in_band(server: GalleryServer) -> None:
    thread_id, _ = await start(server, "gallery")
    items = await stored(server, thread_id)
    message = next(i for i in items if i.type == "assistant_message")
    before = [i.model_dump() for i in items]
    events = await stream(
        server,
        "threads.custom_action",
        thread_id=thread_id,
        item_id=message.id,
        action=action("plan.select", {"plan": "pro"}),
    )
    assert events == [{"type": "error", "code": "stream.error", "allow_retry": False}]
    assert server.received == []  # the handler never ran
    assert [i.model_dump() for i in await stored(server, thread_id)] == before


async def test_an_action_without_sender_or_with_a_bad_payload_is_an_error(
    server: GalleryServer,
) -> None:
    thread_id, widgets = await start(server, "gallery")
    events = await stream(
        server,
        "threads.custom_action",
        thread_id=thread_id,
        item_id=None,
        action=action("plan.select", {"plan": "pro"}),
    )
    assert [e for e in events if e["type"] == "error"] == [
        {
            "type": "error",
            "code": "custom",
            "message": "Gallery actions come from its widgets.",
            "allow_retry": False,
        }
    ]
    plans = next(item for item in widgets if item["widget"]["type"] == "ListView")
    for bad in (
        action("plan.select", {"plan": "platinum"}),
        action("plan.select", {"nope": 1}),
        action("no.such.action"),
    ):
        events = await stream(
            server, "threads.custom_action", thread_id=thread_id, item_id=plans["id"], action=bad
        )
        assert [e["type"] for e in events] == ["stream_options", "error"]
    kept = next(i for i in await stored(server, thread_id) if i.id == plans["id"])
    assert (
        isinstance(kept, WidgetItem)
        and kept.widget.model_dump(exclude_none=True) == plans["widget"]
    )


def reservation_payload(reservation_id: str, **over: Any) -> dict[str, Any]:
    return {
        "reservation_id": reservation_id,
        "guest": {"name": "Ada", "email": "ada@example.com", "phone": ""},
        "party": {"size": "4", "highchair": False},
        "date": "2025-06-03",
        "seating": "inside",
        "notes": "",
        **over,
    }


async def test_a_submitted_form_replaces_its_card_and_leaves_a_note_for_the_model(
    server: GalleryServer,
) -> None:
    thread_id, [form] = await start(server, "book")
    reservation_id = form["widget"]["confirm"]["action"]["payload"]["reservation_id"]
    payload = reservation_payload(reservation_id)
    events = await stream(
        server,
        "threads.custom_action",
        thread_id=thread_id,
        item_id=form["id"],
        action=action("reservation.submit", payload),
    )
    replaced = [e["item"] for e in events if e["type"] == "thread.item.replaced"]
    assert [i["id"] for i in replaced] == [form["id"]]
    assert replaced[0]["widget"]["status"]["text"] == "Reserved"
    assert any(
        e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message" for e in events
    )
    items = await stored(server, thread_id)
    kept = next(i for i in items if i.id == form["id"])
    assert (
        isinstance(kept, WidgetItem)
        and kept.widget.model_dump(exclude_none=True) == replaced[0]["widget"]
    )
    [note] = [i for i in items if isinstance(i, HiddenContextItem)]
    assert note.content.startswith("<USER_ACTION>The user booked a table: ")
    assert json.loads(
        note.content.removeprefix("<USER_ACTION>The user booked a table: ").removesuffix(
            "</USER_ACTION>"
        )
    )["party"] == {"size": 4, "highchair": False}
    # The thread as the client loads it never has the note.
    thread = await call(server, "threads.get_by_id", thread_id=thread_id)
    assert "hidden_context_item" not in {i["type"] for i in thread["items"]["data"]}
    # The card is locked: submitting again is refused.
    again = await stream(
        server,
        "threads.custom_action",
        thread_id=thread_id,
        item_id=form["id"],
        action=action("reservation.submit", payload),
    )
    assert [e["message"] for e in again if e["type"] == "error"] == [
        "This reservation form is no longer open."
    ]


async def test_a_form_for_another_reservation_or_with_invalid_fields_is_refused(
    server: GalleryServer,
) -> None:
    thread_id, [form] = await start(server, "book")
    reservation_id = form["widget"]["confirm"]["action"]["payload"]["reservation_id"]
    for payload in (
        reservation_payload("someone-else"),
        reservation_payload(reservation_id, guest={"name": "", "email": "x@y.z"}),
        reservation_payload(reservation_id, party={"size": 40}),
        reservation_payload(reservation_id, seating="roof"),
    ):
        events = await stream(
            server,
            "threads.custom_action",
            thread_id=thread_id,
            item_id=form["id"],
            action=action("reservation.submit", payload),
        )
        assert [e["type"] for e in events] == ["stream_options", "error"]
    assert not [i for i in await stored(server, thread_id) if isinstance(i, HiddenContextItem)]


async def test_the_counter_answers_synchronously_and_persists(server: GalleryServer) -> None:
    thread_id, widgets = await start(server, "gallery")
    card = next(item for item in widgets if find(item["widget"], "id", "count-value"))
    for expected in ("1", "2"):
        response = await call(
            server,
            "threads.sync_custom_action",
            thread_id=thread_id,
            item_id=card["id"],
            action=action("gallery.count", {"step": 1}),
        )
        badge = find(response["updated_item"]["widget"], "id", "count-value")
        assert badge is not None and badge["label"] == expected
    kept = next(i for i in await stored(server, thread_id) if i.id == card["id"])
    assert isinstance(kept, WidgetItem)
    assert find(kept.widget.model_dump(exclude_none=True), "id", "count-value")["label"] == "2"  # type: ignore[index]
    with pytest.raises(RequestError):
        await call(
            server,
            "threads.sync_custom_action",
            thread_id=thread_id,
            item_id=card["id"],
            action=action("gallery.count", {"step": 100}),
        )
    plans = next(item for item in widgets if item["widget"]["type"] == "ListView")
    with pytest.raises(RequestError):
        await call(
            server,
            "threads.sync_custom_action",
            thread_id=thread_id,
            item_id=plans["id"],
            action=action("gallery.count", {"step": 1}),
        )


async def test_a_streamed_widget_grows_by_deltas(server: GalleryServer) -> None:
    message = {
        "content": [{"type": "input_text", "text": "stream"}],
        "attachments": [],
        "inference_options": {},
    }
    events = await stream(server, "threads.create", input=message)
    deltas = [
        e["update"]
        for e in events
        if e["type"] == "thread.item.updated"
        and e["update"]["type"] == "widget.streaming_text.value_delta"
    ]
    text = "".join(d["delta"] for d in deltas if d["component_id"] == "forecast")
    first = next(e["item"] for e in events if e["type"] == "thread.item.added")
    words = w.FORECAST.split(" ")
    # Every word but the last arrives as a delta; the last state (streaming turned off)
    # replaces the root, as diff_widget does for any change other than text growing.
    assert find(first["widget"], "id", "forecast")["value"] + text == " ".join(words[:-1])  # type: ignore[index]
    assert len(deltas) == 2 * (len(words) - 2)
    assert [e["update"]["type"] for e in events if e["type"] == "thread.item.updated"][
        -1
    ] == "widget.root.updated"
    done = [
        e["item"]
        for e in events
        if e["type"] == "thread.item.done" and e["item"]["type"] == "widget"
    ]
    assert find(done[0]["widget"], "id", "forecast") == {
        "type": "Text",
        "id": "forecast",
        "value": w.FORECAST,
        "streaming": False,
    }
