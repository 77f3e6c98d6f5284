"""The Guardrails node: checks on a text, routed to ``on_pass``, ``on_fail`` or ``on_error``."""

from __future__ import annotations

from ....errors import CustomStreamError
from ....types import ProgressUpdateEvent
from ...workflow.model import GuardrailsNode, PiiCheck
from ..context import RunContext, WorkflowRunError
from ..guardrails import GuardrailError, run_checks
from ..outcomes import Continue, HandlerEvents, Step
from ..structured import StructuredOutputError


async def guardrails(ctx: RunContext, step: Step[GuardrailsNode]) -> HandlerEvents:
    node = step.node
    text = str(await ctx.evaluate(step, "input", node.input))
    yield ProgressUpdateEvent(icon="check-circle", text="Checking the message…")
    try:
        outcome = await run_checks(ctx.provider, ctx.search, list(node.checks), text)
    except (StructuredOutputError, GuardrailError, CustomStreamError) as error:
        message = getattr(error, "message", None) or str(error)
        if node.continue_on_error:
            yield Continue({"safe_text": text}, port="on_pass")
        elif node.next.on_error is not None:
            yield Continue({"input_text": text, "error": message}, port="on_error")
        else:
            raise WorkflowRunError(
                f"Guardrails '{step.node_id}' could not run: {message}"
            ) from None
        return
    # Whether a check masks or blocks, no later model sees what it found.
    ctx.conversation.masks += [c.entities for c in node.checks if isinstance(c, PiiCheck)]
    if outcome.passed:
        yield Continue({"safe_text": outcome.safe_text}, port="on_pass")
    elif node.next.on_fail is None:
        raise WorkflowRunError("Your message did not pass this assistant's guardrails.")
    else:
        yield Continue({"input_text": text, "guardrails": outcome.report}, port="on_fail")
