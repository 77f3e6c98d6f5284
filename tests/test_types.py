"""Wire models: what the client receives (None omitted, metadata stripped, exact shapes)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from chatloom.types import (
    Annotation,
    AssistantMessageContent,
    AssistantMessageItem,
    ErrorEvent,
    ImageAttachment,
    InferenceOptions,
    Page,
    Thread,
    ThreadItemDoneEvent,
    ToolChoice,
    URLSource,
    UserMessageItem,
    UserMessageTagContent,
    chatkit_request_adapter,
    is_streaming_req,
    thread_item_adapter,
    to_wire_json,
)


def wire(model: Any) -> Any:
    return json.loads(to_wire_json(model))


def test_reference_minimal_bodies_parse() -> None:
    bodies = [
        '{"type":"threads.create","params":{"input":{"content":[{"type":"input_text","text":"Hi"}],"attachments":[],"inference_options":{}}}}',
        '{"type":"threads.list","params":{}}',
        '{"type":"threads.custom_action","params":{"thread_id":"thr_x","item_id":"msg_w","action":{"type":"do","payload":{"k":1}}}}',
    ]
    parsed = [chatkit_request_adapter.validate_json(body) for body in bodies]
    assert [is_streaming_req(p) for p in parsed] == [True, False, True]
    assert parsed[1].params.order == "desc" and parsed[1].params.limit is None  # type: ignore[union-attr]
    assert parsed[2].params.action.payload == {"k": 1}  # type: ignore[union-attr]


def test_extra_keys_are_ignored_and_required_keys_enforced() -> None:
    body = '{"type":"threads.list","params":{"limit":5,"future":1},"metadata":{"page":"home"}}'
    request = chatkit_request_adapter.validate_json(body)
    assert request.metadata == {"page": "home"}
    with pytest.raises(ValidationError):  # attachments and inference_options are required
        chatkit_request_adapter.validate_json(
            '{"type":"threads.create","params":{"input":{"content":[]}}}'
        )
    with pytest.raises(ValidationError):  # input_tag needs data
        chatkit_request_adapter.validate_json(
            '{"type":"threads.create","params":{"input":{"content":[{"type":"input_tag","id":"a","text":"A"}],"attachments":[],"inference_options":{}}}}'
        )


def test_none_is_omitted_but_empty_values_are_kept() -> None:
    item = UserMessageItem(
        id="msg_1",
        thread_id="thr_1",
        created_at=datetime(2025, 1, 1, 12, 0, 0, 123456),
        content=[UserMessageTagContent(id="e1", text="Ada", data={})],
        inference_options=InferenceOptions(tool_choice=ToolChoice(id="search")),
    )
    assert wire(item) == {
        "id": "msg_1",
        "thread_id": "thr_1",
        "created_at": "2025-01-01T12:00:00.123456",
        "type": "user_message",
        "content": [
            {"type": "input_tag", "id": "e1", "text": "Ada", "data": {}, "interactive": False}
        ],
        "attachments": [],
        "inference_options": {"tool_choice": {"id": "search"}},
    }


def test_timestamps_keep_their_timezone_when_aware() -> None:
    aware = datetime(2025, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    thread = Thread(id="thr_1", created_at=aware)
    assert wire(thread)["created_at"] == "2025-01-01T12:00:00+02:00"


def test_metadata_never_reaches_the_client() -> None:
    image = ImageAttachment(
        id="atc_1",
        name="a.png",
        mime_type="image/png",
        preview_url="https://cdn.example",  # type: ignore[arg-type]
        metadata={"path": "/secret"},
    )
    assert wire(image) == {
        "id": "atc_1",
        "name": "a.png",
        "mime_type": "image/png",
        "type": "image",
        "preview_url": "https://cdn.example/",  # AnyUrl normalizes a bare origin
    }
    assert json.loads(image.model_dump_json())["metadata"] == {"path": "/secret"}  # stores keep it


def test_items_and_events_round_trip_through_json() -> None:
    item = AssistantMessageItem(
        id="msg_a",
        thread_id="thr_1",
        created_at=datetime(2025, 1, 1),
        content=[
            AssistantMessageContent(
                text="See [1]",
                annotations=[
                    Annotation(source=URLSource(title="Docs", url="https://d.example"), index=4)
                ],
            )
        ],
    )
    assert thread_item_adapter.validate_json(to_wire_json(item)) == item
    assert wire(ThreadItemDoneEvent(item=item))["item"]["content"][0]["annotations"] == [
        {
            "type": "annotation",
            "source": {"title": "Docs", "type": "url", "url": "https://d.example"},
            "index": 4,
        }
    ]
    assert wire(ErrorEvent()) == {"type": "error", "code": "custom", "allow_retry": False}
    assert wire(Page[Any]()) == {"data": [], "has_more": False}
