"""File search over the workflow's local document stores: the node, and the agent tool."""

from __future__ import annotations

from typing import Any

from ....agents import AgentContext, FunctionTool, ToolResult
from ....types import FileSource, ProgressUpdateEvent
from ...workflow.model import FileSearchNode, FileSearchTool
from ..context import RunContext
from ..outcomes import Continue, HandlerEvents, Step
from .tools import schema_tool


async def file_search(ctx: RunContext, step: Step[FileSearchNode]) -> HandlerEvents:
    query = await ctx.evaluate(step, "query", step.node.query)
    yield ProgressUpdateEvent(icon="search", text="Searching documents…")
    results = await ctx.search(step.node.store, str(query), step.node.max_results)
    yield Continue({"results": [r.as_output() for r in results]})


def file_search_tool(ctx: RunContext, spec: FileSearchTool) -> FunctionTool:
    async def search(agent: AgentContext[Any], arguments: dict[str, Any]) -> ToolResult:
        query = str(arguments.get("query", ""))
        results = await ctx.search(spec.store, query, spec.max_results)
        return ToolResult(
            output=[r.as_output() for r in results],
            sources=[FileSource(title=r.filename, filename=r.filename) for r in results],
            summary=f"{len(results)} result(s) for “{query}”",
        )

    return schema_tool(
        "file_search",
        f"Search the '{spec.store}' documents. Returns the passages that match best.",
        {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "What to look for"}},
            "required": ["query"],
        },
        search,
        title="Searched documents",
        icon="search",
        progress="Searching documents…",
    )
