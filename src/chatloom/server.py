"""``ChatKitServer``: routes a ChatKit request to its handler and runs the event pipeline.

``process(body, context)`` validates the request, does every check that can refuse it
(unknown thread, wrong item kind, someone else's data) *before* anything streams, so
the HTTP layer can answer 4xx and nothing is stored, then returns either a stream of
SSE frames or one JSON body.
"""

from __future__ import annotations

import base64
import math
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic

import anyio

from .errors import CustomStreamError, ErrorCode, RequestError, StreamError
from .logger import logger
from .responses import Responses, parse_event_id
from .sse import frame
from .store import AttachmentStore, NotFoundError, Store, TContext, user_id_of
from .turn_state import PendingItems, ThreadWatch
from .types import (
    Action,
    AssistantMessageItem,
    Attachment,
    AttachmentCreateParams,
    AttachmentDeleteParams,
    AudioInput,
    ClientToolCallItem,
    ErrorEvent,
    FeedbackKind,
    InputTranscribeParams,
    ItemFeedbackParams,
    ItemsListParams,
    Page,
    ResponsesCancelParams,
    ResponsesResumeParams,
    SDKHiddenContextItem,
    StreamOptions,
    StreamOptionsEvent,
    StructuredInputAnswer,
    StructuredInputItem,
    StructuredInputSubmission,
    SyncCustomActionResponse,
    Thread,
    ThreadAddClientToolOutputParams,
    ThreadAddStructuredInputParams,
    ThreadAddUserMessageParams,
    ThreadCreatedEvent,
    ThreadCreateParams,
    ThreadCustomActionParams,
    ThreadDeleteParams,
    ThreadGetByIdParams,
    ThreadItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadListParams,
    ThreadMetadata,
    ThreadRetryAfterItemParams,
    ThreadStreamEvent,
    ThreadUpdatedEvent,
    ThreadUpdateParams,
    TranscriptionResult,
    UserMessageInput,
    UserMessageItem,
    WidgetItem,
    chatkit_request_adapter,
    is_hidden,
    to_wire_json,
)
from .widget_streaming import diff_widget, stream_widget

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000
DEFAULT_ERROR_MESSAGE = "An error occurred when generating a response."
CANCELLED_NOTE = "The user cancelled the stream. Stop responding to the prior request."
# A client that can resume streams says so in the request's metadata: an official
# server ignores it, and no header means no CORS preflight for pages on other origins.
RESUMABLE_METADATA = "chatloom.resumable"
WATCH_INTERVAL = 0.05  # at most this long between a thread change and thread.updated
RUNNING_RESPONSE_FIELD = "chatloom_running_response"

EventSource = Callable[[], AsyncIterable[ThreadStreamEvent]]
Prelude = Callable[[], Awaitable[list[ThreadStreamEvent]]]


class StreamingResult:
    """The response to a streaming request: SSE frames, ``data: <json>\\n\\n`` each."""

    def __init__(self, stream: AsyncIterator[bytes]) -> None:
        self.json_events = stream

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.json_events


@dataclass
class Turn:
    """The SSE frames of one streamed turn, and the thread it runs in."""

    thread_id: str
    frames: AsyncIterator[bytes]


class NonStreamingResult:
    """The response to a non-streaming request: one JSON body."""

    def __init__(self, result: bytes) -> None:
        self.json = result


def _page_size(limit: int | None) -> int:
    return min(limit or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def _wire_thread(thread: ThreadMetadata, items: Page[ThreadItem] | None = None) -> Thread:
    """The thread as clients see it: no server-side metadata, no hidden items."""
    if items is not None:
        items = Page(
            data=[item for item in items.data if not is_hidden(item)],
            has_more=items.has_more,
            after=items.after,
        )
    return Thread(
        id=thread.id,
        title=thread.title,
        created_at=thread.created_at,
        status=thread.status,
        allowed_image_domains=thread.allowed_image_domains,
        items=items or Page(),
    )


def _answer(
    item: StructuredInputItem, submission: StructuredInputSubmission
) -> StructuredInputItem:
    answered = item.model_copy(deep=True)
    known = {question.id for question in answered.inputs}
    for unknown in submission.answers.keys() - known:
        logger.warning("Ignoring an answer to unknown input %s of item %s", unknown, item.id)
    for question in answered.inputs:
        given = submission.answers.get(question.id)
        if submission.status == "skipped" or given is None or given.skipped or not given.values:
            question.answer = StructuredInputAnswer(skipped=True)
            continue
        values = given.values
        if question.type == "multiple_choice" and not question.multiple:
            values = values[:1]
        question.answer = StructuredInputAnswer(values=values)
    answered.status = submission.status
    return answered


class ChatKitServer(ABC, Generic[TContext]):
    """Subclass it and implement :meth:`respond`; override the other hooks as needed."""

    max_attachments_per_message = 10
    """A user message with more attachments is refused (400)."""

    #: Seconds between saves of a streaming reply's partial text, so a crash mid-reply
    #: loses at most that much of it; ``None`` saves a reply only when it is done.
    partial_save_interval: float | None = 1.0

    def __init__(
        self,
        store: Store[TContext],
        attachment_store: AttachmentStore[TContext] | None = None,
        *,
        responses: Responses | None = None,
    ) -> None:
        self.store = store
        self.attachment_store = attachment_store
        #: Where resumable responses run and are logged; ``None`` turns the extension off.
        self.responses = responses

    # --- hooks ---------------------------------------------------------------------------

    @abstractmethod
    def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: TContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Stream the reply to a user message (or ``None`` after tool output or an answer)."""

    def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: TContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Stream the result of a widget action (``threads.custom_action``)."""
        raise NotImplementedError(f"{type(self).__name__} does not handle widget actions")

    async def sync_action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: TContext,
    ) -> SyncCustomActionResponse:
        """Answer a non-streaming widget action; a returned ``updated_item`` is persisted."""
        raise NotImplementedError(f"{type(self).__name__} does not handle sync widget actions")

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: FeedbackKind, context: TContext
    ) -> None:
        """Record thumbs up/down on items; the default drops it."""

    async def transcribe(self, audio_input: AudioInput, context: TContext) -> TranscriptionResult:
        """Turn dictated audio into text for the composer."""
        raise NotImplementedError(f"{type(self).__name__} does not transcribe audio")

    def get_stream_options(self, thread: ThreadMetadata, context: TContext) -> StreamOptions:
        return StreamOptions(allow_cancel=True)

    async def handle_stream_cancelled(
        self, thread: ThreadMetadata, pending_items: list[ThreadItem], context: TContext
    ) -> None:
        """Keep what the user saw of a stopped reply, and tell the model it was stopped."""
        for item in pending_items:
            if isinstance(item, AssistantMessageItem) and any(
                part.text.strip() for part in item.content
            ):
                try:
                    await self.store.load_item(thread.id, item.id, context)
                except NotFoundError:
                    await self.store.add_thread_item(thread.id, item, context)
                else:  # its partial text was saved while it streamed
                    await self.store.save_item(thread.id, item, context)
        note = SDKHiddenContextItem(
            id=self.store.generate_item_id("sdk_hidden_context", thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=CANCELLED_NOTE,
        )
        await self.store.add_thread_item(thread.id, note, context)

    # --- entry point ---------------------------------------------------------------------

    async def process(
        self, request: str | bytes | bytearray, context: TContext
    ) -> StreamingResult | NonStreamingResult:
        """Handle one request body.

        A streamed turn whose request opts in (``metadata["chatloom.resumable"]``) on a
        server with :attr:`responses` runs on its own, logged, and survives the client's
        disconnect; its frames carry ``id:`` lines a client resumes from
        (``responses.resume``). Other clients get the classic stream.

        Raises ``pydantic.ValidationError`` for a malformed body, :class:`NotFoundError`
        for a missing (or foreign) thread, item or attachment, :class:`RequestError`
        for a request that cannot apply, and ``NotImplementedError`` for a hook the app
        does not provide. The HTTP layer maps them to 400, 404, 4xx and 501.
        """
        req = chatkit_request_adapter.validate_json(request)
        handler = getattr(self, "_" + req.type.replace(".", "_"))
        result = await handler(req.params, context)
        if isinstance(result, bytes):
            return NonStreamingResult(result)
        if not isinstance(result, Turn):
            return StreamingResult(result)
        if self.responses is None or req.metadata.get(RESUMABLE_METADATA) is not True:
            return StreamingResult(result.frames)
        owner = user_id_of(context)
        response_id = await self.responses.start(result.frames, owner, result.thread_id)
        return StreamingResult(await self.responses.follow(response_id, owner))

    # --- streaming requests: checks first, then the stream ------------------------------

    async def _threads_create(self, params: ThreadCreateParams, context: TContext) -> Turn:
        attachments = await self._load_attachments(params.input, context)
        thread = Thread(id=self.store.generate_thread_id(context), created_at=datetime.now())
        return self._user_turn(thread, params.input, attachments, context, new_thread=True)

    async def _threads_add_user_message(
        self, params: ThreadAddUserMessageParams, context: TContext
    ) -> Turn:
        thread = await self.store.load_thread(params.thread_id, context)
        attachments = await self._load_attachments(params.input, context)
        return self._user_turn(thread, params.input, attachments, context)

    async def _threads_add_client_tool_output(
        self, params: ThreadAddClientToolOutputParams, context: TContext
    ) -> Turn:
        thread = await self.store.load_thread(params.thread_id, context)
        newest = await self.store.load_thread_items(thread.id, None, 1, "desc", context)
        call = newest.data[0] if newest.data else None
        if not isinstance(call, ClientToolCallItem) or call.status != "pending":
            raise RequestError(f"Thread {thread.id} has no pending client tool call", 409)

        async def prelude() -> list[ThreadStreamEvent]:
            call.output = params.result
            call.status = "completed"
            await self.store.save_item(thread.id, call, context)
            recent = await self.store.load_thread_items(
                thread.id, None, DEFAULT_PAGE_SIZE, "desc", context
            )
            for stale in recent.data:
                if isinstance(stale, ClientToolCallItem) and stale.status == "pending":
                    logger.info("Client tool call %s was not completed, dropping it", stale.id)
                    await self.store.delete_thread_item(thread.id, stale.id, context)
            return []

        return self._stream(thread, context, lambda: self.respond(thread, None, context), prelude)

    async def _threads_add_structured_input(
        self, params: ThreadAddStructuredInputParams, context: TContext
    ) -> Turn:
        thread = await self.store.load_thread(params.thread_id, context)
        item = await self.store.load_item(thread.id, params.item_id, context)
        if not isinstance(item, StructuredInputItem):
            raise RequestError(f"Item {item.id} is not a structured input item")
        if item.status != "pending":
            raise RequestError(f"Structured input item {item.id} was already {item.status}", 409)
        answered = _answer(item, params.input)

        async def events() -> AsyncIterator[ThreadStreamEvent]:
            yield ThreadItemReplacedEvent(item=answered)
            async for event in self.respond(thread, None, context):
                yield event

        return self._stream(thread, context, events)

    async def _threads_retry_after_item(
        self, params: ThreadRetryAfterItemParams, context: TContext
    ) -> Turn:
        thread = await self.store.load_thread(params.thread_id, context)
        newer: list[ThreadItem] = []
        after: str | None = None
        while True:
            page = await self.store.load_thread_items(thread.id, after, 100, "desc", context)
            target = next((item for item in page.data if item.id == params.item_id), None)
            if target is not None:
                newer += page.data[: page.data.index(target)]
                break
            newer += page.data
            if not page.has_more:
                raise NotFoundError(f"Item {params.item_id} not found in thread {thread.id}")
            after = page.after
        if not isinstance(target, UserMessageItem):
            raise RequestError(f"Item {target.id} is not a user message")
        user_message = target

        async def prelude() -> list[ThreadStreamEvent]:
            # No removed events: the client drops everything after the retried message.
            for item in newer:
                await self.store.delete_thread_item(thread.id, item.id, context)
            return []

        return self._stream(
            thread, context, lambda: self.respond(thread, user_message, context), prelude
        )

    async def _threads_custom_action(
        self, params: ThreadCustomActionParams, context: TContext
    ) -> Turn:
        thread, sender = await self._load_action_target(params, context)
        if params.item_id is not None and sender is None:
            # As in the reference: refused in-band, which every client renders.
            return Turn(
                thread.id, _frames([ErrorEvent(code=ErrorCode.STREAM_ERROR, allow_retry=False)])
            )
        return self._stream(
            thread, context, lambda: self.action(thread, params.action, sender, context)
        )

    async def _responses_resume(
        self, params: ResponsesResumeParams, context: TContext
    ) -> AsyncIterator[bytes]:
        response_id, after = parse_event_id(params.last_event_id)
        return await self._responses().follow(response_id, user_id_of(context), after)

    # --- non-streaming requests ----------------------------------------------------------

    async def _responses_cancel(self, params: ResponsesCancelParams, context: TContext) -> bytes:
        await self._responses().cancel(params.response_id, user_id_of(context))
        return b"{}"

    async def _threads_sync_custom_action(
        self, params: ThreadCustomActionParams, context: TContext
    ) -> bytes:
        thread, sender = await self._load_action_target(params, context)
        if params.item_id is not None and sender is None:
            raise RequestError("threads.sync_custom_action requires a widget sender item")
        response = await self.sync_action(thread, params.action, sender, context)
        if response.updated_item is not None:
            await self.store.save_item(thread.id, response.updated_item, context)
        return to_wire_json(response)

    async def _threads_get_by_id(self, params: ThreadGetByIdParams, context: TContext) -> bytes:
        thread = await self.store.load_thread(params.thread_id, context)
        items = await self.store.load_thread_items(
            thread.id, None, DEFAULT_PAGE_SIZE, "asc", context
        )
        body = to_wire_json(_wire_thread(thread, items))
        if self.responses is None:
            return body
        running = await self.responses.running(thread.id, user_id_of(context))
        if running is None:
            return body
        # A reply is still streaming (another tab, a reload): the client can follow it.
        return body[:-1] + b',"%b":"%b"}' % (RUNNING_RESPONSE_FIELD.encode(), running.encode())

    async def _threads_list(self, params: ThreadListParams, context: TContext) -> bytes:
        page = await self.store.load_threads(
            _page_size(params.limit), params.after, params.order, context
        )
        threads = [_wire_thread(thread) for thread in page.data]
        return to_wire_json(Page(data=threads, has_more=page.has_more, after=page.after))

    async def _items_list(self, params: ItemsListParams, context: TContext) -> bytes:
        page = await self.store.load_thread_items(
            params.thread_id, params.after, _page_size(params.limit), params.order, context
        )
        page.data = [item for item in page.data if not is_hidden(item)]
        return to_wire_json(page)

    async def _items_feedback(self, params: ItemFeedbackParams, context: TContext) -> bytes:
        thread = await self.store.load_thread(params.thread_id, context)
        await self.add_feedback(thread.id, params.item_ids, params.kind, context)
        return b"{}"

    async def _attachments_create(self, params: AttachmentCreateParams, context: TContext) -> bytes:
        attachment = await self._attachment_store().create_attachment(params, context)
        await self.store.save_attachment(attachment, context)
        return to_wire_json(attachment)

    async def _attachments_delete(self, params: AttachmentDeleteParams, context: TContext) -> bytes:
        attachment_store = self._attachment_store()
        attachment = await self.store.load_attachment(params.attachment_id, context)
        await attachment_store.delete_attachment(attachment.id, context)
        await self.store.delete_attachment(attachment.id, context)
        return b"{}"

    async def _threads_update(self, params: ThreadUpdateParams, context: TContext) -> bytes:
        thread = await self.store.load_thread(params.thread_id, context)
        thread.title = params.title
        await self.store.save_thread(thread, context)
        return to_wire_json(_wire_thread(thread))

    async def _threads_delete(self, params: ThreadDeleteParams, context: TContext) -> bytes:
        thread = await self.store.load_thread(params.thread_id, context)
        attachments = await self.store.load_thread_attachments(thread.id, context)
        await self.store.delete_thread(thread.id, context)
        for attachment in attachments:
            if self.attachment_store is not None:
                await self.attachment_store.delete_attachment(attachment.id, context)
            await self.store.delete_attachment(attachment.id, context)
        return b"{}"

    async def _input_transcribe(self, params: InputTranscribeParams, context: TContext) -> bytes:
        try:
            audio = base64.b64decode(params.audio_base64, validate=True)
        except ValueError as error:  # binascii.Error, or a character outside ASCII
            raise RequestError("audio_base64 is not valid base64") from error
        result = await self.transcribe(AudioInput(data=audio, mime_type=params.mime_type), context)
        return to_wire_json(result)

    # --- shared steps --------------------------------------------------------------------

    def _responses(self) -> Responses:
        if self.responses is None:
            raise RequestError("Resumable responses are not enabled on this server", 501)
        return self.responses

    def _attachment_store(self) -> AttachmentStore[TContext]:
        if self.attachment_store is None:
            raise RequestError("Attachments are not enabled on this server", 501)
        return self.attachment_store

    async def _load_attachments(self, input: UserMessageInput, context: TContext) -> list[Any]:
        """The message's attachments, once the message is known to be one worth sending
        (and, with an attachment store, each one checked by it: an upload that never
        arrived, or whose bytes are not what was declared, is refused)."""
        if not input.attachments and not any(
            part.type != "input_text" or part.text.strip() for part in input.content
        ):
            raise RequestError("The message is empty: send some text or an attachment")
        if len(input.attachments) > self.max_attachments_per_message:
            raise RequestError(
                f"A message may carry at most {self.max_attachments_per_message} attachments"
            )
        attachments = [await self.store.load_attachment(id, context) for id in input.attachments]
        if self.attachment_store is None:
            return attachments
        return [
            await self.attachment_store.prepare_for_message(attachment, context)
            for attachment in attachments
        ]

    async def _load_action_target(
        self, params: ThreadCustomActionParams, context: TContext
    ) -> tuple[ThreadMetadata, WidgetItem | None]:
        thread = await self.store.load_thread(params.thread_id, context)
        if params.item_id is None:
            return thread, None
        item = await self.store.load_item(thread.id, params.item_id, context)
        return thread, item if isinstance(item, WidgetItem) else None

    def _user_turn(
        self,
        thread: ThreadMetadata,
        input: UserMessageInput,
        attachments: list[Attachment],
        context: TContext,
        new_thread: bool = False,
    ) -> Turn:
        message = UserMessageItem(
            id=self.store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=input.content,
            attachments=attachments,
            quoted_text=input.quoted_text,
            inference_options=input.inference_options,
        )

        async def prelude() -> list[ThreadStreamEvent]:
            events: list[ThreadStreamEvent] = []
            if new_thread:
                await self.store.save_thread(thread, context)
                events.append(ThreadCreatedEvent(thread=_wire_thread(thread)))
            for attachment in attachments:
                attachment.thread_id = thread.id
                await self.store.save_attachment(attachment, context)
            await self.store.add_thread_item(thread.id, message, context)
            events.append(ThreadItemDoneEvent(item=message))
            return events

        return self._stream(
            thread, context, lambda: self.respond(thread, message, context), prelude
        )

    def _stream(
        self,
        thread: ThreadMetadata,
        context: TContext,
        source: EventSource,
        prelude: Prelude | None = None,
    ) -> Turn:
        return Turn(thread.id, self._turn_frames(thread, context, source, prelude))

    async def _turn_frames(
        self,
        thread: ThreadMetadata,
        context: TContext,
        source: EventSource,
        prelude: Prelude | None,
    ) -> AsyncIterator[bytes]:
        """The SSE frames of one turn: the prelude's writes and events, then the handler's.

        The handler's events are persisted as they pass (done -> add, removed -> delete,
        replaced -> save), updates are tracked on pending items so a stopped turn keeps
        its partial text, and a thread the handler changed is saved and re-sent.
        """
        if prelude is not None:
            try:
                first = await prelude()
            except Exception:
                logger.exception("Could not start a ChatKit turn")
                yield frame(ErrorEvent(code=ErrorCode.STREAM_ERROR, allow_retry=True))
                return
            for event in first:
                yield frame(event)
        yield frame(StreamOptionsEvent(stream_options=self.get_stream_options(thread, context)))
        watch = ThreadWatch(thread)
        pending = PendingItems()
        saved: set[str] = set()  # pending items already in the store (partial text)
        interval = math.inf if self.partial_save_interval is None else self.partial_save_interval
        next_save = time.monotonic() + interval
        next_look = 0.0
        events: AsyncIterator[ThreadStreamEvent] | None = None
        try:
            try:
                events = aiter(source())
                async for event in events:
                    kind = event.type
                    if kind == "thread.item.updated":
                        pending.updated(event.item_id, event.update)  # type: ignore[union-attr]
                    elif kind == "thread.item.added":
                        pending.added(event.item)  # type: ignore[union-attr]
                    elif kind == "thread.item.done":
                        item = event.item  # type: ignore[union-attr]
                        if item.id in saved:
                            await self.store.save_item(thread.id, item, context)
                        else:
                            await self.store.add_thread_item(thread.id, item, context)
                        pending.finished(item.id)
                        if is_hidden(item):
                            continue  # persisted, never sent
                    elif kind == "thread.item.removed":
                        item_id = event.item_id  # type: ignore[union-attr]
                        await self.store.delete_thread_item(thread.id, item_id, context)
                        pending.finished(item_id)
                    elif kind == "thread.item.replaced":
                        item = event.item  # type: ignore[union-attr]
                        await self.store.save_item(thread.id, item, context)
                        pending.finished(item.id)
                    yield frame(event)
                    now = time.monotonic()
                    if kind != "thread.item.updated" or now >= next_look:
                        # Updates (text deltas) are most events: between them the thread
                        # is looked at every WATCH_INTERVAL, which keeps a busy stream cheap.
                        next_look = now + WATCH_INTERVAL
                        if watch.changed():
                            yield await self._thread_updated(watch, context)
                    if now >= next_save and pending.has_changes:
                        await self._save_partial(thread.id, pending, saved, context)
                        next_save = time.monotonic() + interval
            except (anyio.get_cancelled_exc_class(), GeneratorExit):
                # The client went away (Stop, a closed tab). Shielded: the surrounding
                # scope is cancelled, so any unshielded await would fail at once.
                with anyio.CancelScope(shield=True):
                    close = getattr(events, "aclose", None)
                    if close is not None:
                        await close()  # the handler's own cleanup, e.g. a model stream
                    await self.handle_stream_cancelled(thread, pending.items(), context)
                raise
        except CustomStreamError as error:
            yield frame(
                ErrorEvent(code="custom", message=error.message, allow_retry=error.allow_retry)
            )
        except StreamError as error:
            yield frame(ErrorEvent(code=error.code, allow_retry=error.allow_retry))
        except Exception:
            logger.exception("Error in a ChatKit handler")
            yield frame(ErrorEvent(code=ErrorCode.STREAM_ERROR, allow_retry=True))
        if watch.changed():
            yield await self._thread_updated(watch, context)

    async def _save_partial(
        self, thread_id: str, pending: PendingItems, saved: set[str], context: TContext
    ) -> None:
        for item in pending.take_changed_messages():
            if item.id in saved:
                await self.store.save_item(thread_id, item, context)
            else:
                # Inserted once, then updated: stores ported from the reference insert
                # on add_thread_item and only update on save_item.
                await self.store.add_thread_item(thread_id, item, context)
                saved.add(item.id)

    async def _thread_updated(self, watch: ThreadWatch, context: TContext) -> bytes:
        watch.mark_seen()
        await self.store.save_thread(watch.thread, context)
        return frame(ThreadUpdatedEvent(thread=_wire_thread(watch.thread)))


async def _frames(events: list[ThreadStreamEvent]) -> AsyncIterator[bytes]:
    for event in events:
        yield frame(event)


__all__ = [
    "DEFAULT_ERROR_MESSAGE",
    "DEFAULT_PAGE_SIZE",
    "RESUMABLE_METADATA",
    "RUNNING_RESPONSE_FIELD",
    "ChatKitServer",
    "NonStreamingResult",
    "StreamingResult",
    "Turn",
    "diff_widget",
    "stream_widget",
]
