"""``WorkflowServer``: a ChatKit server whose every turn is a run of the session's workflow.

* a user message runs the workflow from ``start`` (as hosted workflows do);
* the answer to a User approval (``threads.add_structured_input``, or the card's
  confirm/cancel action) and a client tool's output resume the suspended run;
* a widget action whose type the workflow routes (``on_action``) runs from that node;
* an untitled thread gets a title from its first message when the session allows it.

Each turn holds the thread's workflow state for its whole run (one run per thread at a
time) and commits it only when the run finishes without failing; each run's trace is
kept whatever happened.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from ...agents import generate_title
from ...errors import CustomStreamError
from ...server import ChatKitServer
from ...store import AttachmentStore, Store
from ...types import (
    Action,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    WidgetItem,
)
from ..workflow.model import Workflow
from ..workflow.repository import WorkflowRepository
from .approvals import APPROVAL_ACTION, answered_card
from .context import Engine
from .run import WorkflowRun
from .state import RunRecord, StateConflict, ThreadBusy
from .trace import RunTrace

Turn = Callable[[WorkflowRun, RunRecord], AsyncIterator[ThreadStreamEvent]]


def _user_text(message: UserMessageItem | None) -> str:
    if message is None:
        return ""
    return " ".join(getattr(part, "text", "") for part in message.content).strip()


def _run_type(workflow: Workflow) -> type[WorkflowRun]:
    if workflow.code is None:
        return WorkflowRun
    from ..code.run import CodeRun  # the exported program's runtime needs the [agents] extra

    return CodeRun


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

    async def _turn(
        self,
        thread: ThreadMetadata,
        context: Any,
        turn: Turn,
        *,
        text: str = "",
        trigger: str,
        item_id: str | None,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """One run under the thread's state transaction; its trace kept in any case."""
        workflow = self.workflow_for(context)
        trace = RunTrace(thread.id, item_id, workflow.id, workflow.version, trigger)
        run: WorkflowRun | None = None
        try:
            async with self.engine.states.transaction(thread.id) as slot:
                record = slot.record or RunRecord.legacy(thread)
                run = _run_type(workflow)(
                    self.engine,
                    workflow,
                    thread,
                    context,
                    record=record,
                    trace=trace,
                    session_state=context.session.state_variables,
                    input_text=text,
                )
                async for event in turn(run, record):
                    yield event
                if run.result is not None:
                    slot.save(run.result)
        except ThreadBusy as error:
            raise CustomStreamError(f"{error}; try again in a moment.") from None
        except StateConflict:
            raise CustomStreamError(
                "This conversation changed while the answer was being made; nothing was "
                "saved from it. Try again."
            ) from None
        finally:
            if trace.steps:
                await self.engine.traces.add(trace)
        titling = context.session.configuration.automatic_thread_titling.enabled
        if titling and thread.title is None and text:
            # From the masked text: a title request is model input like any other.
            thread.title = await generate_title(
                self.engine.provider, await run.redact(text), model=self.engine.model
            )

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        async def turn(run: WorkflowRun, record: RunRecord) -> AsyncIterator[ThreadStreamEvent]:
            suspended = record.suspended
            if input_user_message is not None:
                events = run.start()
            elif suspended is not None and suspended.kind == "client_tool":
                events = run.resume(None)
            elif suspended is not None and suspended.item_id is not None:
                item = await self.store.load_item(thread.id, suspended.item_id, context)
                events = run.resume("on_approve" if run.approves(item) else "on_reject")
            else:
                return
            async for event in events:
                yield event

        async for event in self._turn(
            thread,
            context,
            turn,
            text=_user_text(input_user_message),
            trigger="message" if input_user_message else "resume",
            item_id=input_user_message.id if input_user_message else None,
        ):
            yield event

    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        async def approval(run: WorkflowRun, record: RunRecord) -> AsyncIterator[ThreadStreamEvent]:
            suspended = record.suspended
            if suspended is None or sender is None or sender.id != suspended.item_id:
                raise CustomStreamError("This approval is no longer pending.")
            approved = (
                isinstance(action.payload, dict) and action.payload.get("decision") == "approve"
            )
            yield answered_card(sender, approved)
            async for event in run.resume("on_approve" if approved else "on_reject"):
                yield event

        async def routed(run: WorkflowRun, record: RunRecord) -> AsyncIterator[ThreadStreamEvent]:
            target = run.workflow.on_action.get(action.type)
            if target is None:
                raise CustomStreamError(
                    f"This assistant does not handle the action '{action.type}'."
                )
            value = {
                "action": {"type": action.type, "payload": action.payload},
                "widget_item_id": sender.id if sender else None,
            }
            async for event in run.start(target, value):
                yield event

        turn = approval if action.type == APPROVAL_ACTION else routed
        async for event in self._turn(
            thread, context, turn, trigger="action", item_id=sender.id if sender else None
        ):
            yield event


__all__ = ["WorkflowServer"]
