"""PendingItems: the text a cancelled or crashed turn keeps, however its deltas interleave."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chatloom.turn_state import PendingItems
from chatloom.types import (
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItem,
)


def message(item_id: str) -> AssistantMessageItem:
    return AssistantMessageItem(id=item_id, thread_id="thr", created_at=datetime.now(), content=[])


def delta(index: int, text: str) -> AssistantMessageContentPartTextDelta:
    return AssistantMessageContentPartTextDelta(content_index=index, delta=text)


def texts(items: Sequence[ThreadItem]) -> dict[str, list[str]]:
    return {
        item.id: [part.text for part in item.content]
        for item in items
        if isinstance(item, AssistantMessageItem)
    }


def test_interleaved_deltas_land_in_their_own_parts() -> None:
    pending = PendingItems()
    pending.added(message("a"))
    pending.added(message("b"))
    for item_id, index, text in [
        ("a", 0, "one "), ("a", 0, "two "), ("b", 0, "x"), ("a", 1, "second"),
        ("a", 0, "three"), ("b", 0, "y"), ("unknown", 0, "ignored"),
    ]:  # fmt: skip
        pending.updated(item_id, delta(index, text))
    assert texts(pending.take_changed_messages()) == {
        "a": ["one two three", "second"],
        "b": ["xy"],
    }
    assert not pending.has_changes
    # Text after a save goes on from where it was, and only changed items come back.
    pending.updated("b", delta(0, "z"))
    assert texts(pending.take_changed_messages()) == {"b": ["xyz"]}
    pending.updated("a", delta(0, " four"))
    pending.finished("b")
    assert texts(pending.items()) == {"a": ["one two three four", "second"]}
