"""A code workflow's run: the exported function instead of the graph walker.

The run is a :class:`~chatloom.hosted.engine.WorkflowRun` in everything but what runs:
the same run record, trace and context, committed the same way by the server. A user
message calls the program's entry point with ``WorkflowInput(input_as_text=…)``; its
agent runs stream into the thread while it goes (the program runs as a task, the events
come through the session's queue). Its return value is the run's output.

Reaching ``approval_request(message)`` shows the question as the User approval node
does and suspends: the record keeps the input and the journal (:mod:`.journal`). The
answer, in a later request, runs the program again from the start; recorded steps are
answered from the journal, the approval returns the user's decision, and the program
goes on live from there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from ...agents.converter import InputItem, ThreadItemConverter
from ...logger import logger
from ...types import ThreadStreamEvent, UserMessageItem
from ..engine.approvals import approval_prompt, approved_answer
from ..engine.context import HISTORY_LIMIT, RunContext, WorkflowRunError
from ..engine.outcomes import Emitted, End, Stop
from ..engine.run import Waits, WorkflowRun
from ..engine.state import Suspended
from .journal import Journal
from .program import Program, load_program
from .session import CURRENT, CodeSession, Stopped, Suspension

APPROVE, REJECT = "Approve", "Reject"


async def earlier_items(ctx: RunContext) -> list[InputItem]:
    """The thread before this turn's user message, as model input (the program supplies
    this turn's own conversation itself)."""
    page = await ctx.engine.store.load_thread_items(
        ctx.thread.id, None, HISTORY_LIMIT, "desc", ctx.request
    )
    items = list(reversed(page.data))
    starts = [i for i, item in enumerate(items) if isinstance(item, UserMessageItem)]
    earlier = items[: starts[-1]] if starts else items
    converter = ThreadItemConverter(ctx.engine.attachment_store, ctx.request)
    return await converter.to_agent_input(earlier)


class CodeRun(WorkflowRun):
    def start(
        self, node_id: str | None = None, value: Any = None
    ) -> AsyncIterator[ThreadStreamEvent]:
        if node_id is not None:
            raise WorkflowRunError("This assistant does not handle widget actions.")
        return self._run(self._program(self.ctx.input_text, []))

    def resume(self, port: str | None) -> AsyncIterator[ThreadStreamEvent]:
        suspended = self.record.suspended
        saved = suspended.input if suspended is not None else None
        if suspended is None or suspended.kind != "approval" or not isinstance(saved, dict):
            raise WorkflowRunError("Nothing is waiting for an answer here.")
        approved = port == "on_approve"
        step = self.trace.begin(suspended.node, "user_approval", {"message": saved["asking"]})
        if step is not None:  # the answer is this run's first step
            step.outcome, step.output = "continue", {"approved": approved}
        decision = {"kind": "approval", "key": saved["asking"], "value": approved}
        return self._run(self._program(saved["input_as_text"], [*saved["journal"], decision]))

    def approves(self, item: Any) -> bool:
        return approved_answer(item, APPROVE)

    async def _program(self, text: str, entries: list[dict[str, Any]]) -> AsyncIterator[Emitted]:
        entry = self.workflow.code
        assert entry is not None
        program = await load_program(entry)
        session = CodeSession(self.ctx, self.trace, Journal(entries), await earlier_items(self.ctx))

        async def call() -> Any:  # building the input is the program's too (its errors)
            return await program.function(program.workflow_input(text))

        token = CURRENT.set(session)
        try:  # the task copies the context, session included
            task = asyncio.ensure_future(call())
        finally:
            CURRENT.reset(token)
        try:
            async for event in _events_until(session.events, task):
                yield event
        finally:
            if not task.done():  # the client went away: stop the program too
                task.cancel()
        async for item in self._outcome(program, session, text, task):
            yield item

    async def _outcome(
        self, program: Program, session: CodeSession, text: str, task: asyncio.Future[Any]
    ) -> AsyncIterator[Emitted]:
        try:
            output = task.result()
        except Suspension as asked:
            prompt = approval_prompt(
                item_id=self.ctx.new_id("message"),
                thread_id=self.ctx.thread.id,
                message=asked.message,
                approve=APPROVE,
                reject=REJECT,
                as_card=False,
            )
            yield prompt
            saved = {
                "input_as_text": text,
                "journal": session.journal.entries,
                "asking": asked.message,
            }
            yield Waits(Suspended("approval", asked.function, [], saved, prompt.item.id))
        except Stopped as stopped:
            yield Stop(str(stopped) or "the model failed")
        except WorkflowRunError as error:
            raise WorkflowRunError(program.describe(error)) from None
        except Exception as error:
            logger.exception("The workflow's program failed")
            raise WorkflowRunError(program.describe(error)) from None
        else:
            yield End(output)


async def _events_until(
    queue: asyncio.Queue[ThreadStreamEvent], task: asyncio.Future[Any]
) -> AsyncIterator[ThreadStreamEvent]:
    """The events the program's agents put in ``queue``, as they come, until ``task`` ends."""
    while not task.done():
        getter = asyncio.ensure_future(queue.get())
        try:
            await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getter.done():
                getter.cancel()
        if getter.done() and not getter.cancelled():
            yield getter.result()
    while not queue.empty():
        yield queue.get_nowait()


__all__ = ["APPROVE", "REJECT", "CodeRun", "earlier_items"]
