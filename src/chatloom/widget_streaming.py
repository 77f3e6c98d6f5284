"""Streaming widgets: turn successive widget states into item events and minimal updates."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import datetime
from typing import Any

from .store import StoreItemType, default_generate_id
from .types import (
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    WidgetItem,
    WidgetRootUpdated,
    WidgetStreamingTextValueDelta,
)
from .widgets import WidgetRoot

_STREAMING_TEXT_TYPES = frozenset({"Text", "Markdown"})


def _is_component(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str)


def _streams_text(node: dict[str, Any]) -> bool:
    """A Text/Markdown node with an id: its value may grow by deltas."""
    return (
        node["type"] in _STREAMING_TEXT_TYPES
        and isinstance(node.get("value"), str)
        and bool(node.get("id"))
    )


def _same(before: Any, after: Any) -> bool:
    if _is_component(before) and _is_component(after):
        return not _needs_replace(before, after)
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(map(_same, before, after))
    return bool(before == after)


def _needs_replace(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether ``after`` differs from ``before`` in anything but text growing by a suffix."""
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if (
            key == "value"
            and _streams_text(after)
            and isinstance(old, str)
            and isinstance(new, str)
            and new.startswith(old)
        ):
            continue
        if not _same(old, new):
            return True
    return False


def _text_nodes(node: Any, found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    if _is_component(node):
        if _streams_text(node):
            found[node["id"]] = node
        for value in node.values():
            _text_nodes(value, found)
    elif isinstance(node, list):
        for value in node:
            _text_nodes(value, found)
    return found


def diff_widget(
    before: WidgetRoot, after: WidgetRoot
) -> list[WidgetStreamingTextValueDelta | WidgetRootUpdated]:
    """The updates that turn ``before`` into ``after``.

    Text and Markdown nodes with an ``id`` whose value only grew become
    ``widget.streaming_text.value_delta`` updates; any other change replaces the root.
    """
    old = before.model_dump(exclude_none=True)
    new = after.model_dump(exclude_none=True)
    if _needs_replace(old, new):
        return [WidgetRootUpdated(widget=after)]
    old_texts = _text_nodes(old, {})
    updates: list[WidgetStreamingTextValueDelta | WidgetRootUpdated] = []
    for component_id, node in _text_nodes(new, {}).items():
        previous = old_texts.get(component_id)
        if previous is None:
            raise ValueError(
                f"Streaming text component {component_id!r} must persist across all widget updates"
            )
        if not node["value"].startswith(previous["value"]):
            raise ValueError(f"Streaming text of component {component_id!r} must be cumulative")
        delta = node["value"][len(previous["value"]) :]
        if delta:
            updates.append(
                WidgetStreamingTextValueDelta(
                    component_id=component_id, delta=delta, done=not node.get("streaming", False)
                )
            )
    return updates


async def stream_widget(
    thread: ThreadMetadata,
    widget: WidgetRoot | AsyncIterable[WidgetRoot],
    copy_text: str | None = None,
    generate_id: Callable[[StoreItemType], str] = default_generate_id,
) -> AsyncIterator[ThreadStreamEvent]:
    """Events showing ``widget``: one done item, or, for an async iterable of states,
    an added item, the updates between successive states, then the done item."""
    item_id = generate_id("message")

    def item(root: WidgetRoot) -> WidgetItem:
        return WidgetItem(
            id=item_id,
            thread_id=thread.id,
            created_at=datetime.now(),
            widget=root,
            copy_text=copy_text,
        )

    if not isinstance(widget, AsyncIterable):
        yield ThreadItemDoneEvent(item=item(widget))
        return
    states = aiter(widget)
    try:
        last = await anext(states)
    except StopAsyncIteration:
        return
    current = item(last)
    yield ThreadItemAddedEvent(item=current)
    async for state in states:
        for update in diff_widget(last, state):
            yield ThreadItemUpdatedEvent(item_id=item_id, update=update)
        last = state
    current.widget = last
    yield ThreadItemDoneEvent(item=current)


__all__ = ["diff_widget", "stream_widget"]
