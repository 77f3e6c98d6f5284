"""``AgentContext``: what a turn's tools and the loop share, and the turn's event queue.

Tools stream through it (progress, widgets, workflow tasks), ask for a client tool
(``client_tool_call``), and find the thread, store and request context. The names
match the reference SDK's ``AgentContext``, so tool code ports unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from datetime import datetime
from typing import Annotated, Any, Generic

from pydantic import BaseModel, ConfigDict, PrivateAttr, SkipValidation

from ..icons import IconName
from ..store import AttachmentStore, Store, StoreItemType, TContext
from ..types import (
    DurationSummary,
    GeneratedImageItem,
    ProgressUpdateEvent,
    Task,
    ThoughtTask,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    Workflow,
    WorkflowItem,
    WorkflowSummary,
    WorkflowTaskAdded,
    WorkflowTaskUpdated,
    is_hidden,
)
from ..widget_streaming import stream_widget
from ..widgets import WidgetRoot


class ClientToolCall(BaseModel):
    """Set on ``AgentContext.client_tool_call`` by a tool: the client runs ``name``
    (its ``onClientTool`` handler) and the turn stops until it answers."""

    name: str
    arguments: dict[str, Any] = {}


def now() -> datetime:
    """Item timestamps, in the server's convention (naive local time)."""
    return datetime.now()


class AgentContext(BaseModel, Generic[TContext]):
    """A pydantic model, as in the reference SDK: subclass it with more fields
    (``store: Annotated[MyStore, Field(exclude=True)]``) and build it with keywords.

    ``attachment_store`` is chatloom's addition: the native loop's converter reads
    attachments through it.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    thread: ThreadMetadata
    store: Annotated[Store[TContext], SkipValidation]
    request_context: TContext
    attachment_store: Annotated[AttachmentStore[TContext] | None, SkipValidation] = None
    previous_response_id: str | None = None
    client_tool_call: ClientToolCall | None = None
    workflow_item: WorkflowItem | None = None
    generated_image_item: GeneratedImageItem | None = None
    _events: asyncio.Queue[ThreadStreamEvent] = PrivateAttr(default_factory=asyncio.Queue)

    def generate_id(self, type: StoreItemType, thread: ThreadMetadata | None = None) -> str:
        if type == "thread":
            return self.store.generate_thread_id(self.request_context)
        return self.store.generate_item_id(type, thread or self.thread, self.request_context)

    async def stream(self, event: ThreadStreamEvent) -> None:
        """Send any event to the client, in order with the loop's own events.

        Events wait in a queue until the loop passes them on: do not change an item
        after streaming it (stream a copy).
        """
        self._events.put_nowait(event)

    async def progress(self, text: str, icon: IconName | None = None) -> None:
        """A transient status line (replaced by the next item)."""
        await self.stream(ProgressUpdateEvent(text=text, icon=icon))

    async def stream_widget(
        self, widget: WidgetRoot | AsyncIterable[WidgetRoot], copy_text: str | None = None
    ) -> None:
        async for event in stream_widget(
            self.thread, widget, copy_text, lambda kind: self.generate_id(kind)
        ):
            await self.stream(event)

    # --- workflows (chain of thought) -------------------------------------------------

    async def start_workflow(self, workflow: Workflow) -> None:
        """Make ``workflow`` current; a custom one with no tasks is shown with its first."""
        self.workflow_item = WorkflowItem(
            id=self.generate_id("workflow"),
            thread_id=self.thread.id,
            created_at=now(),
            workflow=workflow,
        )
        if workflow.type == "reasoning" or workflow.tasks:
            await self.stream(ThreadItemAddedEvent(item=self.workflow_item.model_copy(deep=True)))

    async def add_workflow_task(self, task: Task) -> int:
        """Append a task (starting a custom workflow if none is open); its index."""
        if self.workflow_item is None:
            await self.start_workflow(Workflow(type="custom", tasks=[task]))
            return 0
        tasks = self.workflow_item.workflow.tasks
        tasks.append(task)
        if self.workflow_item.workflow.type != "reasoning" and len(tasks) == 1:
            await self.stream(ThreadItemAddedEvent(item=self.workflow_item.model_copy(deep=True)))
        else:
            await self.stream(
                ThreadItemUpdatedEvent(
                    item_id=self.workflow_item.id,
                    update=WorkflowTaskAdded(task_index=len(tasks) - 1, task=task),
                )
            )
        return len(tasks) - 1

    async def update_workflow_task(self, task: Task, task_index: int) -> None:
        if self.workflow_item is None:
            raise ValueError("No workflow is open")
        self.workflow_item.workflow.tasks[task_index] = task
        await self.stream(
            ThreadItemUpdatedEvent(
                item_id=self.workflow_item.id,
                update=WorkflowTaskUpdated(task_index=task_index, task=task),
            )
        )

    async def end_workflow(
        self, summary: WorkflowSummary | None = None, expanded: bool = False
    ) -> None:
        """End the open workflow: ``summary``, else the one it has, else its duration."""
        item, self.workflow_item = self.workflow_item, None
        if item is not None:
            await self.stream(ThreadItemDoneEvent(item=finished_workflow(item, summary, expanded)))

    def _end_workflow(self) -> list[ThreadStreamEvent]:
        """The native loop's implicit end of the open workflow; an empty one is dropped."""
        item, self.workflow_item = self.workflow_item, None
        if item is None or not item.workflow.tasks:
            return []
        return [ThreadItemDoneEvent(item=finished_workflow(item))]

    # --- the loop's side ---------------------------------------------------------------

    def _queued(self) -> list[ThreadStreamEvent]:
        events = []
        while not self._events.empty():
            events.append(self._events.get_nowait())
        return events

    def _in_order(self, event: ThreadStreamEvent) -> list[ThreadStreamEvent]:
        """``event``, preceded by the end of the open workflow if it starts another item.

        A workflow is the chain of thought *before* an answer, a widget, a client tool
        call or anything else shown; only its own events and hidden context keep it open.
        """
        current = self.workflow_item
        if (
            current is not None
            and isinstance(event, ThreadItemAddedEvent | ThreadItemDoneEvent)
            and event.item.id != current.id
            and not is_hidden(event.item)
        ):
            return [*self._end_workflow(), event]
        return [event]


def finished_workflow(
    item: WorkflowItem, summary: WorkflowSummary | None = None, expanded: bool = False
) -> WorkflowItem:
    """``item`` closed: ``summary``, else the summary it has, else its whole seconds."""
    if summary is None and item.workflow.summary is None:
        summary = DurationSummary(duration=int((now() - item.created_at).total_seconds()))
    if summary is not None:
        item.workflow.summary = summary
    item.workflow.expanded = expanded
    return item


class ThoughtStream:
    """Reasoning text streamed as one ``thought`` task of the current workflow (a
    ``reasoning`` workflow is started if none is open)."""

    def __init__(self, context: AgentContext[Any]) -> None:
        self.context = context
        self.text = ""
        self._workflow_id: str | None = None
        self._index = 0

    async def add(self, delta: str) -> None:
        self.text += delta
        task = ThoughtTask(content=self.text)
        current = self.context.workflow_item
        if current is not None and current.id == self._workflow_id:
            await self.context.update_workflow_task(task, self._index)
            return
        if current is None:
            await self.context.start_workflow(Workflow(type="reasoning", tasks=[]))
        self._index = await self.context.add_workflow_task(task)
        assert self.context.workflow_item is not None
        self._workflow_id = self.context.workflow_item.id


__all__ = ["AgentContext", "ClientToolCall", "ThoughtStream", "finished_workflow"]
