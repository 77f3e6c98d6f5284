"""The gallery's ChatKit server: scripted replies (no model needed) and every kind of
widget action: streamed actions that update a widget in place, a form that replaces
its card and leaves a note for the model, and a synchronous counter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from chatloom.actions import Action
from chatloom.errors import CustomStreamError, RequestError
from chatloom.server import ChatKitServer, stream_widget
from chatloom.store import Store
from chatloom.types import (
    Annotation,
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    EntitySource,
    HiddenContextItem,
    SyncCustomActionResponse,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTagContent,
    WidgetComponentUpdated,
    WidgetItem,
    WidgetRootUpdated,
)
from chatloom.widgets import (
    Badge,
    Caption,
    Text,
    WidgetComponentBase,
    WidgetRoot,
    parse_widget_root,
)

from . import widgets as w
from .actions import (
    CancelReservation,
    ReservationSubmitted,
    parse_action,
)

HELP = (
    "Type **gallery** for every widget, **book** for a reservation form, **stream** for a "
    "widget that streams, or **slow** for a long reply (try the +1 counter meanwhile)."
)


def user_text(item: UserMessageItem | None) -> str:
    return "".join(getattr(part, "text", "") for part in item.content) if item else ""


def find_component(root: WidgetRoot, component_id: str) -> dict[str, Any] | None:
    """The node with ``id`` in a widget tree, as JSON."""

    def walk(node: Any) -> dict[str, Any] | None:
        if isinstance(node, dict):
            if node.get("id") == component_id:
                return node
            return next((found for v in node.values() if (found := walk(v))), None)
        if isinstance(node, list):
            return next((found for v in node if (found := walk(v))), None)
        return None

    return walk(root.model_dump(exclude_none=True))


def replace_component(
    root: WidgetRoot, component_id: str, component: WidgetComponentBase
) -> WidgetRoot:
    """A copy of ``root`` with the node ``component_id`` replaced."""
    new = component.model_dump(exclude_none=True)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return new if node.get("id") == component_id else {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return parse_widget_root(walk(root.model_dump(exclude_none=True)))


class GalleryServer(ChatKitServer[Any]):
    def __init__(
        self, store: Store[Any], *, action_delay: float = 0.8, word_delay: float = 0.05
    ) -> None:
        super().__init__(store)
        self.action_delay = action_delay
        self.word_delay = word_delay
        self.received: list[dict[str, Any]] = []
        """Every action as it arrived (type, payload, sender id): the gallery's log."""

    # --- replies -----------------------------------------------------------------------

    def _item_id(self, thread: ThreadMetadata, context: Any) -> str:
        return self.store.generate_item_id("message", thread, context)

    def _widget(
        self, thread: ThreadMetadata, context: Any, root: WidgetRoot, copy: str
    ) -> ThreadItemDoneEvent:
        item = WidgetItem(
            id=self._item_id(thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            widget=root,
            copy_text=copy,
        )
        return ThreadItemDoneEvent(item=item)

    async def _say(
        self, thread: ThreadMetadata, context: Any, text: str, cites: list[Annotation] | None = None
    ) -> AsyncIterator[ThreadStreamEvent]:
        item = AssistantMessageItem(
            id=self._item_id(thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=[AssistantMessageContent(text=text, annotations=cites or [])],
        )
        yield ThreadItemDoneEvent(item=item)

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        command = (user_text(input_user_message).strip().lower().split() or ["gallery"])[0]
        tags = (
            [p for p in input_user_message.content if isinstance(p, UserMessageTagContent)]
            if input_user_message
            else []
        )
        if tags:
            # Mentioned restaurants come back as entity citations (hover one for its preview).
            text = "You mentioned " + ", ".join(tag.text for tag in tags) + "."
            cites = [
                Annotation(
                    index=len(text),
                    source=EntitySource(
                        id=tag.id, title=tag.text, icon="map-pin", interactive=True, data=tag.data
                    ),
                )
                for tag in tags
            ]
            async for event in self._say(thread, context, text, cites):
                yield event
        elif command == "gallery":
            async for event in self._say(
                thread, context, "Every widget component, in light and dark. " + HELP
            ):
                yield event
            showcase: list[tuple[WidgetRoot, str]] = [
                (w.layout_card(), "Layout and text"),
                (w.badges_and_buttons_card(), "Badges and buttons"),
                (w.actions_card(), "Actions"),
                (w.table_card(), "Table"),
                (w.charts_card(), "Charts"),
                (w.plans_list(), "Plans"),
                (w.controls_card(), "Form controls"),
                (w.night_card(), "A dark card"),
                (w.stats_basic(), "Stats"),
            ]
            for root, copy in showcase:
                yield self._widget(thread, context, root, copy)
        elif command == "book":
            form = w.reservation_form(self._item_id(thread, context), date.today())
            yield self._widget(thread, context, form, "Reservation form")
        elif command == "stream":
            states = w.forecast_states(pause=self.word_delay)
            async for event in stream_widget(
                thread,
                states,
                "Forecast",
                lambda kind: self.store.generate_item_id(kind, thread, context),
            ):
                yield event
        elif command == "slow":
            async for event in self._slow_reply(thread, context):
                yield event
        else:
            async for event in self._say(thread, context, HELP):
                yield event

    async def _slow_reply(
        self, thread: ThreadMetadata, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        item = AssistantMessageItem(
            id=self._item_id(thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=[],
        )
        yield ThreadItemAddedEvent(item=item)
        yield ThreadItemUpdatedEvent(
            item_id=item.id,
            update=AssistantMessageContentPartAdded(
                content_index=0, content=AssistantMessageContent(text="")
            ),
        )
        text = ""
        for i in range(120):
            word = f"word{i} "
            text += word
            yield ThreadItemUpdatedEvent(
                item_id=item.id,
                update=AssistantMessageContentPartTextDelta(content_index=0, delta=word),
            )
            await asyncio.sleep(self.word_delay)
        yield ThreadItemDoneEvent(
            item=item.model_copy(update={"content": [AssistantMessageContent(text=text)]})
        )

    # --- actions -----------------------------------------------------------------------

    def _log(self, action: Action[str, Any], sender: WidgetItem | None) -> None:
        self.received.append(
            {
                "type": action.type,
                "payload": action.payload,
                "sender": sender.id if sender else None,
            }
        )

    async def _update_root(
        self, thread: ThreadMetadata, sender: WidgetItem, root: WidgetRoot, context: Any
    ) -> ThreadItemUpdatedEvent:
        """Shows ``root`` in place of the sender's widget, and keeps it (the server does
        not persist ``widget.root.updated`` by itself)."""
        await self.store.save_item(thread.id, sender.model_copy(update={"widget": root}), context)
        return ThreadItemUpdatedEvent(item_id=sender.id, update=WidgetRootUpdated(widget=root))

    async def _update_component(
        self,
        thread: ThreadMetadata,
        sender: WidgetItem,
        component_id: str,
        component: WidgetComponentBase,
        context: Any,
    ) -> ThreadItemUpdatedEvent:
        root = replace_component(sender.widget, component_id, component)
        await self.store.save_item(thread.id, sender.model_copy(update={"widget": root}), context)
        return ThreadItemUpdatedEvent(
            item_id=sender.id,
            update=WidgetComponentUpdated(component_id=component_id, component=component),
        )

    def _note(self, thread: ThreadMetadata, context: Any, text: str) -> ThreadItemDoneEvent:
        """A note for the model's next turn: stored, never shown."""
        note = HiddenContextItem(
            id=self._item_id(thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=f"<USER_ACTION>{text}</USER_ACTION>",
        )
        return ThreadItemDoneEvent(item=note)

    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        self._log(action, sender)
        if sender is None:
            raise CustomStreamError("Gallery actions come from its widgets.")
        try:
            typed = parse_action(action)
        except ValidationError:
            raise CustomStreamError("That action was not valid.") from None
        if typed.type == "plan.select":
            plan = typed.payload.plan
            if plan not in w.PLANS:
                raise CustomStreamError("There is no such plan.")
            yield await self._update_root(thread, sender, w.plans_list(selected=plan), context)
            yield self._note(thread, context, f"The user chose the {w.PLANS[plan][0]} plan.")
        elif typed.type == "gallery.wait":
            await asyncio.sleep(self.action_delay)
            status = Text(
                id="wait-status",
                value=f"The {typed.payload.behavior} action finished.",
                color="success",
                size="sm",
            )
            yield await self._update_component(thread, sender, "wait-status", status, context)
        elif typed.type in ("reservation.submit", "reservation.cancel"):
            async for event in self._reservation(thread, sender, typed, context):
                yield event
        elif typed.type == "profile.save":
            yield await self._update_root(
                thread, sender, w.profile_saved_card(typed.payload.profile.model_dump()), context
            )
        elif typed.type == "profile.country":
            country = typed.payload.profile.country
            note = Caption(
                id="country-note",
                value=f"Shipping to {country.title()}" if country else "No country yet",
            )
            yield await self._update_component(thread, sender, "country-note", note, context)
        else:
            raise CustomStreamError("That action is not handled here.")

    async def _reservation(
        self,
        thread: ThreadMetadata,
        sender: WidgetItem,
        typed: ReservationSubmitted | CancelReservation,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        # The payload says which reservation; the stored widget says which one it offered.
        confirm = sender.widget.model_dump().get("confirm") or {}
        if (confirm.get("action") or {}).get("payload", {}).get(
            "reservation_id"
        ) != typed.payload.reservation_id:
            raise CustomStreamError("This reservation form is no longer open.")
        if typed.type == "reservation.cancel":
            yield ThreadItemReplacedEvent(
                item=sender.model_copy(update={"widget": w.reservation_result(None)})
            )
            yield self._note(thread, context, "The user cancelled the reservation form.")
            return
        form = typed.payload
        # Replaced (and persisted by the server): the booked card, with nothing left to click.
        yield ThreadItemReplacedEvent(
            item=sender.model_copy(update={"widget": w.reservation_result(form)})
        )
        yield self._note(thread, context, f"The user booked a table: {form.model_dump_json()}")
        reply = f"Booked: a table for {form.party.size} on {form.date:%A %d %B}."
        async for event in self._say(thread, context, f"{reply} See you then, {form.guest.name}!"):
            yield event

    async def sync_action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: Any,
    ) -> SyncCustomActionResponse:
        self._log(action, sender)
        try:
            typed = parse_action(action)
        except ValidationError:
            raise RequestError("That action was not valid.") from None
        counter = find_component(sender.widget, "count-value") if sender else None
        if typed.type != "gallery.count" or sender is None or counter is None:
            raise RequestError("Only the gallery's counter answers synchronously.")
        count = int(counter.get("label", 0)) + typed.payload.step
        badge = Badge(
            key=f"count-{count}", id="count-value", label=str(count), size="lg", pill=True
        )
        return SyncCustomActionResponse(
            updated_item=sender.model_copy(
                update={"widget": replace_component(sender.widget, "count-value", badge)}
            )
        )
