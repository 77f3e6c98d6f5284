"""The User approval node: shows the question, then suspends until it is answered.

The walker resumes at ``on_approve`` or ``on_reject`` (:meth:`..run.WorkflowRun.resume`).
"""

from __future__ import annotations

from ...workflow.model import UserApprovalNode
from ..approvals import approval_prompt
from ..context import RunContext
from ..outcomes import HandlerEvents, Step, Suspend


async def user_approval(ctx: RunContext, step: Step[UserApprovalNode]) -> HandlerEvents:
    node = step.node
    prompt = approval_prompt(
        item_id=ctx.new_id("message"),
        thread_id=ctx.thread.id,
        message=await ctx.render(step, "message", node.message),
        approve=node.approve_label,
        reject=node.reject_label,
        as_card=node.prompt == "widget",
    )
    yield prompt
    yield Suspend("approval", prompt.item.id)
