"""``Runner.run`` for exported code: each SDK agent run is served by chatloom's runtime.

The SDK ``Agent`` is read, not run: its name, instructions (a string, or a callable
given ``RunContextWrapper(context)`` as the SDK would call it), model (through the
workflow's ``models:``), model settings (temperature, top_p, max_tokens, reasoning
effort), output type and tools. A text agent is a :class:`chatloom.agents.Agent` turn on
the app's provider, streamed into the thread as it comes (tool calls and reasoning as
workflow tasks); an agent with an ``output_type`` gets one JSON answer (the engine's
``ask_json``, validated against the type's schema), shown as a message when complete.

Tools: ``FunctionTool`` runs the program's own function (through ``on_invoke_tool``,
as the SDK does); ``FileSearchTool`` searches the workflow's document store of that
vector store id; ``HostedMCPTool`` reaches the MCP server through chatloom's client
(``require_approval: never`` only). Other hosted tools (web search, code interpreter,
image generation, computer use…) are left out with a warning in the log.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from agents.tool_context import ToolContext
from pydantic import ValidationError

from agents import Agent as SdkAgent
from agents import FileSearchTool, FunctionTool, HostedMCPTool, RunContextWrapper

from ...agents import Agent, AgentContext
from ...agents import FunctionTool as ChatloomTool
from ...agents.chat_format import to_chat_messages
from ...agents.converter import InputItem
from ...logger import logger
from ...types import AssistantMessageContent, AssistantMessageItem, ErrorEvent, ThreadItemDoneEvent
from ..engine.context import WorkflowRunError
from ..engine.mcp import TIMEOUT as MCP_TIMEOUT
from ..engine.nodes.mcp import mcp_tools
from ..engine.nodes.search import file_search_tool
from ..engine.nodes.tools import schema_tool
from ..engine.structured import StructuredOutputError, ask_json
from ..workflow import model as wf
from .results import AgentAnswer, CodeRunResult, output_schema, run_result
from .session import CodeSession, Stopped, current, problems

DEFAULT_INSTRUCTIONS = "You are a helpful assistant."


class CodeRunner:
    """Stands in for ``agents.Runner`` in the program's namespace."""

    @classmethod
    async def run(
        cls, starting_agent: SdkAgent[Any], input: str | list[Any], **options: Any
    ) -> CodeRunResult:
        session = current("Runner.run")
        recorded = session.journal.replay("agent", starting_agent.name)
        if recorded is not None:
            return run_result(starting_agent, input, AgentAnswer.from_json(recorded.value))
        session.count_step()
        with session.traced(starting_agent.name, "agent", {"input": _items(input)}) as out:
            answer = await _serve(session, starting_agent, input, options.get("context"))
            out["output"] = answer.structured or (answer.messages[-1] if answer.messages else "")
        session.journal.record("agent", starting_agent.name, answer.to_json())
        return run_result(starting_agent, input, answer)

    @classmethod
    def run_streamed(cls, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "Runner.run_streamed is not supported in chatloom code workflows: use Runner.run "
            "(its reply streams into the thread anyway)"
        )

    @classmethod
    def run_sync(cls, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Runner.run_sync is not supported: await Runner.run")


def _items(input: str | list[Any]) -> list[InputItem]:
    if isinstance(input, str):
        return [{"type": "message", "role": "user", "content": input}]
    items: list[InputItem] = []
    for item in input:
        if isinstance(item, Mapping):
            items.append(json.loads(json.dumps(dict(item), default=str)))
        elif hasattr(item, "model_dump"):
            items.append(item.model_dump(mode="json", exclude_unset=True))
        else:
            raise WorkflowRunError(f"Runner.run: an input item chatloom cannot read: {item!r}")
    return items


def _settings(session: CodeSession, agent: SdkAgent[Any]) -> dict[str, Any]:
    settings = agent.model_settings
    reasoning = settings.reasoning
    return {
        "model": session.model_for(agent.name, agent.model),
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
        "top_p": settings.top_p,
        "reasoning_effort": reasoning.effort if reasoning is not None else None,
    }


async def _serve(
    session: CodeSession, agent: SdkAgent[Any], input: str | list[Any], context: Any
) -> AgentAnswer:
    ctx = session.ctx
    unsupported = [
        what
        for what, present in (
            ("handoffs", agent.handoffs),
            ("input_guardrails", agent.input_guardrails),
            ("output_guardrails", agent.output_guardrails),
        )
        if present
    ]
    if unsupported:  # running the agent without them would change what it does
        raise WorkflowRunError(
            f"Agent '{agent.name}': {', '.join(unsupported)} are not supported in code workflows"
        )
    wrapper = RunContextWrapper(context=context)
    instructions = await agent.get_system_prompt(wrapper) or DEFAULT_INSTRUCTIONS
    # Earlier turns masked as this run's PII checks chose (as the engine's agents see
    # them); this turn's input is the program's to scrub, as its guardrails code does.
    earlier = await ctx.conversation.redact_items(session.earlier)
    history = [*earlier, *_items(input)]
    schema = output_schema(agent)
    if schema is not None and not schema.is_plain_text():
        try:
            value, raw = await ask_json(
                ctx.provider,
                instructions=instructions,
                messages=list(to_chat_messages(history)),
                schema=schema.json_schema(),
                **_settings(session, agent),
            )
        except StructuredOutputError as error:
            raise WorkflowRunError(
                f"Agent '{agent.name}' did not get valid JSON: {error}"
            ) from None
        session.emit(_message(session, raw.strip()))
        return AgentAnswer([raw.strip()], json.dumps(value, ensure_ascii=False))
    async with httpx.AsyncClient(timeout=MCP_TIMEOUT) as http:
        runner: Agent[Any] = Agent(
            ctx.provider,
            instructions=instructions,
            tools=await _tools(session, agent, wrapper, http),
            **_settings(session, agent),
        )
        messages: list[str] = []
        async for event in runner.run(ctx.agent_context(), history):
            session.emit(event)
            if isinstance(event, ErrorEvent):
                raise Stopped(event.message)
            item = getattr(event, "item", None)
            if isinstance(event, ThreadItemDoneEvent) and isinstance(item, AssistantMessageItem):
                messages.append("".join(part.text for part in item.content))
    return AgentAnswer(messages)


def _message(session: CodeSession, text: str) -> ThreadItemDoneEvent:
    ctx = session.ctx
    item = AssistantMessageItem(
        id=ctx.new_id("message"),
        thread_id=ctx.thread.id,
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=text)],
    )
    return ThreadItemDoneEvent(item=item)


async def _tools(
    session: CodeSession,
    agent: SdkAgent[Any],
    wrapper: RunContextWrapper[Any],
    http: httpx.AsyncClient,
) -> list[ChatloomTool]:
    tools: list[ChatloomTool] = []
    for tool in agent.tools:
        if isinstance(tool, FunctionTool):
            tools.append(_function_tool(tool, wrapper))
        elif isinstance(tool, FileSearchTool):
            tools.append(_file_search(session, agent, tool))
        elif isinstance(tool, HostedMCPTool):
            spec = _mcp_server(agent, tool)
            tools += await mcp_tools(session.ctx, agent.name, spec, http)
        else:
            logger.warning(
                "Agent %r: the %s tool has no chatloom equivalent; the agent runs without it",
                agent.name,
                type(tool).__name__,
            )
    return tools


def _function_tool(tool: FunctionTool, wrapper: RunContextWrapper[Any]) -> ChatloomTool:
    """The program's function, called the way the SDK calls it."""

    async def call(agent: AgentContext[Any], arguments: dict[str, Any]) -> Any:
        raw = json.dumps(arguments)
        context = ToolContext(
            context=wrapper.context,
            tool_name=tool.name,
            tool_call_id=f"call_{uuid.uuid4().hex[:24]}",
            tool_arguments=raw,
        )
        return await tool.on_invoke_tool(context, raw)

    return schema_tool(
        tool.name, tool.description, tool.params_json_schema, call, title=tool.name, icon="bolt"
    )


def _file_search(session: CodeSession, agent: SdkAgent[Any], tool: FileSearchTool) -> ChatloomTool:
    ids = list(tool.vector_store_ids)
    if len(ids) != 1:
        raise WorkflowRunError(
            f"Agent '{agent.name}': a FileSearchTool must name one vector store (got {len(ids)})"
        )
    store = store_for(session, ids[0])
    spec = wf.FileSearchTool(type="file_search", store=store, max_results=tool.max_num_results or 5)
    return file_search_tool(session.ctx, spec)


def store_for(session: CodeSession, vector_store_id: str) -> str:
    """The workflow's document store standing in for an OpenAI vector store."""
    if vector_store_id not in session.ctx.workflow.stores:
        raise WorkflowRunError(
            f"Vector store '{vector_store_id}' is not declared under 'stores:' in the "
            "workflow file (give it a folder of documents)."
        )
    return vector_store_id


def _mcp_server(agent: SdkAgent[Any], tool: HostedMCPTool) -> wf.McpTool:
    config: dict[str, Any] = dict(tool.tool_config)
    allowed = config.get("allowed_tools")
    if isinstance(allowed, Mapping):
        allowed = allowed.get("tool_names")
    if config.get("authorization"):
        raise WorkflowRunError(
            f"Agent '{agent.name}': MCP server '{config.get('server_label')}': write its "
            "credential as a header naming a setting, e.g. headers: {'Authorization': "
            "'Bearer ${CHATLOOM_MCP_TOKEN}'}, and set that variable on the server"
        )
    approval = config.get("require_approval", "never")
    if approval != "never":
        raise WorkflowRunError(
            f"Agent '{agent.name}': MCP server '{config.get('server_label')}' asks for approval "
            "of its calls, which code workflows do not support yet (require_approval: 'never')."
        )
    try:
        return wf.McpTool(
            type="mcp",
            server_label=str(config.get("server_label")),
            server_url=str(config.get("server_url")),
            allowed_tools=list(allowed) if isinstance(allowed, list) else None,
            headers=dict(config.get("headers") or {}),
        )
    except ValidationError as error:
        raise WorkflowRunError(f"Agent '{agent.name}': MCP server: {problems(error)}") from None


__all__ = ["CodeRunner", "store_for"]
