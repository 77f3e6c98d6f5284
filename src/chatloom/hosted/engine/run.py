"""The walker: one run of a workflow on a thread, from a node to where it ends or waits.

A run starts at ``start`` for each user message (as hosted workflows do), at an
``on_action`` node for a routed widget action, or where a suspended run stopped. Each
node's output is the next node's ``input``; ``state`` lives across runs of a thread.

The walker owns the graph: following ports, While loops (their frames), suspending and
resuming inside them, and the step budget. What a node does is its handler's
(:mod:`.nodes`), which ends with an outcome (:mod:`.outcomes`); the walker never lets a
handler end without one. Each step is recorded in the run's trace (:mod:`.trace`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from ...types import ThreadMetadata, ThreadStreamEvent
from ..workflow.model import Node, UserApprovalNode, WhileNode, Workflow, ports
from .approvals import approved_answer
from .context import Engine, MeteredProvider, RunContext, WorkflowRunError
from .nodes import HANDLERS
from .outcomes import Continue, Emitted, End, Outcome, Step, Stop, Suspend
from .state import RunRecord, Suspended
from .trace import RunTrace, bounded

MAX_STEPS = 1000
Frames = list[tuple[str, int]]


class BranchDone(Outcome):
    """A branch ran out of nodes; ``value`` is the output of its last node."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Waits(Outcome):
    """The run waits for an answer (a handler's :class:`Suspend`, located in the graph)."""

    def __init__(self, suspended: Suspended) -> None:
        self.suspended = suspended


class _Exit:
    """Holds the outcome that a stream of events and one outcome ends with."""

    def __init__(self) -> None:
        self._outcome: Outcome | None = None

    @property
    def outcome(self) -> Outcome:
        assert self._outcome is not None  # events() refuses a stream without one
        return self._outcome

    async def events(
        self, source: AsyncIterator[Emitted], node_id: str
    ) -> AsyncIterator[ThreadStreamEvent]:
        async for item in source:
            if isinstance(item, Outcome):
                if self._outcome is not None:
                    raise WorkflowRunError(f"Workflow node '{node_id}' gave two outcomes.")
                self._outcome = item
            elif self._outcome is not None:
                raise WorkflowRunError(f"Workflow node '{node_id}' went on after its outcome.")
            else:
                yield item
        if self._outcome is None:
            raise WorkflowRunError(f"Workflow node '{node_id}' ended without an outcome.")


class WorkflowRun:
    """One run of ``workflow`` on ``thread``: iterate :meth:`start` or :meth:`resume`.

    Afterwards :attr:`result` is the record to commit (``None``: commit nothing, the
    run stopped on an error) and :attr:`trace` what happened.
    """

    def __init__(
        self,
        engine: Engine,
        workflow: Workflow,
        thread: ThreadMetadata,
        context: Any,
        *,
        record: RunRecord,
        trace: RunTrace,
        session_state: Mapping[str, Any] | None = None,
        input_text: str = "",
    ) -> None:
        self.workflow = workflow
        self.record = record
        self.trace = trace
        self.result: RunRecord | None = None
        state = {
            **workflow.state_defaults(),
            **{k: v for k, v in (session_state or {}).items() if k in workflow.state},
            **{k: v for k, v in record.state.items() if k in workflow.state},
        }
        self.ctx = RunContext(
            engine=engine,
            provider=MeteredProvider(engine.provider),
            workflow=workflow,
            thread=thread,
            request=context,
            input_text=input_text,
            state=state,
        )
        self.steps = 0

    def approves(self, item: Any) -> bool:
        """Whether ``item``, the answered question the run waits on, approves."""
        suspended = self.record.suspended
        node = self.workflow.all_nodes().get(suspended.node) if suspended else None
        return isinstance(node, UserApprovalNode) and approved_answer(item, node.approve_label)

    async def redact(self, text: str) -> str:
        """``text`` with what this run's PII checks look for masked."""
        return await self.ctx.conversation.redact(text)

    # --- entry points -------------------------------------------------------------------

    def start(
        self, node_id: str | None = None, value: Any = None
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run from ``start`` (or ``node_id``, with ``value`` as its input)."""
        first = {"input_as_text": self.ctx.input_text} if value is None else value
        nodes = self.workflow.nodes
        return self._run(self._walk(nodes, node_id or self.workflow.start, first, []))

    def resume(self, port: str | None) -> AsyncIterator[ThreadStreamEvent]:
        """Go on from the suspension with the user's answer: ``on_approve``/``on_reject``,
        or ``None`` when a client tool has answered."""
        suspended = self.record.suspended
        if suspended is None:
            raise WorkflowRunError("Nothing is waiting for an answer here.")
        return self._run(self._resume(self.workflow.nodes, suspended, 0, port))

    async def _run(self, walk: AsyncIterator[Emitted]) -> AsyncIterator[ThreadStreamEvent]:
        exit = _Exit()
        try:
            async for event in exit.events(walk, "(run)"):
                yield event
        except Exception as error:
            self._finish("failed", str(getattr(error, "message", None) or error))
            raise
        except BaseException:  # the client went away, or the server is stopping
            self._finish("failed", "interrupted")
            raise
        outcome = exit.outcome
        if isinstance(outcome, Stop):
            self._finish("stopped", outcome.reason)
            return
        output = outcome.output if isinstance(outcome, End) else self.record.output
        suspended = outcome.suspended if isinstance(outcome, Waits) else None
        self.result = RunRecord(dict(self.ctx.state), suspended, output)
        self._finish("suspended" if suspended else "completed")

    def _finish(self, status: Any, error: str | None = None) -> None:
        self.trace.finish(status, self.ctx.provider.usage.as_dict(), error)

    # --- walking ------------------------------------------------------------------------

    async def _walk(
        self,
        nodes: Mapping[str, Node],
        node_id: str | None,
        value: Any,
        frames: Frames,
        *,
        answer: str | None = None,
    ) -> AsyncIterator[Emitted]:
        """Run from ``node_id`` until the branch ends (:class:`BranchDone`) or the run
        ends or waits (:class:`End`, :class:`Stop`, :class:`Waits`)."""
        while node_id is not None:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise WorkflowRunError(f"The workflow ran more than {MAX_STEPS} steps.")
            node = nodes[node_id]
            exit = _Exit()
            if isinstance(node, WhileNode):
                loop = self._loop(nodes, node_id, node, value, frames, 0)
                async for event in exit.events(loop, node_id):
                    yield event
                if not isinstance(exit.outcome, BranchDone):
                    yield exit.outcome
                    return
                node_id, value = node.next, exit.outcome.value
                continue
            step = Step(node_id, node, value, answer)
            answer = None  # only the first node of a resumed walk is answering
            async for event in exit.events(self._step(step), node_id):
                yield event
            outcome = exit.outcome
            if isinstance(outcome, Continue):
                if outcome.state is not None:
                    self.ctx.state = dict(outcome.state)
                node_id, value = self._target(node_id, node, outcome.port), outcome.value
            elif isinstance(outcome, Suspend):
                kept = value if outcome.resume_input is None else outcome.resume_input
                yield Waits(Suspended(outcome.kind, node_id, list(frames), kept, outcome.item_id))
                return
            else:
                yield outcome
                return
        yield BranchDone(value)

    @staticmethod
    def _target(node_id: str, node: Node, port: str | None) -> str | None:
        if port is None:
            return None
        wired = ports(node)
        if port not in wired:
            raise WorkflowRunError(f"Workflow node '{node_id}' has no port '{port}'.")
        return wired[port]

    async def _step(self, step: Step[Any]) -> AsyncIterator[Emitted]:
        """The node's handler, recorded in the trace."""
        handler = HANDLERS.get(step.node.type)
        if handler is None:
            raise WorkflowRunError(f"Workflow node '{step.node_id}': no handler for its type.")
        record = self.trace.begin(step.node_id, step.node.type, step.input)
        usage = self.ctx.provider.usage
        calls, chars, started = usage.calls, usage.output_chars, time.perf_counter()
        try:
            async for item in handler(self.ctx, step):
                if record is not None and isinstance(item, Outcome):
                    _record_outcome(record, item)
                yield item
        except Exception as error:
            if record is not None:
                record.error = str(getattr(error, "message", None) or error)
            raise
        finally:
            if record is not None:
                record.duration_ms = round((time.perf_counter() - started) * 1000, 3)
                record.usage = {
                    "calls": usage.calls - calls,
                    "output_chars": usage.output_chars - chars,
                }

    async def _loop(
        self,
        nodes: Mapping[str, Node],
        loop_id: str,
        loop: WhileNode,
        value: Any,
        frames: Frames,
        first: int,
    ) -> AsyncIterator[Emitted]:
        for iteration in range(first, loop.max_iterations):
            step = Step(loop_id, loop, value)
            if await self.ctx.evaluate(step, "condition", loop.condition) is not True:
                break
            exit = _Exit()
            body = self._walk(
                loop.body.nodes, loop.body.start, value, [*frames, (loop_id, iteration)]
            )
            async for event in exit.events(body, loop_id):
                yield event
            if not isinstance(exit.outcome, BranchDone):
                yield exit.outcome
                return
            value = exit.outcome.value
        yield BranchDone(value)

    async def _resume(
        self, nodes: Mapping[str, Node], suspended: Suspended, depth: int, port: str | None
    ) -> AsyncIterator[Emitted]:
        """Re-enter the While loops around the suspended node, then go on from it."""
        frames = suspended.frames
        if depth == len(frames):
            node = nodes[suspended.node]
            if suspended.kind == "approval":
                target = self._target(suspended.node, node, port or "on_reject")
                walk = self._walk(nodes, target, suspended.input, frames)
            else:  # the node runs again with the answer (a client tool's is in the thread)
                walk = self._walk(nodes, suspended.node, suspended.input, frames, answer=port)
            async for item in walk:
                yield item
            return
        loop_id, iteration = frames[depth]
        loop = nodes[loop_id]
        assert isinstance(loop, WhileNode)
        inner = _Exit()
        body = self._resume(loop.body.nodes, suspended, depth + 1, port)
        async for event in inner.events(body, loop_id):
            yield event
        if not isinstance(inner.outcome, BranchDone):
            yield inner.outcome
            return
        rest = _Exit()
        more = self._loop(nodes, loop_id, loop, inner.outcome.value, frames[:depth], iteration + 1)
        async for event in rest.events(more, loop_id):
            yield event
        if not isinstance(rest.outcome, BranchDone):
            yield rest.outcome
            return
        async for item in self._walk(nodes, loop.next, rest.outcome.value, frames[:depth]):
            yield item


def _record_outcome(record: Any, outcome: Outcome) -> None:
    if isinstance(outcome, Continue):
        record.outcome, record.port, record.output = (
            "continue",
            outcome.port,
            bounded(outcome.value),
        )
    elif isinstance(outcome, Suspend):
        record.outcome, record.output = "suspend", {"kind": outcome.kind}
    elif isinstance(outcome, End):
        record.outcome, record.output = "end", bounded(outcome.output)
    elif isinstance(outcome, Stop):
        record.outcome, record.error = "stop", outcome.reason


__all__ = ["MAX_STEPS", "Engine", "WorkflowRun", "WorkflowRunError"]
