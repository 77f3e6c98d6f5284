"""MCP servers' tools for agents (the transport is :mod:`..mcp`)."""

from __future__ import annotations

from typing import Any

import httpx

from ....agents import AgentContext, FunctionTool
from ...workflow.model import McpTool
from ..context import WorkflowRunError
from ..mcp import McpError, McpSession
from .tools import schema_tool


async def mcp_tools(node_id: str, spec: McpTool, http: httpx.AsyncClient) -> list[FunctionTool]:
    session = McpSession(spec, http)
    try:
        listed = await session.start()
    except McpError as error:
        raise WorkflowRunError(f"Workflow node '{node_id}': {error}") from None

    def make(tool: dict[str, Any]) -> FunctionTool:
        async def call(agent: AgentContext[Any], arguments: dict[str, Any]) -> str:
            return await session.call(tool["name"], arguments)

        schema = tool.get("inputSchema")
        return schema_tool(
            str(tool["name"]),
            str(tool.get("description") or ""),
            schema if isinstance(schema, dict) else {"type": "object"},
            call,
            title=f"{spec.server_label}: {tool['name']}",
            icon="bolt",
        )

    return [make(tool) for tool in listed]
