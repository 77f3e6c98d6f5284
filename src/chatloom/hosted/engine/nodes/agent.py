"""The Agent node: a model turn with tools (text answers stream), or a JSON / widget answer.

Visibility: ``user_visible`` decides whether the answer is shown (progress and client
tool calls always are); ``writes_to_history`` whether later agents see it; an answer that
is not shown but written to history reaches later agents as a model-only message.
A client tool call suspends the run; when the client answers, the node runs again and
the agent finishes its turn from the thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx

from ....agents import Agent, AgentContext, ClientToolCall, FunctionTool
from ....agents.chat_format import to_chat_messages
from ....types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    ErrorEvent,
    ProgressUpdateEvent,
    ThreadItemDoneEvent,
    ThreadStreamEvent,
    WidgetItem,
)
from ...workflow.model import (
    AgentNode,
    ClientTool,
    FileSearchTool,
    JsonSchemaOutput,
    McpTool,
    WidgetOutput,
)
from ..context import RunContext, WorkflowRunError
from ..mcp import TIMEOUT as MCP_TIMEOUT
from ..offload import OverBudget, off_loop
from ..outcomes import Continue, HandlerEvents, Step, Stop, Suspend
from ..structured import StructuredOutputError, ask_json
from ..templates import TemplateError, compile_template, render_widget
from .mcp import ask_approval, decide_pending, mcp_tools
from .search import file_search_tool
from .tools import schema_tool


def model_settings(ctx: RunContext, node: AgentNode) -> dict[str, Any]:
    """The node's model and sampling settings, as both the agent loop and ask_json take them."""
    return {
        "model": node.model or ctx.model,
        "temperature": node.temperature,
        "max_tokens": node.max_output_tokens,
        "top_p": node.top_p,
        "reasoning_effort": node.reasoning.effort if node.reasoning else None,
    }


def _message_text(item: AssistantMessageItem) -> str:
    return "".join(part.text for part in item.content)


async def agent(ctx: RunContext, step: Step[AgentNode]) -> HandlerEvents:
    node = step.node
    if step.answer is not None:  # resumed: the user answered about an MCP call
        servers = [tool for tool in node.tools if isinstance(tool, McpTool)]
        await decide_pending(ctx, servers, step.input["call"], step.answer == "on_approve")
        step = Step(step.node_id, node, step.input["input"])
    instructions = (
        await ctx.render(step, "instructions", node.instructions) or "You are a helpful assistant."
    )
    history = await ctx.history(node.reads_from_history)
    if isinstance(node.output, JsonSchemaOutput | WidgetOutput):
        async for event in _structured(ctx, step, instructions, history):
            yield event
        return
    async with httpx.AsyncClient(timeout=MCP_TIMEOUT) as http:
        runner: Agent[Any] = Agent(
            ctx.provider,
            instructions=instructions,
            tools=await _tools(ctx, step, http),
            **model_settings(ctx, node),
        )
        context = ctx.agent_context()
        answer: list[str] = []
        async for event in _visible(ctx, node, runner.run(context, history), answer):
            if isinstance(event, ErrorEvent):
                yield event
                yield Stop("the model failed")
                return
            yield event
    value = {"output_text": "".join(answer), "output_parsed": None}
    if context.client_tool_call is not None:
        yield Suspend("client_tool")
        return
    pending = ctx.conversation.pending_call
    if pending is not None:
        ctx.conversation.pending_call = None
        prompt = await ask_approval(ctx, pending["server"], pending["tool"], pending["arguments"])
        yield prompt
        call = {"input": step.input, "call": pending}
        yield Suspend("tool_approval", prompt.item.id, resume_input=call)
        return
    yield Continue(value)


async def _tools(
    ctx: RunContext, step: Step[AgentNode], http: httpx.AsyncClient
) -> list[FunctionTool]:
    tools: list[FunctionTool] = []
    for spec in step.node.tools:
        if isinstance(spec, ClientTool):

            async def ask_client(
                agent: AgentContext[Any], arguments: dict[str, Any], name: str = spec.name
            ) -> str:
                agent.client_tool_call = ClientToolCall(name=name, arguments=arguments)
                return "Sent to the user's client; its result follows."

            tools.append(schema_tool(spec.name, spec.description, spec.parameters, ask_client))
        elif isinstance(spec, FileSearchTool):
            tools.append(file_search_tool(ctx, spec))
        else:
            tools += await mcp_tools(ctx, step.node_id, spec, http)
    return tools


async def _visible(
    ctx: RunContext,
    node: AgentNode,
    events: AsyncIterator[ThreadStreamEvent],
    answer: list[str],
) -> AsyncIterator[ThreadStreamEvent]:
    """The agent's events the user may see (and its errors); its text goes to ``answer``."""
    async for event in events:
        if isinstance(event, ErrorEvent):
            yield event
            return
        item = getattr(event, "item", None)
        if isinstance(event, ThreadItemDoneEvent) and isinstance(item, AssistantMessageItem):
            answer.append(_message_text(item))
            if not node.writes_to_history:
                ctx.conversation.hidden_ids.add(item.id)
            elif not node.user_visible:
                ctx.conversation.model_only.append(
                    {
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": _message_text(item)}],
                    }
                )
        if (
            node.user_visible
            or isinstance(event, ProgressUpdateEvent)
            or isinstance(item, ClientToolCallItem)
        ):
            yield event


async def _structured(
    ctx: RunContext, step: Step[AgentNode], instructions: str, history: list[Any]
) -> HandlerEvents:
    node, output = step.node, step.node.output
    schema: dict[str, Any] = (
        output.schema_
        if isinstance(output, JsonSchemaOutput)
        else (output.data_schema or {"type": "object"})  # type: ignore[union-attr]
    )
    try:
        value, raw = await ask_json(
            ctx.provider,
            instructions=instructions,
            messages=list(to_chat_messages(history)),
            schema=schema,
            **model_settings(ctx, node),
        )
    except StructuredOutputError as error:
        raise WorkflowRunError(
            f"Workflow node '{step.node_id}' did not get valid JSON: {error}"
        ) from None
    result = {"output_text": raw, "output_parsed": value}
    if node.user_visible:
        item: Any
        if isinstance(output, WidgetOutput):
            template = compile_template(output.template or "")
            data = value if isinstance(value, dict) else {"value": value}
            try:
                widget = await off_loop(lambda: render_widget(template, data))
            except (TemplateError, OverBudget) as error:
                raise WorkflowRunError(
                    f"Workflow node '{step.node_id}' could not render its widget: {error}"
                ) from None
            item = WidgetItem(
                id=ctx.new_id("message"),
                thread_id=ctx.thread.id,
                created_at=datetime.now(),
                widget=widget,
            )
        else:
            item = AssistantMessageItem(
                id=ctx.new_id("message"),
                thread_id=ctx.thread.id,
                created_at=datetime.now(),
                content=[AssistantMessageContent(text=raw.strip())],
            )
        if not node.writes_to_history:
            ctx.conversation.hidden_ids.add(item.id)
        yield ThreadItemDoneEvent(item=item)
    yield Continue(result)
