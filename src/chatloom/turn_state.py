"""What the event pipeline tracks while a turn streams: pending items and thread changes.

Both run once per event, so they are written for the hot path: text deltas are
buffered in lists (no quadratic string growth, no pydantic ``__setattr__``), and the
thread is compared field by field against a snapshot instead of through model
equality.
"""

from __future__ import annotations

import copy
from typing import Any

from .types import (
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartAnnotationAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItem,
    ThreadItemUpdate,
    ThreadMetadata,
    WorkflowItem,
    WorkflowTaskAdded,
    WorkflowTaskUpdated,
)


class PendingItems:
    """Items the client has seen start but not finish, with the updates applied so far.

    On a cancelled turn these are what the user saw; the server keeps the partial text.
    """

    def __init__(self) -> None:
        self._items: dict[str, ThreadItem] = {}
        self._text: dict[str, dict[int, list[str]]] = {}
        self._changed: set[str] = set()
        # The buffer the last text delta went to (its item is in _changed): the deltas
        # after it, nearly all of them, go to the same one without any lookup.
        self._hot: tuple[str, int, list[str]] | None = None

    def added(self, item: ThreadItem) -> None:
        self._items[item.id] = item.model_copy(deep=True)
        self._text.pop(item.id, None)
        self._hot = None

    def finished(self, item_id: str) -> None:
        self._items.pop(item_id, None)
        self._text.pop(item_id, None)
        self._changed.discard(item_id)
        self._hot = None

    @property
    def has_changes(self) -> bool:
        return bool(self._changed)

    def take_changed_messages(self) -> list[AssistantMessageItem]:
        """Copies of the assistant messages whose text grew since the last call."""
        changed = []
        for item_id in self._changed:
            self._flush(item_id)
            item = self._items[item_id]
            if isinstance(item, AssistantMessageItem) and any(
                part.text.strip() for part in item.content
            ):
                changed.append(item.model_copy(deep=True))
        self._changed.clear()
        return changed

    def updated(self, item_id: str, update: ThreadItemUpdate) -> None:
        if type(update) is AssistantMessageContentPartTextDelta:
            hot = self._hot
            if hot is not None and hot[0] == item_id and hot[1] == update.content_index:
                hot[2].append(update.delta)
                return
            if item_id not in self._items:
                return
            parts = self._text.setdefault(item_id, {})
            buffer = parts.setdefault(update.content_index, [])
            buffer.append(update.delta)
            self._changed.add(item_id)
            self._hot = (item_id, update.content_index, buffer)
            return
        item = self._items.get(item_id)
        if item is None:
            return
        self._flush(item_id)
        if isinstance(item, AssistantMessageItem):
            _apply_to_message(item, update)
        elif isinstance(item, WorkflowItem):
            _apply_to_workflow(item, update)

    def items(self) -> list[ThreadItem]:
        for item_id in list(self._text):
            self._flush(item_id)
        return list(self._items.values())

    def _flush(self, item_id: str) -> None:
        self._hot = None
        buffered = self._text.pop(item_id, None)
        item = self._items[item_id]
        if not buffered or not isinstance(item, AssistantMessageItem):
            return
        for index, pieces in buffered.items():
            part = _part(item, index)
            part.text += "".join(pieces)


def _part(item: AssistantMessageItem, index: int) -> AssistantMessageContent:
    while len(item.content) <= index:
        item.content.append(AssistantMessageContent(text=""))
    return item.content[index]


def _apply_to_message(item: AssistantMessageItem, update: ThreadItemUpdate) -> None:
    if isinstance(update, AssistantMessageContentPartAnnotationAdded):
        _part(item, update.content_index).annotations.insert(
            update.annotation_index, update.annotation
        )
    elif isinstance(update, AssistantMessageContentPartAdded | AssistantMessageContentPartDone):
        _part(item, update.content_index)
        item.content[update.content_index] = update.content.model_copy(deep=True)


def _apply_to_workflow(item: WorkflowItem, update: ThreadItemUpdate) -> None:
    tasks = item.workflow.tasks
    if isinstance(update, WorkflowTaskAdded):
        tasks.append(update.task)
    elif isinstance(update, WorkflowTaskUpdated) and update.task_index < len(tasks):
        tasks[update.task_index] = update.task


class ThreadWatch:
    """Tells whether a handler changed the thread since the last look.

    Handlers mutate the thread in place (``thread.title = ...``,
    ``thread.metadata["k"] = ...``); every such change must be saved and announced.
    The snapshot shares the immutable values and copies the mutable ones, so the check
    is two dict comparisons that mostly stop at identity.
    """

    __slots__ = ("_snapshot", "_status", "thread")

    _SHARED = frozenset({"id", "title", "created_at", "status", "items"})

    def __init__(self, thread: ThreadMetadata) -> None:
        self.thread = thread
        self._snapshot: dict[str, Any] = {}
        self._status: dict[str, Any] = {}
        self.mark_seen()

    def mark_seen(self) -> None:
        fields = self.thread.__dict__
        self._snapshot = {
            name: value if name in self._SHARED else copy.deepcopy(value)
            for name, value in fields.items()
        }
        self._status = dict(fields["status"].__dict__)

    def changed(self) -> bool:
        fields = self.thread.__dict__
        return fields != self._snapshot or fields["status"].__dict__ != self._status


__all__ = ["PendingItems", "ThreadWatch"]
