"""Routing and data nodes: If/else, Set state, Transform, End, Note."""

from __future__ import annotations

from ...workflow.model import EndNode, IfElseNode, NoteNode, SetStateNode, TransformNode
from ..context import RunContext
from ..outcomes import Continue, End, HandlerEvents, Step


async def if_else(ctx: RunContext, step: Step[IfElseNode]) -> HandlerEvents:
    for index, case in enumerate(step.node.cases):
        if await ctx.evaluate(step, f"cases[{index}].when", case.when) is True:
            yield Continue(step.input, port=f"cases[{index}]")
            return
    yield Continue(step.input, port="else")


async def set_state(ctx: RunContext, step: Step[SetStateNode]) -> HandlerEvents:
    state = dict(ctx.state)
    for index, assignment in enumerate(step.node.assignments):
        source = assignment.expr  # each assignment sees the ones before it
        state[assignment.name] = await ctx.evaluate(
            step, f"assignments[{index}].expr", source, state=state
        )
    yield Continue(step.input, state=state)


async def transform(ctx: RunContext, step: Step[TransformNode]) -> HandlerEvents:
    yield Continue(await ctx.evaluate(step, "expr", step.node.expr))


async def end(ctx: RunContext, step: Step[EndNode]) -> HandlerEvents:
    expr = step.node.expr
    yield End(step.input if expr is None else await ctx.evaluate(step, "expr", expr))


async def note(ctx: RunContext, step: Step[NoteNode]) -> HandlerEvents:
    yield Continue(step.input, port=None)  # notes are never wired: nothing follows
