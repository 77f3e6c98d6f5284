"""The OpenAI Agents SDK adapter, under the reference SDK's names.

A server written for ``openai-chatkit`` ports by changing the import root
(``chatkit.agents`` -> ``chatloom.agents``): build an :class:`AgentContext`, run the
agent with ``Runner.run_streamed(agent, input, context=agent_context)`` and pass the
result to :func:`stream_agent_response`. Input comes from :class:`ThreadItemConverter`
(``to_agent_input``) or :func:`simple_to_agent_input`, whose Responses-shaped items the
SDK takes as they are. Tools stream through ``ctx.context`` and request a client tool
with ``ctx.context.client_tool_call = ClientToolCall(...)`` (with ``StopAtTools``).

The events follow the reference's contract (``docs/porting.md`` lists where and why
they differ): reasoning becomes a ``reasoning`` workflow, image generation a
``generated_image`` item with partial updates, and a workflow still open when the run
stops (e.g. at a client tool call) is stored as it is and continued by the next run.

Needs the ``[agents]`` extra (``openai-agents``).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypeVar

try:
    from agents.exceptions import InputGuardrailTripwireTriggered, OutputGuardrailTripwireTriggered
    from openai.types.responses.response_output_text import (
        Annotation as ResponsesAnnotation,
    )
    from openai.types.responses.response_output_text import (
        AnnotationContainerFileCitation,
        AnnotationFileCitation,
        AnnotationURLCitation,
    )
    from pydantic import TypeAdapter, ValidationError

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
    GeneratedImage,
    GeneratedImageItem,
    GeneratedImageUpdated,
    ThoughtTask,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    URLSource,
    Workflow,
    WorkflowItem,
    WorkflowTaskAdded,
    WorkflowTaskUpdated,
)
from ..widgets import Markdown, Text
from .context import AgentContext, ClientToolCall, finished_workflow, now
from .converter import ThreadItemConverter, simple_to_agent_input

_CITATION = TypeAdapter[Any](ResponsesAnnotation)


def _get(value: Any, name: str, default: Any = None) -> Any:
    """A field of an SDK object or of the plain dict it sometimes is instead."""
    if isinstance(value, dict):
        return value.get(name, default)
    return getattr(value, name, default)


class ResponseStreamConverter:
    """How model output becomes ChatKit values; override a method to change one kind.

    ``partial_images`` is how many partial images an image generation is expected to
    stream (the ``partial_images`` of the image generation tool): with it, partial
    image ``n`` is shown as progress ``n / partial_images``; without it, as 0.
    """

    def __init__(self, *, partial_images: int | None = None) -> None:
        self.partial_images = partial_images

    async def base64_image_to_url(
        self, image_id: str, base64_image: str, partial_image_index: int | None = None
    ) -> str:
        """The URL stored on the item for a generated (or partial) image; a data URL by
        default. Override to upload it somewhere and return that address instead.
        ``image_id`` is the image generation call's id, the same for its partials."""
        return f"data:image/png;base64,{base64_image}"

    def partial_image_index_to_progress(self, partial_image_index: int) -> float:
        """Progress between 0 and 1 for the partial image numbered from 0."""
        if not self.partial_images or self.partial_images <= 0:
            return 0.0
        return min(1.0, partial_image_index / self.partial_images)

    async def file_citation_to_annotation(
        self, file_citation: AnnotationFileCitation
    ) -> Annotation | None:
        """``None`` drops the citation (the default does for a citation without a file name)."""
        if not file_citation.filename:
            return None
        source = FileSource(filename=file_citation.filename, title=file_citation.filename)
        return Annotation(source=source, index=file_citation.index)

    async def container_file_citation_to_annotation(
        self, container_file_citation: AnnotationContainerFileCitation
    ) -> Annotation | None:
        filename = container_file_citation.filename
        if not filename:
            return None
        source = FileSource(filename=filename, title=filename)
        return Annotation(source=source, index=container_file_citation.end_index)

    async def url_citation_to_annotation(
        self, url_citation: AnnotationURLCitation
    ) -> Annotation | None:
        source = URLSource(url=url_citation.url, title=url_citation.title)
        return Annotation(source=source, index=url_citation.end_index)

    async def to_annotation(self, citation: Any) -> Annotation | None:
        """A Responses citation (typed, or the plain dict the SDK sometimes passes) as an
        annotation, through the hook for its kind; anything unknown is dropped."""
        try:
            typed = _CITATION.validate_python(
                citation.model_dump() if hasattr(citation, "model_dump") else citation
            )
        except ValidationError:
            return None
        if isinstance(typed, AnnotationURLCitation):
            return await self.url_citation_to_annotation(typed)
        if isinstance(typed, AnnotationFileCitation):
            return await self.file_citation_to_annotation(typed)
        if isinstance(typed, AnnotationContainerFileCitation):
            return await self.container_file_citation_to_annotation(typed)
        return None


@dataclass
class _Thought:
    """The one thought streamed live, delta by delta (later ones arrive whole)."""

    source: tuple[Any, Any]
    """The reasoning item and summary part the deltas come from."""
    workflow_id: str
    index: int
    task: ThoughtTask


class _Translator:
    """Agents SDK stream events -> ChatKit events, for one run.

    Messages are keyed by ``output_index`` and get store ids: with a Chat Completions
    model every Responses item id is the same placeholder.
    """

    def __init__(self, context: AgentContext[Any], converter: ResponseStreamConverter) -> None:
        self.context = context
        self.converter = converter
        self.messages: dict[int, AssistantMessageItem] = {}
        self.text_done: set[tuple[str, int]] = set()
        self.annotations: defaultdict[tuple[str, int], int] = defaultdict(int)
        self.thought: _Thought | None = None
        self.produced: list[str] = []
        self.call: tuple[str, str] | None = None
        """The last function call: its ``call_id`` and its Responses item id."""

    def _produced(self, item_id: str) -> None:
        if item_id not in self.produced:
            self.produced.append(item_id)

    def end_workflow(self) -> list[ThreadStreamEvent]:
        """The open workflow's done event (closed collapsed), if one is open."""
        item, self.context.workflow_item = self.context.workflow_item, None
        return [] if item is None else [ThreadItemDoneEvent(item=finished_workflow(item))]

    def from_context(self, event: ThreadStreamEvent) -> list[ThreadStreamEvent]:
        """An event the app streamed through the context; an item shown after the open
        workflow ends it (a client tool call or hidden context does not)."""
        if not isinstance(event, ThreadItemAddedEvent | ThreadItemDoneEvent):
            return [event]
        out: list[ThreadStreamEvent] = []
        current = self.context.workflow_item
        if (
            current is not None
            and current.id != event.item.id
            and event.item.type not in ("client_tool_call", "hidden_context_item")
        ):
            out = self.end_workflow()
        if isinstance(event, ThreadItemAddedEvent) and isinstance(event.item, WorkflowItem):
            self.context.workflow_item = event.item
        self._produced(event.item.id)
        return [*out, event]

    async def _content(self, part: Any) -> AssistantMessageContent:
        if _get(part, "type") == "refusal":
            return AssistantMessageContent(text=_get(part, "refusal") or "", annotations=[])
        annotations = []
        for citation in _get(part, "annotations") or []:
            converted = await self.converter.to_annotation(citation)
            if converted is not None:
                annotations.append(converted)
        return AssistantMessageContent(text=_get(part, "text") or "", annotations=annotations)

    async def _message(self, item: Any, message_id: str | None = None) -> AssistantMessageItem:
        return AssistantMessageItem(
            id=message_id or self.context.generate_id("message"),
            thread_id=self.context.thread.id,
            created_at=now(),
            content=[await self._content(part) for part in _get(item, "content") or []],
        )

    async def handle(self, data: Any) -> list[ThreadStreamEvent]:
        """The ChatKit events for one Responses stream event."""
        kind = data.type
        if kind == "response.output_item.added":
            return await self._item_added(data)
        if kind == "response.output_item.done":
            return await self._item_done(data)
        if kind == "response.image_generation_call.partial_image":
            return await self._partial_image(data)
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            return self._thought_delta(data)
        if kind in ("response.reasoning_summary_text.done", "response.reasoning_text.done"):
            return self._thought_done(data)
        message = self.messages.get(_get(data, "output_index", 0))
        if message is None:
            return []
        content_index = _get(data, "content_index", 0)
        key = (message.id, content_index)
        update: Any = None
        if kind == "response.content_part.added" and _get(data.part, "type") != "reasoning_text":
            content = await self._content(data.part)
            update = AssistantMessageContentPartAdded(content_index=content_index, content=content)
        elif kind == "response.output_text.delta":
            update = AssistantMessageContentPartTextDelta(
                content_index=content_index, delta=data.delta
            )
        elif kind == "response.output_text.done" or (
            # Chat Completions models send no output_text.done, only content_part.done.
            kind == "response.content_part.done"
            and _get(data.part, "type") == "output_text"
            and key not in self.text_done
        ):
            self.text_done.add(key)
            text = data.text if kind == "response.output_text.done" else _get(data.part, "text")
            update = AssistantMessageContentPartDone(
                content_index=content_index,
                content=AssistantMessageContent(text=text or "", annotations=[]),
            )
        elif kind == "response.output_text.annotation.added":
            annotation = await self.converter.to_annotation(data.annotation)
            if annotation is None:
                return []
            position = self.annotations[key]
            self.annotations[key] = position + 1
            update = AssistantMessageContentPartAnnotationAdded(
                content_index=content_index, annotation_index=position, annotation=annotation
            )
        if update is None:
            return []
        return [ThreadItemUpdatedEvent(item_id=message.id, update=update)]

    async def _item_added(self, data: Any) -> list[ThreadStreamEvent]:
        item_type = _get(data.item, "type")
        context = self.context
        if item_type == "reasoning" and context.workflow_item is None:
            context.workflow_item = WorkflowItem(
                id=context.generate_id("workflow"),
                thread_id=context.thread.id,
                created_at=now(),
                workflow=Workflow(type="reasoning", tasks=[]),
            )
            self._produced(context.workflow_item.id)
            return [ThreadItemAddedEvent(item=context.workflow_item.model_copy(deep=True))]
        if item_type == "message":
            out = self.end_workflow()
            message = await self._message(data.item)
            self.messages[_get(data, "output_index", 0)] = message
            self._produced(message.id)
            return [*out, ThreadItemAddedEvent(item=message.model_copy(deep=True))]
        if item_type == "image_generation_call":
            image = GeneratedImageItem(
                id=context.generate_id("message"),
                thread_id=context.thread.id,
                created_at=now(),
            )
            context.generated_image_item = image
            self._produced(image.id)
            return [ThreadItemAddedEvent(item=image.model_copy(deep=True))]
        return []

    async def _item_done(self, data: Any) -> list[ThreadStreamEvent]:
        item_type = _get(data.item, "type")
        if item_type == "message":
            started = self.messages.pop(_get(data, "output_index", 0), None)
            message = await self._message(data.item, started.id if started else None)
            if started is not None:
                message.created_at = started.created_at
            self._produced(message.id)
            return [ThreadItemDoneEvent(item=message)]
        image = self.context.generated_image_item
        result = _get(data.item, "result")
        if item_type == "image_generation_call" and result and image is not None:
            image_id = _get(data.item, "id")
            url = await self.converter.base64_image_to_url(image_id=image_id, base64_image=result)
            image.image = GeneratedImage(id=image_id, url=url)
            self.context.generated_image_item = None
            return [ThreadItemDoneEvent(item=image)]
        return []

    async def _partial_image(self, data: Any) -> list[ThreadStreamEvent]:
        image = self.context.generated_image_item
        if image is None:
            return []
        url = await self.converter.base64_image_to_url(
            image_id=data.item_id,
            base64_image=data.partial_image_b64,
            partial_image_index=data.partial_image_index,
        )
        image.image = GeneratedImage(id=data.item_id, url=url)
        progress = self.converter.partial_image_index_to_progress(data.partial_image_index)
        update = GeneratedImageUpdated(image=image.image, progress=progress)
        return [ThreadItemUpdatedEvent(item_id=image.id, update=update)]

    @staticmethod
    def _thought_source(data: Any) -> tuple[Any, Any]:
        part = _get(data, "summary_index")
        return (_get(data, "item_id"), _get(data, "content_index") if part is None else part)

    def _thought_delta(self, data: Any) -> list[ThreadStreamEvent]:
        """The first thought of a new reasoning workflow streams delta by delta (so it
        shows early); later thoughts arrive whole, when done."""
        workflow = self.context.workflow_item
        if workflow is None:
            return []
        tasks = workflow.workflow.tasks
        thought = self.thought
        if workflow.workflow.type == "reasoning" and not tasks:
            task = ThoughtTask(content=data.delta)
            tasks.append(task)
            self.thought = _Thought(self._thought_source(data), workflow.id, 0, task)
            update: Any = WorkflowTaskAdded(task_index=0, task=task.model_copy())
        elif self._is_streaming(thought, data):
            assert thought is not None
            thought.task.content += data.delta
            update = WorkflowTaskUpdated(task_index=thought.index, task=thought.task.model_copy())
        else:
            return []
        return [ThreadItemUpdatedEvent(item_id=workflow.id, update=update)]

    def _is_streaming(self, thought: _Thought | None, data: Any) -> bool:
        workflow = self.context.workflow_item
        return (
            thought is not None
            and workflow is not None
            and thought.workflow_id == workflow.id
            and thought.index < len(workflow.workflow.tasks)
            and workflow.workflow.tasks[thought.index] is thought.task
            and thought.source == self._thought_source(data)
        )

    def _thought_done(self, data: Any) -> list[ThreadStreamEvent]:
        workflow = self.context.workflow_item
        if workflow is None:
            return []
        thought = self.thought
        update: Any
        if self._is_streaming(thought, data):
            assert thought is not None
            thought.task.content = data.text
            self.thought = None
            update = WorkflowTaskUpdated(task_index=thought.index, task=thought.task.model_copy())
        else:
            task = ThoughtTask(content=data.text)
            workflow.workflow.tasks.append(task)
            update = WorkflowTaskAdded(task_index=len(workflow.workflow.tasks) - 1, task=task)
        return [ThreadItemUpdatedEvent(item_id=workflow.id, update=update)]

    def note_run_item(self, event: Any) -> None:
        item = _get(event, "item")
        raw = _get(item, "raw_item")
        if _get(item, "type") == "tool_call_item" and _get(raw, "type") == "function_call":
            call_id, item_id = _get(raw, "call_id"), _get(raw, "id")
            if isinstance(call_id, str):
                self.call = (call_id, item_id if isinstance(item_id, str) else "")
                if item_id:
                    self._produced(item_id)

    def client_tool_call(self) -> ThreadItemDoneEvent | None:
        request = self.context.client_tool_call
        if request is None:
            return None
        item = ClientToolCallItem(
            id=self.context.generate_id("tool_call"),
            thread_id=self.context.thread.id,
            created_at=now(),
            call_id=self.call[0] if self.call else self.context.generate_id("tool_call"),
            name=request.name,
            arguments=request.arguments,
        )
        return ThreadItemDoneEvent(item=item)


async def _continue_workflow(context: AgentContext[Any]) -> None:
    """A workflow left open by the last run (the newest item, or the one before a client
    tool call) becomes the open workflow again: this run adds to it."""
    page = await context.store.load_thread_items(
        context.thread.id, None, 2, "desc", context.request_context
    )
    newest = page.data[:2]
    if newest and isinstance(newest[0], WorkflowItem):
        context.workflow_item = newest[0]
    elif (
        len(newest) == 2
        and isinstance(newest[0], ClientToolCallItem)
        and isinstance(newest[1], WorkflowItem)
    ):
        context.workflow_item = newest[1]


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
    await _continue_workflow(context)

    async def pump() -> None:
        try:
            async for event in result.stream_events():
                await sdk_events.put(event)
        except Exception as error:  # re-raised in order, after the events before it
            await sdk_events.put(error)
        await sdk_events.put(_END)

    pumping = asyncio.ensure_future(pump())
    try:
        finished = False
        while not finished:
            from_tools = asyncio.ensure_future(context._events.get())
            from_sdk = asyncio.ensure_future(sdk_events.get())
            await asyncio.wait({from_tools, from_sdk}, return_when=asyncio.FIRST_COMPLETED)
            for getter in (from_tools, from_sdk):
                if not getter.done():
                    getter.cancel()
            batch = [from_sdk.result()] if from_sdk.done() and not from_sdk.cancelled() else []
            tool_event = None
            if from_tools.done() and not from_tools.cancelled():
                tool_event = from_tools.result()
                # What the model streamed before the tool ran comes first.
                while not sdk_events.empty():
                    batch.append(sdk_events.get_nowait())
            for event in batch:
                if event is _END:
                    finished = True
                    break
                if isinstance(
                    event, InputGuardrailTripwireTriggered | OutputGuardrailTripwireTriggered
                ):
                    context._queued()  # what the tools streamed is dropped with the rest
                    for item_id in translator.produced:
                        yield ThreadItemRemovedEvent(item_id=item_id)
                    raise event
                if isinstance(event, Exception):
                    raise event
                if event.type == "raw_response_event":
                    for out in await translator.handle(event.data):
                        yield out
                elif event.type == "run_item_stream_event":
                    translator.note_run_item(event)
            if tool_event is not None:
                for out in translator.from_context(tool_event):
                    yield out
        for queued in context._queued():
            for out in translator.from_context(queued):
                yield out
        if context.workflow_item is not None:  # kept open: the next run continues it
            await context.store.add_thread_item(
                context.thread.id, context.workflow_item, context.request_context
            )
        call = translator.client_tool_call()
        if call is not None:
            yield call
    finally:
        if not pumping.done():
            result.cancel()
            pumping.cancel()


TWidget = TypeVar("TWidget", Text, Markdown)


async def accumulate_text(
    events: AsyncIterator[Any], base_widget: TWidget
) -> AsyncIterator[TWidget]:
    """Successive states of ``base_widget`` as an agent's text streams in (for
    :func:`chatloom.server.stream_widget`), then the final state with
    ``streaming=False``. The base widget's own value shows until the first text
    arrives (a placeholder). Give it an ``id`` (and ``streaming=True``) so the text
    goes out as deltas."""
    text = ""
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
