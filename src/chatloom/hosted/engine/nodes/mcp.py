"""MCP servers: their tools offered to agents, and the MCP node (one call, maybe approved).

The transport is :mod:`..mcp`. Header values name server configuration as
``${CHATLOOM_MCP_…}``; they are filled from the environment when a run connects, so a
credential is never in the workflow file (the loader refuses one written in clear).
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx

from ....agents import AgentContext, FunctionTool
from ....types import ProgressUpdateEvent, ThreadItemDoneEvent
from ...workflow.model import McpNode, McpTool, asks_approval, env_references
from ..approvals import approval_prompt
from ..context import RunContext, WorkflowRunError
from ..mcp import TIMEOUT, McpError, McpSession
from ..outcomes import Continue, HandlerEvents, Step, Suspend
from .tools import schema_tool

MAX_ARGUMENTS_SHOWN = 500  # characters of the arguments on the approval card


def configured(spec: McpTool) -> McpTool:
    """``spec`` with each ``${NAME}`` in its headers replaced from the environment."""
    headers = {}
    for name, value in spec.headers.items():
        for variable in env_references(value):
            setting = os.environ.get(variable)
            if setting is None:
                raise WorkflowRunError(
                    f"MCP server {spec.server_label}: set {variable} on the server "
                    f"(header {name!r} needs it)"
                )
            value = value.replace("${" + variable + "}", setting)
        headers[name] = value
    return spec.model_copy(update={"headers": headers})


def call_key(server: str, tool: str, arguments: Any) -> str:
    return json.dumps([server, tool, arguments], sort_keys=True, default=str)


async def mcp_tools(
    ctx: RunContext, node_id: str, spec: McpTool, http: httpx.AsyncClient
) -> list[FunctionTool]:
    """The server's allowed tools for an agent. A tool that needs approval asks once per
    call (server, tool, arguments): the call is left pending and the agent's turn ends;
    the agent node shows the question and runs again with the answer."""
    session = McpSession(configured(spec), http)
    try:
        listed = await session.start()
    except McpError as error:
        raise WorkflowRunError(f"Workflow node '{node_id}': {error}") from None
    conversation = ctx.conversation

    def make(listed_tool: dict[str, Any]) -> FunctionTool:
        name = str(listed_tool["name"])
        gated = asks_approval(spec.require_approval, name)

        async def call(agent: AgentContext[Any], arguments: dict[str, Any]) -> str:
            decided = conversation.decided_calls.get(call_key(spec.server_label, name, arguments))
            if not gated or decided is True:
                return await session.call(name, arguments)
            if decided is False:
                return "The user denied this call."
            conversation.pending_call = {
                "server": spec.server_label,
                "tool": name,
                "arguments": arguments,
            }
            tool.ends_turn = True  # the runner asks no more of the model this turn
            return "This call waits for the user's approval."

        schema = listed_tool.get("inputSchema")
        tool = schema_tool(
            name,
            str(listed_tool.get("description") or ""),
            schema if isinstance(schema, dict) else {"type": "object"},
            call,
            title=f"{spec.server_label}: {name}",
            icon="bolt",
        )
        return tool

    return [make(listed_tool) for listed_tool in listed]


async def decide_pending(
    ctx: RunContext, servers: list[McpTool], call: dict[str, Any], approved: bool
) -> None:
    """Make (or refuse) an agent's call the user answered; what happened reaches the
    model as a message when the agent runs again."""
    key = call_key(call["server"], call["tool"], call["arguments"])
    ctx.conversation.decided_calls[key] = approved
    shown = f"{call['server']}: {call['tool']} with {json.dumps(call['arguments'])}"
    if approved:
        spec = next(s for s in servers if s.server_label == call["server"])
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as http:
                session = McpSession(configured(spec), http)
                await session.start()
                result = await session.call(call["tool"], call["arguments"])
        except McpError as error:
            result = f"(failed: {error})"
        note = f"The user approved the call {shown}. Its result: {result}"
    else:
        note = f"The user denied the call {shown}; it was not made."
    ctx.conversation.model_only.append(
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": note}]}
    )


async def mcp_call(ctx: RunContext, step: Step[McpNode]) -> HandlerEvents:
    node = step.node
    if step.answer is not None:  # resumed: the call the user was asked about
        call = step.input
        if step.answer != "on_approve":
            yield Continue({**call, "rejected": True}, port="on_reject")
            return
    else:
        call = await _call_of(ctx, step)
        if asks_approval(node.require_approval, call["tool"]):
            message = node.approval_message and await ctx.render(
                step, "approval_message", node.approval_message
            )
            prompt = await ask_approval(
                ctx, node.server_label, call["tool"], call["arguments"], message or None
            )
            yield prompt
            yield Suspend("tool_approval", prompt.item.id, resume_input=call)
            return
    tool, arguments = call["tool"], call["arguments"]
    yield ProgressUpdateEvent(icon="bolt", text=f"{node.server_label}: {tool}…")
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            session = McpSession(configured(node.as_server()), http)
            offered = {t["name"] for t in await session.start()}
            if tool not in offered:
                raise McpError(f"MCP server {node.server_label} offers no tool {tool!r}")
            text = await session.call(tool, arguments)
    except McpError as error:
        if node.next.on_error is None:
            raise WorkflowRunError(f"Workflow node '{step.node_id}': {error}") from None
        yield Continue({**call, "error": str(error)}, port="on_error")
        return
    yield Continue({**call, "output_text": text}, port="on_result")


async def _call_of(ctx: RunContext, step: Step[McpNode]) -> dict[str, Any]:
    """The tool (one of the allowed) and the arguments (an object) the node calls with."""
    node = step.node
    tool = await ctx.evaluate(step, "tool", node.tool)
    arguments = await ctx.evaluate(step, "arguments", node.arguments)
    allowed = node.allowed_tools
    if not isinstance(tool, str) or (allowed is not None and tool not in allowed):
        raise WorkflowRunError(
            f"Workflow node '{step.node_id}': tool {tool!r} is not among its allowed tools."
        )
    if not isinstance(arguments, dict):
        raise WorkflowRunError(f"Workflow node '{step.node_id}' (arguments): not an object.")
    return {"tool": tool, "arguments": arguments}


async def ask_approval(
    ctx: RunContext, server: str, tool: str, arguments: Any, message: str | None = None
) -> ThreadItemDoneEvent:
    """The card that asks the user to allow a call (the answer resumes the node)."""
    if message is None:
        shown = json.dumps(arguments, ensure_ascii=False)
        if len(shown) > MAX_ARGUMENTS_SHOWN:
            shown = shown[:MAX_ARGUMENTS_SHOWN] + "…"
        message = f"Allow {server} to run {tool} with {shown}?"
    return approval_prompt(
        item_id=ctx.new_id("message"),
        thread_id=ctx.thread.id,
        message=message,
        approve="Allow",
        reject="Deny",
        as_card=True,
    )
