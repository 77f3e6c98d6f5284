"""Approval prompts the user answers: a structured-input question or a card with
confirm/cancel buttons (whose answer comes back as the ``chatloom.approval`` action)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...types import (
    StructuredInputItem,
    StructuredInputMultipleChoice,
    StructuredInputMultipleChoiceOption,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    WidgetItem,
)
from ...widgets import DynamicWidgetRoot

APPROVAL_ACTION = "chatloom.approval"


def approval_card(
    message: str, approve: str, reject: str, decided: str | None = None
) -> DynamicWidgetRoot:
    """A card asking to approve ``message``; once ``decided`` it shows the answer."""
    children: list[dict[str, Any]] = [{"type": "Text", "value": message}]
    card: dict[str, Any] = {"type": "Card", "children": children}
    if decided is None:
        card["confirm"] = {
            "label": approve,
            "action": {"type": APPROVAL_ACTION, "payload": {"decision": "approve"}},
        }
        card["cancel"] = {
            "label": reject,
            "action": {"type": APPROVAL_ACTION, "payload": {"decision": "reject"}},
        }
    else:
        children.append({"type": "Caption", "value": decided})
    return DynamicWidgetRoot.model_validate(card)


def approval_prompt(
    *,
    item_id: str,
    thread_id: str,
    message: str,
    approve: str,
    reject: str,
    as_card: bool,
) -> ThreadItemDoneEvent:
    """The item that asks: a card, or a structured input with the two labels as options."""
    now = datetime.now()
    if as_card:
        card = approval_card(message, approve, reject)
        return ThreadItemDoneEvent(
            item=WidgetItem(id=item_id, thread_id=thread_id, created_at=now, widget=card)
        )
    options = [StructuredInputMultipleChoiceOption(value=label) for label in (approve, reject)]
    question = StructuredInputMultipleChoice(id="decision", question=message, options=options)
    return ThreadItemDoneEvent(
        item=StructuredInputItem(id=item_id, thread_id=thread_id, created_at=now, inputs=[question])
    )


def answered_card(item: WidgetItem, approved: bool) -> ThreadItemReplacedEvent:
    card = item.widget.model_dump(mode="json", exclude_none=True)
    text = next((c.get("value") for c in card.get("children", []) if c.get("type") == "Text"), "")
    label = (card.get("confirm") if approved else card.get("cancel")) or {}
    decided = f"{label.get('label', 'Approve' if approved else 'Reject')} ✓"
    replaced = item.model_copy(update={"widget": approval_card(str(text), "", "", decided)})
    return ThreadItemReplacedEvent(item=replaced)


def approved_answer(item: Any, approve_label: str) -> bool:
    """Whether a structured-input approval item was answered with ``approve_label``."""
    if not isinstance(item, StructuredInputItem) or not item.inputs:
        return False
    answer = item.inputs[0].answer
    return answer is not None and not answer.skipped and answer.values[:1] == [approve_label]


__all__ = [
    "APPROVAL_ACTION",
    "answered_card",
    "approval_card",
    "approval_prompt",
    "approved_answer",
]
