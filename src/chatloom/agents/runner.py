"""The agent loop: model rounds, tool calls and the events that show them.

``Agent.respond(context)`` answers the thread as it stands; ``Agent.run(context, input)``
answers given model input. Both yield ``ThreadStreamEvent``s only (no SSE, no HTTP), so
any ``ChatKitServer.respond`` can pass them on. A round streams the model's reply as an
assistant message (reasoning as ``thought`` tasks of a workflow); if the model called
tools they run (as workflow tasks, with progress, where the tool asks for it) and the
results go back for another round. A tool that sets ``client_tool_call`` ends the turn
with a pending client tool call; the next ``respond`` carries its output to the model.

Closing the event stream (the client pressed Stop) closes the model stream at once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Generic

from ..errors import BaseStreamError
from ..logger import logger
from ..store import TContext
from ..types import (
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartAnnotationAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ClientToolCallItem,
    CustomTask,
    ErrorEvent,
    Source,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    UserMessageItem,
)
from .chat_format import ChatMessage, to_chat_messages
from .citations import TurnSources
from .context import AgentContext, ThoughtStream, now
from .converter import InputItem, ThreadItemConverter
from .providers.base import (
    ModelProvider,
    ModelRequest,
    ProviderError,
    ReasoningDelta,
    TextDelta,
    ToolCallRequest,
)
from .tools import FunctionTool, ToolArgumentsError, ToolResult, error_output, tool_output_text

DEFAULT_INSTRUCTIONS = "You are a helpful assistant. Answer concisely, in Markdown."

Instructions = str | Callable[[AgentContext[Any]], str]


class _Message:
    """The assistant message of one round, streamed part by part."""

    def __init__(self, context: AgentContext[Any]) -> None:
        self.id = context.generate_id("message")
        self.thread_id = context.thread.id
        self.created_at = now()
        self.text = ""

    def _item(self, content: list[AssistantMessageContent]) -> AssistantMessageItem:
        return AssistantMessageItem(
            id=self.id, thread_id=self.thread_id, created_at=self.created_at, content=content
        )

    def _update(self, update: Any) -> ThreadItemUpdatedEvent:
        return ThreadItemUpdatedEvent(item_id=self.id, update=update)

    def start(self) -> list[ThreadStreamEvent]:
        return [
            ThreadItemAddedEvent(item=self._item([])),
            self._update(
                AssistantMessageContentPartAdded(
                    content_index=0, content=AssistantMessageContent(text="")
                )
            ),
        ]

    def delta(self, text: str) -> ThreadStreamEvent:
        self.text += text
        return self._update(AssistantMessageContentPartTextDelta(content_index=0, delta=text))

    def finish(self, sources: TurnSources) -> list[ThreadStreamEvent]:
        text, annotations = sources.cite(self.text)
        events: list[ThreadStreamEvent] = [
            self._update(
                AssistantMessageContentPartAnnotationAdded(
                    content_index=0, annotation_index=index, annotation=annotation
                )
            )
            for index, annotation in enumerate(annotations)
        ]
        final = AssistantMessageContent(text=text, annotations=annotations)
        events.append(self._update(AssistantMessageContentPartDone(content_index=0, content=final)))
        events.append(ThreadItemDoneEvent(item=self._item([final])))
        return events


@dataclass
class _Round:
    """What one model call left for the loop."""

    calls: list[ToolCallRequest] = field(default_factory=list)
    text: str | None = None
    failed: bool = False


def _assistant_tool_calls(text: str | None, calls: list[ToolCallRequest]) -> ChatMessage:
    return {
        "role": "assistant",
        "content": text,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in calls
        ],
    }


@dataclass
class _ToolOutcome:
    output: str
    sources: Sequence[Source] = field(default_factory=list)


class Agent(Generic[TContext]):
    """A model with instructions and tools, answering ChatKit threads."""

    def __init__(
        self,
        provider: ModelProvider,
        *,
        instructions: Instructions = DEFAULT_INSTRUCTIONS,
        tools: Sequence[FunctionTool] = (),
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        top_p: float | None = None,
        reasoning_effort: str | None = None,
        max_tool_rounds: int = 8,
        history_limit: int = 40,
        converter: type[ThreadItemConverter] = ThreadItemConverter,
    ) -> None:
        self.provider = provider
        self.instructions = instructions
        self.tools = {tool.name: tool for tool in tools}
        if len(self.tools) != len(tools):
            raise ValueError("Tool names must be unique")
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.top_p = top_p
        self.reasoning_effort = reasoning_effort
        self.max_tool_rounds = max_tool_rounds
        self.history_limit = history_limit
        self.converter = converter

    async def history(self, context: AgentContext[TContext]) -> list[InputItem]:
        """The newest ``history_limit`` items of the thread, converted to model input."""
        page = await context.store.load_thread_items(
            context.thread.id, None, self.history_limit, "desc", context.request_context
        )
        converter = self.converter(context.attachment_store, context.request_context)
        return await converter.to_agent_input(list(reversed(page.data)))

    async def respond(
        self,
        context: AgentContext[TContext],
        input_user_message: UserMessageItem | None = None,
        *,
        first_call: tuple[str, dict[str, Any]] | None = None,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Answer the thread; a composer tool the user picked is forced in the first round.

        ``first_call`` is passed on to :meth:`run`.
        """
        tool_choice: dict[str, Any] | None = None
        choice = input_user_message.inference_options.tool_choice if input_user_message else None
        if choice is not None and choice.id in self.tools:
            tool_choice = {"type": "function", "function": {"name": choice.id}}
        history = await self.history(context)
        async for event in self.run(
            context, history, tool_choice=tool_choice, first_call=first_call
        ):
            yield event

    def system_prompt(self, context: AgentContext[TContext]) -> str:
        if callable(self.instructions):
            return self.instructions(context)
        return self.instructions

    async def run(
        self,
        context: AgentContext[TContext],
        input: Sequence[InputItem] | str,
        *,
        tool_choice: str | dict[str, Any] | None = None,
        first_call: tuple[str, dict[str, Any]] | None = None,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Answer ``input`` (Responses-shaped items, or a user's text).

        ``first_call`` (a tool name and its arguments) runs that tool before the model
        is asked, exactly as if the model had called it: for composer tools, and for
        models too small to call tools themselves.
        """
        if isinstance(input, str):
            input = [{"type": "message", "role": "user", "content": input}]
        messages: list[ChatMessage] = [{"role": "system", "content": self.system_prompt(context)}]
        messages += to_chat_messages(list(input))
        for out in self._queued(context):  # what the app streamed before the run
            yield out
        sources = TurnSources()
        calls: list[ToolCallRequest] = []
        text: str | None = None
        if first_call is not None:
            name, arguments = first_call
            call_id = context.generate_id("tool_call")
            calls = [ToolCallRequest(id=call_id, name=name, arguments=json.dumps(arguments))]
        for round_number in range(self.max_tool_rounds + 1):
            if not calls:
                model_round = _Round()
                request = self._request(messages, round_number, tool_choice)
                async for out in self._model_round(context, request, sources, model_round):
                    yield out
                if model_round.failed:
                    return
                calls, text = model_round.calls, model_round.text
                if not calls:
                    break
            messages.append(_assistant_tool_calls(text, calls))
            ends_turn = False
            for call in calls:
                task = asyncio.ensure_future(self._call_tool(context, call))
                async for out in self._events_while(context, task):
                    yield out
                outcome = task.result()
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": call.id,
                        "content": outcome.output + sources.add(outcome.sources),
                    }
                )
                if context.client_tool_call is not None:
                    for out in context._in_order(self._client_tool_item(context, call)):
                        yield out
                    return
                tool = self.tools.get(call.name)
                ends_turn = ends_turn or (tool is not None and tool.ends_turn)
            if ends_turn:
                break
            calls, text = [], None
        for out in [*context._end_workflow(), *self._queued(context)]:
            yield out

    def _request(
        self,
        messages: list[ChatMessage],
        round_number: int,
        tool_choice: str | dict[str, Any] | None,
    ) -> ModelRequest:
        final_round = round_number == self.max_tool_rounds
        return ModelRequest(
            messages=messages,
            tools=[] if final_round else [tool.schema() for tool in self.tools.values()],
            tool_choice=tool_choice if round_number == 0 else None,
            model=self.model,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            top_p=self.top_p,
            reasoning_effort=self.reasoning_effort,
        )

    async def _model_round(
        self,
        context: AgentContext[TContext],
        request: ModelRequest,
        sources: TurnSources,
        result: _Round,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """One model call: its text as an assistant message, its reasoning as thoughts."""
        message: _Message | None = None
        thought = ThoughtStream(context)
        try:
            async with aclosing(self.provider.stream(request)) as stream:
                async for event in stream:
                    if isinstance(event, TextDelta):
                        if message is None:
                            message = _Message(context)
                            for started in message.start():
                                for out in context._in_order(started):
                                    yield out
                        yield message.delta(event.text)
                    elif isinstance(event, ReasoningDelta):
                        await thought.add(event.text)
                        for out in self._queued(context):
                            yield out
                    elif isinstance(event, ToolCallRequest):
                        result.calls.append(event)
        except ProviderError as error:
            result.failed = True
            if message is not None:
                for out in message.finish(sources):
                    yield out
            for out in [*context._end_workflow(), *self._queued(context)]:
                yield out
            yield ErrorEvent(code="custom", message=error.message, allow_retry=True)
            return
        if message is not None:
            result.text = message.text
            for out in message.finish(sources):
                yield out

    # --- helpers ----------------------------------------------------------------------

    @staticmethod
    def _queued(context: AgentContext[Any]) -> list[ThreadStreamEvent]:
        return [out for event in context._queued() for out in context._in_order(event)]

    async def _events_while(
        self, context: AgentContext[TContext], task: asyncio.Future[Any]
    ) -> AsyncIterator[ThreadStreamEvent]:
        """The events tools stream through the context, as they come, until ``task`` ends."""
        try:
            while not task.done():
                getter = asyncio.ensure_future(context._events.get())
                try:
                    await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    if not getter.done():
                        getter.cancel()
                if getter.done() and not getter.cancelled():
                    for out in context._in_order(getter.result()):
                        yield out
            for out in self._queued(context):
                yield out
        finally:
            task.cancel()  # a no-op once done; stops the tool if the turn was stopped

    async def _call_tool(
        self, context: AgentContext[TContext], call: ToolCallRequest
    ) -> _ToolOutcome:
        tool = self.tools.get(call.name)
        if tool is None:
            known = ", ".join(self.tools) or "none"
            return _ToolOutcome(error_output(f"There is no tool {call.name!r} (tools: {known})"))
        try:
            arguments = tool.parse_arguments(call.arguments)
        except ToolArgumentsError as error:
            return _ToolOutcome(error_output(str(error)))
        if tool.progress:
            await context.progress(tool.progress, tool.icon)
        shown: tuple[str, int] | None = None
        if tool.title:
            index = await context.add_workflow_task(
                CustomTask(title=tool.title, icon=tool.icon, status_indicator="loading")
            )
            assert context.workflow_item is not None
            shown = (context.workflow_item.id, index)
        summary: str | None = None
        try:
            result = await tool.invoke(context, arguments)
        except BaseStreamError:
            raise  # the app wants this error shown to the user
        except Exception as error:
            logger.exception("Tool %s failed", tool.name)
            outcome = _ToolOutcome(error_output(f"{tool.name} failed: {error}"))
        else:
            if isinstance(result, ToolResult):
                summary = result.summary
                outcome = _ToolOutcome(tool_output_text(result.output), result.sources)
            else:
                outcome = _ToolOutcome(tool_output_text(result))
        current = context.workflow_item
        if shown is not None and current is not None and current.id == shown[0]:
            done = CustomTask(
                title=tool.title, icon=tool.icon, content=summary, status_indicator="complete"
            )
            await context.update_workflow_task(done, shown[1])
        return outcome

    @staticmethod
    def _client_tool_item(context: AgentContext[Any], call: ToolCallRequest) -> ThreadItemDoneEvent:
        request = context.client_tool_call
        assert request is not None
        item = ClientToolCallItem(
            id=context.generate_id("tool_call"),
            thread_id=context.thread.id,
            created_at=now(),
            call_id=call.id,
            name=request.name,
            arguments=request.arguments,
        )
        return ThreadItemDoneEvent(item=item)


__all__ = ["DEFAULT_INSTRUCTIONS", "Agent"]
