"""``WorkflowServer``: a ChatKit server whose every turn is a run of the session's workflow.

* a user message runs the workflow from ``start`` (as hosted workflows do);
* the answer to a User approval (``threads.add_structured_input``, or the card's
  confirm/cancel action) and a client tool's output resume the suspended run;
* a widget action whose type the workflow routes (``on_action``) runs from that node;
* an untitled thread gets a title from its first message when the session allows it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ...agents import generate_title
from ...errors import CustomStreamError
from ...server import ChatKitServer
from ...store import AttachmentStore, Store
from ...types import (
    Action,
    StructuredInputItem,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    WidgetItem,
)
from ..workflow.model import UserApprovalNode, Workflow
from ..workflow.repository import WorkflowRepository
from .run import APPROVAL_ACTION, Engine, WorkflowRun, answered_card


def _user_text(message: UserMessageItem | None) -> str:
    if message is None:
        return ""
    return " ".join(getattr(part, "text", "") for part in message.content).strip()


class WorkflowServer(ChatKitServer[Any]):
    """Runs the workflow of the session in the request context (a ``HostedContext``)."""

    def __init__(
        self,
        store: Store[Any],
        repository: WorkflowRepository,
        engine: Engine,
        attachment_store: AttachmentStore[Any] | None = None,
    ) -> None:
        super().__init__(store, attachment_store)
        self.repository = repository
        self.engine = engine

    def workflow_for(self, context: Any) -> Workflow:
        session = context.session
        return self.repository.resolve(session.workflow_id, session.workflow_version)

    def _run(self, thread: ThreadMetadata, context: Any, text: str = "") -> WorkflowRun:
        return WorkflowRun(
            self.engine,
            self.workflow_for(context),
            thread,
            context,
            session_state=context.session.state_variables,
            input_text=text,
        )

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        text = _user_text(input_user_message)
        run = self._run(thread, context, text)
        suspended = run.record.suspended
        if input_user_message is not None:
            events = run.start()
        elif suspended is not None and suspended.kind == "client_tool":
            events = run.resume(None)
        elif suspended is not None and suspended.item_id is not None:
            approved = await self._approved(thread, suspended.item_id, run, context)
            events = run.resume("on_approve" if approved else "on_reject")
        else:
            return
        async for event in events:
            yield event
        titling = context.session.configuration.automatic_thread_titling.enabled
        if titling and thread.title is None and text:
            # From the masked text: a title request is model input like any other.
            thread.title = await generate_title(
                self.engine.provider, run.redact(text), model=self.engine.model
            )

    async def _approved(
        self, thread: ThreadMetadata, item_id: str, run: WorkflowRun, context: Any
    ) -> bool:
        item = await self.store.load_item(thread.id, item_id, context)
        node = (
            run.workflow.all_nodes().get(run.record.suspended.node)
            if run.record.suspended
            else None
        )
        if not isinstance(item, StructuredInputItem) or not isinstance(node, UserApprovalNode):
            return False
        answer = item.inputs[0].answer if item.inputs else None
        return (
            answer is not None and not answer.skipped and answer.values[:1] == [node.approve_label]
        )

    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        run = self._run(thread, context)
        suspended = run.record.suspended
        if action.type == APPROVAL_ACTION:
            if suspended is None or sender is None or sender.id != suspended.item_id:
                raise CustomStreamError("This approval is no longer pending.")
            approved = (
                isinstance(action.payload, dict) and action.payload.get("decision") == "approve"
            )
            yield answered_card(sender, approved)
            async for event in run.resume("on_approve" if approved else "on_reject"):
                yield event
            return
        target = run.workflow.on_action.get(action.type)
        if target is None:
            raise CustomStreamError(f"This assistant does not handle the action '{action.type}'.")
        value = {
            "action": {"type": action.type, "payload": action.payload},
            "widget_item_id": sender.id if sender else None,
        }
        async for event in run.start(target, value):
            yield event


__all__ = ["WorkflowServer"]
