"""The OpenAI Agents SDK adapter, under the reference SDK's names.

A server written for ``openai-chatkit`` ports by changing the import root
(``chatkit.agents`` -> ``chatloom.agents``): build an :class:`AgentContext`, run the
agent with ``Runner.run_streamed(agent, input, context=agent_context)`` and pass the
result to :func:`stream_agent_response`. Input comes from :class:`ThreadItemConverter`
(``to_agent_input``) or :func:`simple_to_agent_input`, whose Responses-shaped items the
SDK takes as they are. Tools stream through ``ctx.context`` and request a client tool
with ``ctx.context.client_tool_call = ClientToolCall(...)`` (with ``StopAtTools``).

Needs the ``[agents]`` extra (``openai-agents``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

try:
    from agents.exceptions import InputGuardrailTripwireTriggered, OutputGuardrailTripwireTriggered

    from agents import RunResultStreaming
except ImportError as error:  # pragma: no cover - depends on the install
    raise ImportError(
        "chatloom.agents.openai_agents needs the OpenAI Agents SDK: pip install 'chatloom[agents]'"
    ) from error

from ..types import (
    Annotation,
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartAnnotationAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ClientToolCallItem,
    FileSource,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    URLSource,
)
from ..widgets import Markdown, Text
from .context import AgentContext, ClientToolCall, ThoughtStream, now
from .converter import ThreadItemConverter, simple_to_agent_input


def _get(value: Any, name: str, default: Any = None) -> Any:
    """A field of an SDK object or of the plain dict it sometimes is instead."""
    if isinstance(value, dict):
        return value.get(name, default)
    return getattr(value, name, default)


class ResponseStreamConverter:
    """Turns Responses citations into annotations; override a hook to change one kind.
    A hook returning ``None`` drops that citation."""

    async def url_citation_to_annotation(self, citation: Any) -> Annotation | None:
        url = _get(citation, "url")
        if not url:
            return None
        source = URLSource(url=url, title=_get(citation, "title") or url)
        return Annotation(source=source, index=_get(citation, "end_index"))

    async def file_citation_to_annotation(self, citation: Any) -> Annotation | None:
        filename = _get(citation, "filename")
        if not filename:
            return None
        source = FileSource(filename=filename, title=filename)
        return Annotation(source=source, index=_get(citation, "index"))

    async def container_file_citation_to_annotation(self, citation: Any) -> Annotation | None:
        filename = _get(citation, "filename")
        if not filename:
            return None
        source = FileSource(filename=filename, title=filename)
        return Annotation(source=source, index=_get(citation, "end_index"))

    async def to_annotation(self, citation: Any) -> Annotation | None:
        kind = _get(citation, "type")
        if kind == "url_citation":
            return await self.url_citation_to_annotation(citation)
        if kind == "file_citation":
            return await self.file_citation_to_annotation(citation)
        if kind == "container_file_citation":
            return await self.container_file_citation_to_annotation(citation)
        return None


@dataclass
class _Message:
    item: AssistantMessageItem
    annotations: dict[int, int] = field(default_factory=dict)
    """Annotations sent so far, per content index (their ``annotation_index``)."""


class _Translator:
    """Responses stream events -> ChatKit events, for one run.

    Items are keyed by ``output_index``: with the Chat Completions model every item id
    is the same placeholder.
    """

    def __init__(self, context: AgentContext[Any], converter: ResponseStreamConverter) -> None:
        self.context = context
        self.converter = converter
        self.messages: dict[int, _Message] = {}
        self.thoughts: dict[int, ThoughtStream] = {}
        self.produced: list[str] = []
        self.last_call_id: str | None = None

    def _update(self, message: _Message, update: Any) -> ThreadItemUpdatedEvent:
        return ThreadItemUpdatedEvent(item_id=message.item.id, update=update)

    async def _content(self, part: Any) -> AssistantMessageContent:
        text = _get(part, "text")
        if text is None:
            text = _get(part, "refusal") or ""
        annotations = []
        for citation in _get(part, "annotations") or []:
            converted = await self.converter.to_annotation(citation)
            if converted is not None:
                annotations.append(converted)
        return AssistantMessageContent(text=text, annotations=annotations)

    async def handle(self, event: Any) -> list[ThreadStreamEvent]:
        data = event.data
        kind = data.type
        index = _get(data, "output_index", 0)
        message = self.messages.get(index)
        if kind == "response.output_item.added":
            item_type = _get(data.item, "type")
            if item_type == "message":
                item = AssistantMessageItem(
                    id=self.context.generate_id("message"),
                    thread_id=self.context.thread.id,
                    created_at=now(),
                    content=[],
                )
                self.messages[index] = _Message(item)
                self.produced.append(item.id)
                return self.context._in_order(ThreadItemAddedEvent(item=item.model_copy(deep=True)))
            if item_type == "reasoning":
                self.thoughts[index] = ThoughtStream(self.context)
            return []
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            thought = self.thoughts.setdefault(index, ThoughtStream(self.context))
            await thought.add(data.delta)
            return [e for q in self.context._queued() for e in self.context._in_order(q)]
        if message is None:
            return []
        content_index = _get(data, "content_index", 0)
        if kind == "response.content_part.added":
            content = await self._content(data.part)
            return [
                self._update(
                    message,
                    AssistantMessageContentPartAdded(content_index=content_index, content=content),
                )
            ]
        if kind == "response.output_text.delta":
            return [
                self._update(
                    message,
                    AssistantMessageContentPartTextDelta(
                        content_index=content_index, delta=data.delta
                    ),
                )
            ]
        if kind == "response.output_text.annotation.added":
            annotation = await self.converter.to_annotation(data.annotation)
            if annotation is None:
                return []
            position = message.annotations.get(content_index, 0)
            message.annotations[content_index] = position + 1
            update = AssistantMessageContentPartAnnotationAdded(
                content_index=content_index, annotation_index=position, annotation=annotation
            )
            return [self._update(message, update)]
        if kind == "response.content_part.done":
            content = await self._content(data.part)
            return [
                self._update(
                    message,
                    AssistantMessageContentPartDone(content_index=content_index, content=content),
                )
            ]
        if kind == "response.output_item.done":
            message.item.content = [
                await self._content(part) for part in _get(data.item, "content") or []
            ]
            return self.context._in_order(ThreadItemDoneEvent(item=message.item))
        return []

    def note_run_item(self, event: Any) -> None:
        raw = _get(_get(event, "item"), "raw_item")
        if _get(raw, "type") == "function_call":
            self.last_call_id = _get(raw, "call_id")

    def client_tool_call(self) -> ThreadItemDoneEvent | None:
        request = self.context.client_tool_call
        if request is None:
            return None
        item = ClientToolCallItem(
            id=self.context.generate_id("tool_call"),
            thread_id=self.context.thread.id,
            created_at=now(),
            call_id=self.last_call_id or self.context.generate_id("tool_call"),
            name=request.name,
            arguments=request.arguments,
        )
        return ThreadItemDoneEvent(item=item)


_END = object()


async def stream_agent_response(
    context: AgentContext[Any],
    result: RunResultStreaming,
    *,
    converter: ResponseStreamConverter | None = None,
) -> AsyncIterator[ThreadStreamEvent]:
    """The ChatKit events of an Agents SDK run, merged with what its tools stream through
    ``context``. Closing this stream cancels the run (and its model request)."""
    translator = _Translator(context, converter or ResponseStreamConverter())
    sdk_events: asyncio.Queue[Any] = asyncio.Queue()

    async def pump() -> None:
        try:
            async for event in result.stream_events():
                await sdk_events.put(event)
        except Exception as error:  # re-raised in order, after the events before it
            await sdk_events.put(error)
        await sdk_events.put(_END)

    pumping = asyncio.ensure_future(pump())
    try:
        while True:
            from_tools = asyncio.ensure_future(context._events.get())
            from_sdk = asyncio.ensure_future(sdk_events.get())
            await asyncio.wait({from_tools, from_sdk}, return_when=asyncio.FIRST_COMPLETED)
            for getter in (from_tools, from_sdk):
                if not getter.done():
                    getter.cancel()
            if from_tools.done() and not from_tools.cancelled():
                for out in context._in_order(from_tools.result()):
                    yield out
            if not from_sdk.done() or from_sdk.cancelled():
                continue
            event = from_sdk.result()
            if event is _END:
                break
            if isinstance(
                event, InputGuardrailTripwireTriggered | OutputGuardrailTripwireTriggered
            ):
                for item_id in translator.produced:
                    yield ThreadItemRemovedEvent(item_id=item_id)
                raise event
            if isinstance(event, Exception):
                raise event
            if event.type == "raw_response_event":
                for out in await translator.handle(event):
                    yield out
            elif event.type == "run_item_stream_event":
                translator.note_run_item(event)
        for queued in context._queued():
            for out in context._in_order(queued):
                yield out
        for out in context._end_workflow():
            yield out
        call = translator.client_tool_call()
        if call is not None:
            yield call
    finally:
        if not pumping.done():
            result.cancel()
            pumping.cancel()


async def accumulate_text(
    events: AsyncIterator[Any], base_widget: Text | Markdown
) -> AsyncIterator[Text | Markdown]:
    """Successive states of ``base_widget`` as an agent's text streams in (for
    :func:`chatloom.server.stream_widget`), then the final state with
    ``streaming=False``. Give the base widget an ``id`` (and ``streaming=True``) so
    the text goes out as deltas."""
    text = base_widget.value
    yield base_widget
    async for event in events:
        if event.type == "raw_response_event" and event.data.type == "response.output_text.delta":
            text += event.data.delta
            yield base_widget.model_copy(update={"value": text})
    yield base_widget.model_copy(update={"value": text, "streaming": False})


__all__ = [
    "AgentContext",
    "ClientToolCall",
    "ResponseStreamConverter",
    "ThreadItemConverter",
    "accumulate_text",
    "simple_to_agent_input",
    "stream_agent_response",
]
