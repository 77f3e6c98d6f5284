"""Every request type through ``ChatKitServer.process``, compared as exact JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chatloom.errors import CustomStreamError, ErrorCode, RequestError, StreamError
from chatloom.server import ChatKitServer, NonStreamingResult, StreamingResult
from chatloom.store import AttachmentStore, NotFoundError
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    Action,
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    AttachmentCreateParams,
    AudioInput,
    ClientEffectEvent,
    ClientToolCallItem,
    FileAttachment,
    HiddenContextItem,
    NoticeEvent,
    ProgressUpdateEvent,
    StructuredInputFreeform,
    StructuredInputItem,
    StructuredInputMultipleChoice,
    StructuredInputMultipleChoiceOption,
    SyncCustomActionResponse,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    TranscriptionResult,
    UserMessageItem,
    WidgetItem,
    WidgetRootUpdated,
)
from chatloom.widgets import Card, Text

from .conftest import Clock, use_sequential_ids

CTX = {"user_id": "u1"}
T = "2025-01-01T12:00:{:02d}"

Script = Callable[[ThreadMetadata, UserMessageItem | None, Any], AsyncIterator[ThreadStreamEvent]]


class Server(ChatKitServer[Any]):
    """Responds with whatever script the test sets."""

    def __init__(self, store: MemoryStore[Any], attachment_store: Any = None) -> None:
        super().__init__(store, attachment_store)
        self.script: Script = say("Hello!")
        self.feedback: list[tuple[str, list[str], str]] = []
        self.seen_inputs: list[UserMessageItem | None] = []

    def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        self.seen_inputs.append(input_user_message)
        return self.script(thread, input_user_message, context)

    async def action(  # type: ignore[override]
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        assert sender is not None
        widget = Card(children=[Text(value=f"picked {action.payload['n']}")])
        yield ThreadItemUpdatedEvent(item_id=sender.id, update=WidgetRootUpdated(widget=widget))

    async def sync_action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: Any,
    ) -> SyncCustomActionResponse:
        assert sender is not None
        sender.widget = Card(children=[Text(value=f"sync {action.type}")])
        return SyncCustomActionResponse(updated_item=sender)

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: Any, context: Any
    ) -> None:
        self.feedback.append((thread_id, item_ids, feedback))

    async def transcribe(self, audio_input: AudioInput, context: Any) -> TranscriptionResult:
        return TranscriptionResult(
            text=f"{len(audio_input.data)} bytes of {audio_input.media_type}"
        )


def say(text: str) -> Script:
    async def script(thread: ThreadMetadata, _: Any, __: Any) -> AsyncIterator[ThreadStreamEvent]:
        yield ThreadItemDoneEvent(
            item=AssistantMessageItem(
                id="msg_reply",
                thread_id=thread.id,
                created_at=datetime(2025, 1, 1, 13, 0),
                content=[AssistantMessageContent(text=text)],
            )
        )

    return script


@pytest.fixture
def store() -> MemoryStore[Any]:
    memory: MemoryStore[Any] = MemoryStore()
    use_sequential_ids(memory)
    return memory


@pytest.fixture
def server(store: MemoryStore[Any], clock: Clock) -> Server:
    return Server(store)


async def stream(
    server: ChatKitServer[Any], type: str, context: Any = CTX, **params: Any
) -> list[Any]:
    result = await server.process(json.dumps({"type": type, "params": params}), context)
    assert isinstance(result, StreamingResult)
    frames = [frame async for frame in result]
    for frame in frames:
        assert frame.startswith(b"data: ") and frame.endswith(b"\n\n") and frame.count(b"\n") == 2
    return [json.loads(frame[6:]) for frame in frames]


async def call(server: ChatKitServer[Any], type: str, context: Any = CTX, **params: Any) -> Any:
    result = await server.process(json.dumps({"type": type, "params": params}), context)
    assert isinstance(result, NonStreamingResult)
    return json.loads(result.json)


def text_input(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
        **extra,
    }


def user_message(id: str, thread_id: str, second: int, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "thread_id": thread_id,
        "created_at": T.format(second),
        "type": "user_message",
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
        **extra,
    }


REPLY = {
    "id": "msg_reply",
    "thread_id": "thr_1",
    "created_at": "2025-01-01T13:00:00",
    "type": "assistant_message",
    "content": [{"annotations": [], "text": "Hello!", "type": "output_text"}],
}
STREAM_OPTIONS = {"type": "stream_options", "stream_options": {"allow_cancel": True}}


async def new_thread(server: Server, text: str = "Hi") -> list[Any]:
    return await stream(server, "threads.create", input=text_input(text))


# --- streaming requests -----------------------------------------------------------------


async def test_threads_create_streams_the_canonical_sequence(server: Server) -> None:
    events = await stream(
        server,
        "threads.create",
        input=text_input("Hi", quoted_text="earlier", inference_options={"model": "m1"}),
    )
    assert events == [
        {
            "type": "thread.created",
            "thread": {
                "id": "thr_1",
                "created_at": T.format(0),
                "status": {"type": "active"},
                "metadata": {},
                "items": {"data": [], "has_more": False},
            },
        },
        {
            "type": "thread.item.done",
            "item": user_message(
                "msg_2", "thr_1", 1, "Hi", quoted_text="earlier", inference_options={"model": "m1"}
            ),
        },
        STREAM_OPTIONS,
        {"type": "thread.item.done", "item": REPLY},
    ]
    assert server.seen_inputs[0] is not None and server.seen_inputs[0].id == "msg_2"
    page = await server.store.load_thread_items("thr_1", None, 10, "asc", CTX)
    assert [item.id for item in page.data] == ["msg_2", "msg_reply"]


async def test_add_user_message_streams_without_thread_created(server: Server) -> None:
    await new_thread(server)
    server.script = say("Again")
    events = await stream(
        server, "threads.add_user_message", thread_id="thr_1", input=text_input("More")
    )
    assert [e["type"] for e in events] == ["thread.item.done", "stream_options", "thread.item.done"]
    assert events[0]["item"] == user_message("msg_3", "thr_1", 2, "More")


async def test_streamed_message_updates_and_hidden_items(server: Server) -> None:
    async def script(thread: ThreadMetadata, *_: Any) -> AsyncIterator[ThreadStreamEvent]:
        item = AssistantMessageItem(
            id="msg_a", thread_id=thread.id, created_at=datetime(2025, 1, 2), content=[]
        )
        yield ThreadItemAddedEvent(item=item)
        part = AssistantMessageContent(text="")
        yield ThreadItemUpdatedEvent(
            item_id="msg_a", update=AssistantMessageContentPartAdded(content_index=0, content=part)
        )
        yield ThreadItemUpdatedEvent(
            item_id="msg_a",
            update=AssistantMessageContentPartTextDelta(content_index=0, delta="Hel"),
        )
        yield ProgressUpdateEvent(icon="search", text="Looking")
        yield ThreadItemUpdatedEvent(
            item_id="msg_a",
            update=AssistantMessageContentPartTextDelta(content_index=0, delta="lo"),
        )
        done = AssistantMessageContent(text="Hello")
        yield ThreadItemUpdatedEvent(
            item_id="msg_a", update=AssistantMessageContentPartDone(content_index=0, content=done)
        )
        item.content = [done]
        yield ThreadItemDoneEvent(item=item)
        yield ThreadItemDoneEvent(
            item=HiddenContextItem(
                id="hc_1", thread_id=thread.id, created_at=datetime(2025, 1, 3), content="secret"
            )
        )
        yield ClientEffectEvent(name="flash", data={"n": 1})
        yield NoticeEvent(level="warning", message="**Careful**", title="Note")

    server.script = script
    events = (await new_thread(server))[3:]
    assert events == [
        {
            "type": "thread.item.added",
            "item": {
                "id": "msg_a",
                "thread_id": "thr_1",
                "created_at": "2025-01-02T00:00:00",
                "type": "assistant_message",
                "content": [],
            },
        },
        {
            "type": "thread.item.updated",
            "item_id": "msg_a",
            "update": {
                "type": "assistant_message.content_part.added",
                "content_index": 0,
                "content": {"annotations": [], "text": "", "type": "output_text"},
            },
        },
        {
            "type": "thread.item.updated",
            "item_id": "msg_a",
            "update": {
                "type": "assistant_message.content_part.text_delta",
                "content_index": 0,
                "delta": "Hel",
            },
        },
        {"type": "progress_update", "icon": "search", "text": "Looking"},
        {
            "type": "thread.item.updated",
            "item_id": "msg_a",
            "update": {
                "type": "assistant_message.content_part.text_delta",
                "content_index": 0,
                "delta": "lo",
            },
        },
        {
            "type": "thread.item.updated",
            "item_id": "msg_a",
            "update": {
                "type": "assistant_message.content_part.done",
                "content_index": 0,
                "content": {"annotations": [], "text": "Hello", "type": "output_text"},
            },
        },
        {
            "type": "thread.item.done",
            "item": {
                "id": "msg_a",
                "thread_id": "thr_1",
                "created_at": "2025-01-02T00:00:00",
                "type": "assistant_message",
                "content": [{"annotations": [], "text": "Hello", "type": "output_text"}],
            },
        },
        {"type": "client_effect", "name": "flash", "data": {"n": 1}},
        {"type": "notice", "level": "warning", "message": "**Careful**", "title": "Note"},
    ]
    # The hidden item was persisted though never sent.
    assert (await server.store.load_item("thr_1", "hc_1", CTX)).content == "secret"  # type: ignore[union-attr]
    # ... and it never shows up in what clients read.
    thread = await call(server, "threads.get_by_id", thread_id="thr_1")
    assert [i["id"] for i in thread["items"]["data"]] == ["msg_2", "msg_a"]
    items = await call(server, "items.list", thread_id="thr_1", order="asc")
    assert [i["id"] for i in items["data"]] == ["msg_2", "msg_a"]


async def test_thread_changes_are_saved_and_announced(server: Server) -> None:
    async def script(thread: ThreadMetadata, *_: Any) -> AsyncIterator[ThreadStreamEvent]:
        thread.title = "Trip to Lisbon"
        thread.metadata["topic"] = "travel"
        yield ProgressUpdateEvent(text="thinking")
        thread.allowed_image_domains = ["images.example"]

    server.script = script
    events = (await new_thread(server))[3:]
    updated = {
        "type": "thread.updated",
        "thread": {
            "title": "Trip to Lisbon",
            "id": "thr_1",
            "created_at": T.format(0),
            "status": {"type": "active"},
            "metadata": {},
            "items": {"data": [], "has_more": False},
        },
    }
    later = json.loads(json.dumps(updated))
    later["thread"]["allowed_image_domains"] = ["images.example"]
    assert events == [{"type": "progress_update", "text": "thinking"}, updated, later]
    saved = await server.store.load_thread("thr_1", CTX)
    assert saved.metadata == {"topic": "travel"} and saved.allowed_image_domains == [
        "images.example"
    ]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            CustomStreamError("Quota reached", allow_retry=True),
            {"type": "error", "code": "custom", "message": "Quota reached", "allow_retry": True},
        ),
        (
            StreamError(ErrorCode.STREAM_ERROR),
            {"type": "error", "code": "stream.error", "allow_retry": True},
        ),
        (
            StreamError(ErrorCode.STREAM_ERROR, allow_retry=False),
            {"type": "error", "code": "stream.error", "allow_retry": False},
        ),
        (RuntimeError("boom"), {"type": "error", "code": "stream.error", "allow_retry": True}),
    ],
)
async def test_handler_errors_become_error_events(
    server: Server, error: Exception, expected: dict[str, Any]
) -> None:
    async def script(thread: ThreadMetadata, *_: Any) -> AsyncIterator[ThreadStreamEvent]:
        yield ProgressUpdateEvent(text="working")
        thread.title = "Half done"
        raise error

    server.script = script
    events = (await new_thread(server))[3:]
    assert events[0] == {"type": "progress_update", "text": "working"}
    assert events[1] == expected
    assert events[2]["type"] == "thread.updated" and events[2]["thread"]["title"] == "Half done"
    assert len(events) == 3
    # The user's message is kept: a retry can run again.
    assert (await server.store.load_item("thr_1", "msg_2", CTX)).id == "msg_2"


async def test_client_tool_round_trip(server: Server) -> None:
    async def ask_client(thread: ThreadMetadata, *_: Any) -> AsyncIterator[ThreadStreamEvent]:
        yield ThreadItemDoneEvent(
            item=ClientToolCallItem(
                id="tc_1",
                thread_id=thread.id,
                created_at=datetime(2025, 1, 2),
                call_id="call_1",
                name="get_location",
                arguments={"precise": True},
            )
        )

    server.script = ask_client
    events = await new_thread(server)
    assert events[-1] == {
        "type": "thread.item.done",
        "item": {
            "id": "tc_1",
            "thread_id": "thr_1",
            "created_at": "2025-01-02T00:00:00",
            "type": "client_tool_call",
            "status": "pending",
            "call_id": "call_1",
            "name": "get_location",
            "arguments": {"precise": True},
        },
    }
    server.script = say("You are in Lisbon")
    events = await stream(
        server, "threads.add_client_tool_output", thread_id="thr_1", result={"city": "Lisbon"}
    )
    assert (
        events[0] == STREAM_OPTIONS
        and events[1]["item"]["content"][0]["text"] == "You are in Lisbon"
    )
    assert server.seen_inputs[-1] is None
    call_item = await server.store.load_item("thr_1", "tc_1", CTX)
    assert call_item.status == "completed" and call_item.output == {"city": "Lisbon"}  # type: ignore[union-attr]
    # A second output has nothing pending to complete.
    with pytest.raises(RequestError) as refused:
        await server.process(
            json.dumps(
                {
                    "type": "threads.add_client_tool_output",
                    "params": {"thread_id": "thr_1", "result": {}},
                }
            ),
            CTX,
        )
    assert refused.value.status_code == 409


async def test_structured_input_answers_then_responds(
    server: Server, store: MemoryStore[Any]
) -> None:
    await new_thread(server)
    question = StructuredInputItem(
        id="si_1",
        thread_id="thr_1",
        created_at=datetime(2025, 1, 2),
        inputs=[
            StructuredInputMultipleChoice(
                id="size",
                question="Size?",
                options=[
                    StructuredInputMultipleChoiceOption(value="S"),
                    StructuredInputMultipleChoiceOption(value="L"),
                ],
            ),
            StructuredInputFreeform(id="note", question="Anything else?"),
            StructuredInputFreeform(id="gift", question="Gift wrap?"),
        ],
    )
    await store.add_thread_item("thr_1", question, CTX)
    server.script = say("Noted")
    events = await stream(
        server,
        "threads.add_structured_input",
        thread_id="thr_1",
        item_id="si_1",
        input={
            "answers": {
                "size": {"values": ["L", "S"]},
                "note": {"values": ["fast please"]},
                "bogus": {"values": ["x"]},
            }
        },
    )
    assert events[:2] == [
        STREAM_OPTIONS,
        {
            "type": "thread.item.replaced",
            "item": {
                "id": "si_1",
                "thread_id": "thr_1",
                "created_at": "2025-01-02T00:00:00",
                "type": "structured_input",
                "status": "answered",
                "inputs": [
                    {
                        "id": "size",
                        "question": "Size?",
                        "answer": {"values": ["L"], "skipped": False},
                        "type": "multiple_choice",
                        "options": [{"value": "S"}, {"value": "L"}],
                        "multiple": False,
                    },
                    {
                        "id": "note",
                        "question": "Anything else?",
                        "answer": {"values": ["fast please"], "skipped": False},
                        "type": "freeform",
                    },
                    {
                        "id": "gift",
                        "question": "Gift wrap?",
                        "answer": {"values": [], "skipped": True},
                        "type": "freeform",
                    },
                ],
            },
        },
    ]
    assert events[2]["item"]["content"][0]["text"] == "Noted"
    assert (await store.load_item("thr_1", "si_1", CTX)).status == "answered"  # type: ignore[union-attr]
    with pytest.raises(RequestError) as again:
        await server.process(
            json.dumps(
                {
                    "type": "threads.add_structured_input",
                    "params": {
                        "thread_id": "thr_1",
                        "item_id": "si_1",
                        "input": {"status": "skipped"},
                    },
                }
            ),
            CTX,
        )
    assert again.value.status_code == 409
    with pytest.raises(RequestError):
        await server.process(
            json.dumps(
                {
                    "type": "threads.add_structured_input",
                    "params": {"thread_id": "thr_1", "item_id": "msg_2", "input": {}},
                }
            ),
            CTX,
        )


async def test_retry_after_item_drops_newer_items_and_responds_again(server: Server) -> None:
    await new_thread(server, "first")
    server.script = say("second answer")
    await stream(server, "threads.add_user_message", thread_id="thr_1", input=text_input("second"))
    server.script = say("retried")
    events = await stream(server, "threads.retry_after_item", thread_id="thr_1", item_id="msg_2")
    assert events[0] == STREAM_OPTIONS and events[1]["item"]["content"][0]["text"] == "retried"
    assert server.seen_inputs[-1] is not None and server.seen_inputs[-1].id == "msg_2"
    items = (await server.store.load_thread_items("thr_1", None, 10, "asc", CTX)).data
    assert [i.id for i in items] == ["msg_2", "msg_reply"]
    assert items[1].content[0].text == "retried"  # type: ignore[union-attr]
    with pytest.raises(NotFoundError):
        await server.process(
            json.dumps(
                {
                    "type": "threads.retry_after_item",
                    "params": {"thread_id": "thr_1", "item_id": "msg_404"},
                }
            ),
            CTX,
        )
    with pytest.raises(RequestError):
        await server.process(
            json.dumps(
                {
                    "type": "threads.retry_after_item",
                    "params": {"thread_id": "thr_1", "item_id": "msg_reply"},
                }
            ),
            CTX,
        )


async def add_widget(store: MemoryStore[Any]) -> None:
    widget = WidgetItem(
        id="w_1",
        thread_id="thr_1",
        created_at=datetime(2025, 1, 2),
        widget=Card(children=[Text(value="pick one")]),
    )
    await store.add_thread_item("thr_1", widget, CTX)


async def test_custom_action_from_a_widget(server: Server, store: MemoryStore[Any]) -> None:
    await new_thread(server)
    await add_widget(store)
    events = await stream(
        server,
        "threads.custom_action",
        thread_id="thr_1",
        item_id="w_1",
        action={"type": "pick", "payload": {"n": 2}, "handler": "server"},
    )
    assert events == [
        STREAM_OPTIONS,
        {
            "type": "thread.item.updated",
            "item_id": "w_1",
            "update": {
                "type": "widget.root.updated",
                "widget": {"type": "Card", "children": [{"type": "Text", "value": "picked 2"}]},
            },
        },
    ]
    # A sender that is not a widget is refused in-band.
    events = await stream(
        server, "threads.custom_action", thread_id="thr_1", item_id="msg_2", action={"type": "pick"}
    )
    assert events == [{"type": "error", "code": "stream.error", "allow_retry": False}]


async def test_sync_custom_action_returns_and_persists_the_updated_item(
    server: Server, store: MemoryStore[Any]
) -> None:
    await new_thread(server)
    await add_widget(store)
    response = await call(
        server,
        "threads.sync_custom_action",
        thread_id="thr_1",
        item_id="w_1",
        action={"type": "toggle"},
    )
    widget = {"type": "Card", "children": [{"type": "Text", "value": "sync toggle"}]}
    assert response == {
        "updated_item": {
            "id": "w_1",
            "thread_id": "thr_1",
            "created_at": "2025-01-02T00:00:00",
            "type": "widget",
            "widget": widget,
        }
    }
    saved = await store.load_item("thr_1", "w_1", CTX)
    assert saved.widget.model_dump(exclude_none=True) == widget  # type: ignore[union-attr]
    with pytest.raises(RequestError):
        await server.process(
            json.dumps(
                {
                    "type": "threads.sync_custom_action",
                    "params": {"thread_id": "thr_1", "item_id": "msg_2", "action": {"type": "x"}},
                }
            ),
            CTX,
        )


# --- cancellation -----------------------------------------------------------------------


async def test_cancelled_stream_keeps_partial_text_and_adds_a_hidden_note(server: Server) -> None:
    started = asyncio.Event()

    async def slow(thread: ThreadMetadata, *_: Any) -> AsyncIterator[ThreadStreamEvent]:
        yield ThreadItemAddedEvent(
            item=AssistantMessageItem(
                id="msg_a",
                thread_id=thread.id,
                created_at=datetime(2025, 1, 1, 12, 0, 1),
                content=[],
            )
        )
        yield ThreadItemUpdatedEvent(
            item_id="msg_a",
            update=AssistantMessageContentPartTextDelta(content_index=0, delta="Partial ans"),
        )
        started.set()
        await asyncio.sleep(60)
        yield ThreadItemUpdatedEvent(
            item_id="msg_a",
            update=AssistantMessageContentPartTextDelta(content_index=0, delta="never"),
        )

    server.script = slow
    result = await server.process(
        json.dumps({"type": "threads.create", "params": {"input": text_input("Hi")}}), CTX
    )
    assert isinstance(result, StreamingResult)

    async def consume() -> None:
        async for _ in result:
            pass

    task = asyncio.create_task(consume())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    items = (await server.store.load_thread_items("thr_1", None, 10, "asc", CTX)).data
    assert [i.type for i in items] == ["user_message", "assistant_message", "sdk_hidden_context"]
    assert items[1].content[0].text == "Partial ans"  # type: ignore[union-attr]
    assert (
        items[2].content == "The user cancelled the stream. Stop responding to the prior request."
    )  # type: ignore[union-attr]
    # Clients never see the note.
    listed = await call(server, "items.list", thread_id="thr_1")
    assert [i["type"] for i in listed["data"]] == ["assistant_message", "user_message"]


async def test_closing_the_stream_runs_the_cancellation_path(server: Server) -> None:
    async def slow(thread: ThreadMetadata, *_: Any) -> AsyncIterator[ThreadStreamEvent]:
        yield ThreadItemAddedEvent(
            item=AssistantMessageItem(
                id="msg_a",
                thread_id=thread.id,
                created_at=datetime(2025, 1, 1, 12, 0, 1),
                content=[AssistantMessageContent(text="so far")],
            )
        )
        await asyncio.sleep(60)

    server.script = slow
    result = await server.process(
        json.dumps({"type": "threads.create", "params": {"input": text_input("Hi")}}), CTX
    )
    frames = aiter(result)
    for _ in range(4):  # created, user message, stream options, added
        await anext(frames)
    await result.json_events.aclose()  # type: ignore[attr-defined]
    items = (await server.store.load_thread_items("thr_1", None, 10, "asc", CTX)).data
    assert [i.type for i in items] == ["user_message", "assistant_message", "sdk_hidden_context"]


# --- non-streaming requests -------------------------------------------------------------


async def test_get_by_id_returns_the_oldest_page_ascending(
    server: Server, store: MemoryStore[Any]
) -> None:
    await new_thread(server)
    for n in range(25):
        await store.add_thread_item(
            "thr_1",
            AssistantMessageItem(
                id=f"msg_{n:02}",
                thread_id="thr_1",
                created_at=datetime(2025, 2, 1, 0, 0, n),
                content=[],
            ),
            CTX,
        )
    thread = await call(server, "threads.get_by_id", thread_id="thr_1")
    assert thread["id"] == "thr_1" and thread["metadata"] == {}
    ids = [i["id"] for i in thread["items"]["data"]]
    assert ids[:3] == ["msg_2", "msg_reply", "msg_00"] and len(ids) == 20
    assert thread["items"]["has_more"] is True and thread["items"]["after"] == ids[-1]


async def test_threads_list_update_and_delete(server: Server, store: MemoryStore[Any]) -> None:
    await new_thread(server)
    await new_thread(server)
    page = await call(server, "threads.list", limit=1)
    assert page == {
        "data": [
            {
                "id": "thr_3",
                "created_at": T.format(2),
                "status": {"type": "active"},
                "metadata": {},
                "items": {"data": [], "has_more": False},
            }
        ],
        "has_more": True,
        "after": "thr_3",
    }
    assert [t["id"] for t in (await call(server, "threads.list", after="thr_3"))["data"]] == [
        "thr_1"
    ]
    renamed = await call(server, "threads.update", thread_id="thr_1", title="Renamed")
    assert renamed == {
        "title": "Renamed",
        "id": "thr_1",
        "created_at": T.format(0),
        "status": {"type": "active"},
        "metadata": {},
        "items": {"data": [], "has_more": False},
    }
    assert await call(server, "threads.delete", thread_id="thr_1") == {}
    assert [t["id"] for t in (await call(server, "threads.list"))["data"]] == ["thr_3"]
    with pytest.raises(NotFoundError):
        await call(server, "threads.get_by_id", thread_id="thr_1")


async def test_items_list_pages_newest_first_by_default(server: Server) -> None:
    await new_thread(server)
    page = await call(server, "items.list", thread_id="thr_1", limit=1)
    assert page == {"data": [REPLY], "has_more": True, "after": "msg_reply"}
    older = await call(server, "items.list", thread_id="thr_1", after="msg_reply")
    assert older == {"data": [user_message("msg_2", "thr_1", 1, "Hi")], "has_more": False}


async def test_feedback_reaches_the_hook_for_own_threads_only(server: Server) -> None:
    await new_thread(server)
    assert (
        await call(
            server, "items.feedback", thread_id="thr_1", item_ids=["msg_reply"], kind="positive"
        )
        == {}
    )
    assert server.feedback == [("thr_1", ["msg_reply"], "positive")]
    with pytest.raises(NotFoundError):
        await call(
            server,
            "items.feedback",
            {"user_id": "intruder"},
            thread_id="thr_1",
            item_ids=["msg_reply"],
            kind="negative",
        )


class FakeFiles(AttachmentStore[Any]):
    """Keeps 'bytes' in a dict; enough to check what the server asks of a file store."""

    def __init__(self) -> None:
        self.deleted: list[str] = []

    async def create_attachment(self, input: AttachmentCreateParams, context: Any) -> Any:
        return FileAttachment(
            id="atc_new",
            name=input.name,
            mime_type=input.mime_type,
            upload_descriptor={
                "url": "https://up.example/atc_new",
                "method": "PUT",
                "headers": {"x-sig": "abc"},
            },  # type: ignore[arg-type]
            metadata={"disk_path": "/srv/atc_new"},
        )

    async def delete_attachment(self, attachment_id: str, context: Any) -> None:
        self.deleted.append(attachment_id)


async def test_attachments_lifecycle(store: MemoryStore[Any], clock: Clock) -> None:
    files = FakeFiles()
    server = Server(store, files)
    created = await call(
        server, "attachments.create", name="notes.txt", size=12, mime_type="text/plain"
    )
    assert created == {
        "id": "atc_new",
        "name": "notes.txt",
        "mime_type": "text/plain",
        "upload_descriptor": {
            "url": "https://up.example/atc_new",
            "method": "PUT",
            "headers": {"x-sig": "abc"},
        },
        "type": "file",
    }
    assert (await store.load_attachment("atc_new", CTX)).metadata == {"disk_path": "/srv/atc_new"}
    events = await stream(
        server, "threads.create", input={**text_input("see file"), "attachments": ["atc_new"]}
    )
    sent = events[1]["item"]["attachments"]
    assert sent == [{**created, "thread_id": "thr_1"}]  # full objects, no metadata
    # Another user can neither attach nor delete it.
    with pytest.raises(NotFoundError):
        await server.process(
            json.dumps(
                {
                    "type": "threads.create",
                    "params": {"input": {**text_input("x"), "attachments": ["atc_new"]}},
                }
            ),
            {"user_id": "u2"},
        )
    with pytest.raises(NotFoundError):
        await call(server, "attachments.delete", {"user_id": "u2"}, attachment_id="atc_new")
    # Deleting the thread frees the attachment's bytes and metadata.
    assert await call(server, "threads.delete", thread_id="thr_1") == {}
    assert files.deleted == ["atc_new"]
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_new", CTX)


async def test_attachments_without_a_file_store_are_refused(server: Server) -> None:
    with pytest.raises(RequestError) as refused:
        await call(server, "attachments.create", name="a", size=1, mime_type="text/plain")
    assert refused.value.status_code == 501


async def test_transcribe_decodes_audio(server: Server) -> None:
    result = await call(
        server, "input.transcribe", audio_base64="AAECAw==", mime_type="audio/webm;codecs=opus"
    )
    assert result == {"text": "4 bytes of audio/webm"}
    with pytest.raises(RequestError):
        await call(server, "input.transcribe", audio_base64="not base64!", mime_type="audio/webm")


# --- refusals before anything is stored -------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"type": "threads.explode", "params": {}}',
        b'{"type": "threads.create", "params": {"input": {"content": []}}}',
        b'{"type": "threads.list", "params": {"limit": -1}}',
        b'{"type": "threads.get_by_id", "params": {"thread_id": ""}}',
        b'{"type": "threads.custom_action", "params": {"thread_id": "t", "action": {"payload": 1}}}',
    ],
)
async def test_invalid_requests_raise_validation_errors(
    server: Server, store: MemoryStore[Any], body: bytes
) -> None:
    with pytest.raises(ValidationError):
        await server.process(body, CTX)
    assert (await store.load_threads(10, None, "desc", CTX)).data == []


async def test_unknown_threads_are_refused_before_streaming(server: Server) -> None:
    with pytest.raises(NotFoundError):
        await server.process(
            json.dumps(
                {
                    "type": "threads.add_user_message",
                    "params": {"thread_id": "thr_x", "input": text_input("x")},
                }
            ),
            CTX,
        )
    with pytest.raises(NotFoundError):
        await server.process(
            json.dumps(
                {
                    "type": "threads.create",
                    "params": {"input": {**text_input("x"), "attachments": ["atc_missing"]}},
                }
            ),
            CTX,
        )
    assert (await server.store.load_threads(10, None, "desc", CTX)).data == []


async def test_default_hooks_say_what_is_missing(store: MemoryStore[Any]) -> None:
    class Minimal(ChatKitServer[Any]):
        def respond(self, thread: Any, item: Any, context: Any) -> AsyncIterator[ThreadStreamEvent]:
            return say("hi")(thread, item, context)

    server = Minimal(store)
    await stream(server, "threads.create", input=text_input("Hi"))
    with pytest.raises(NotImplementedError):
        await call(server, "input.transcribe", audio_base64="", mime_type="audio/webm")
    events = await stream(server, "threads.custom_action", thread_id="thr_1", action={"type": "x"})
    assert events[-1] == {"type": "error", "code": "stream.error", "allow_retry": True}


async def test_removed_events_delete_items(server: Server) -> None:
    async def script(thread: ThreadMetadata, *_: Any) -> AsyncIterator[ThreadStreamEvent]:
        yield ThreadItemDoneEvent(
            item=AssistantMessageItem(
                id="msg_tmp", thread_id=thread.id, created_at=datetime(2025, 1, 2), content=[]
            )
        )
        yield ThreadItemRemovedEvent(item_id="msg_tmp")

    server.script = script
    events = (await new_thread(server))[3:]
    assert [e["type"] for e in events] == ["thread.item.done", "thread.item.removed"]
    with pytest.raises(NotFoundError):
        await server.store.load_item("thr_1", "msg_tmp", CTX)
