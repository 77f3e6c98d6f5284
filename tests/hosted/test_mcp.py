"""MCP tools on an agent: a small MCP server (Streamable HTTP, JSON and SSE answers)
under uvicorn; the model calls its tool and reads the result."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from chatloom.agents.providers.scripted import CallTool, Say, ScriptedEndpoint

from ..live_server import serve
from .conftest import Hosted, create, done_items

TOOLS = [
    {
        "name": "order_status",
        "description": "Look up an order",
        "inputSchema": {
            "type": "object",
            "properties": {"order": {"type": "string"}},
            "required": ["order"],
        },
    },
    {
        "name": "delete_everything",
        "description": "Never offered",
        "inputSchema": {"type": "object"},
    },
]


class McpServer:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.sessions: list[str | None] = []

    async def endpoint(self, request: Request) -> Response:
        message = await request.json()
        self.sessions.append(request.headers.get("mcp-session-id"))
        method, message_id = message.get("method"), message.get("id")
        if message_id is None:
            return Response(status_code=202)  # a notification
        if method == "initialize":
            result: dict[str, Any] = {
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "shop", "version": "1"},
            }
            return JSONResponse(
                {"jsonrpc": "2.0", "id": message_id, "result": result},
                headers={"Mcp-Session-Id": "s-42"},
            )
        if method == "tools/list":
            return JSONResponse({"jsonrpc": "2.0", "id": message_id, "result": {"tools": TOOLS}})
        if method == "tools/call":
            self.calls.append(message["params"])
            result = {
                "content": [{"type": "text", "text": "Order 7 ships tomorrow."}],
                "isError": False,
            }
            # Answer as a short SSE stream, which the transport allows.
            frame = json.dumps({"jsonrpc": "2.0", "id": message_id, "result": result})
            return Response(f"event: message\ndata: {frame}\n\n", media_type="text/event-stream")
        return JSONResponse(
            {"jsonrpc": "2.0", "id": message_id, "error": {"code": -32601, "message": "no"}}
        )


@pytest.fixture
def mcp() -> Iterator[tuple[McpServer, str]]:
    server = McpServer()
    with serve(Starlette(routes=[Route("/mcp", server.endpoint, methods=["POST"])])) as url:
        yield server, url + "/mcp"


def test_an_agent_calls_an_mcp_tool(
    hosted: Hosted, endpoint: ScriptedEndpoint, mcp: tuple[McpServer, str]
) -> None:
    server, url = mcp
    workflow_id = hosted.publish(
        f"""
id: wf_mcp
start: helper
nodes:
  helper:
    type: agent
    instructions: Use the shop tools.
    tools:
      - {{type: mcp, server_label: shop, server_url: "{url}", allowed_tools: [order_status]}}
"""
    )
    endpoint.script([CallTool("order_status", {"order": "7"})], [Say("It ships tomorrow.")])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    events = hosted.events(secret, create("where is order 7?"))
    offered = [tool["function"]["name"] for tool in endpoint.exchanges[0].body["tools"]]
    assert offered == ["order_status"]  # allowed_tools filters what the model sees
    assert server.calls == [{"name": "order_status", "arguments": {"order": "7"}}]
    assert server.sessions[-1] == "s-42"  # the session id the server handed out is sent back
    tool_message = next(m for m in endpoint.exchanges[1].body["messages"] if m["role"] == "tool")
    assert tool_message["content"] == "Order 7 ships tomorrow."
    [answer] = done_items(events, "assistant_message")
    assert answer["content"][0]["text"] == "It ships tomorrow."
    tasks = [
        e for e in events if e["type"] == "thread.item.done" and e["item"]["type"] == "workflow"
    ]
    assert tasks and tasks[0]["item"]["workflow"]["tasks"][0]["title"] == "shop: order_status"


def test_an_unreachable_mcp_server_is_an_error_event(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    workflow_id = hosted.publish(
        """
id: wf_mcp_down
start: helper
nodes:
  helper:
    type: agent
    tools: [{type: mcp, server_label: gone, server_url: "http://127.0.0.1:9/mcp"}]
"""
    )
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    events = hosted.events(secret, create("hello"))
    errors = [e for e in events if e["type"] == "error"]
    assert errors and "gone is unreachable" in errors[0]["message"]
    assert endpoint.exchanges == []


class PickyMcpServer:
    """An MCP server that pages its tool list, forgets sessions, answers in raw UTF-8
    SSE (U+2028 included) and can be told to answer with far too much."""

    def __init__(self) -> None:
        self.generation = 0
        self.initialized = 0
        self.huge = False
        self.drip = False

    async def endpoint(self, request: Request) -> Response:
        message = await request.json()
        method, message_id = message.get("method"), message.get("id")
        session = request.headers.get("mcp-session-id")
        if method == "initialize":
            self.initialized += 1
            self.generation += 1
            return JSONResponse(
                {"jsonrpc": "2.0", "id": message_id, "result": {"protocolVersion": "2025-06-18"}},
                headers={"Mcp-Session-Id": f"gen-{self.generation}"},
            )
        if session != f"gen-{self.generation}":
            return Response(status_code=404)
        if message_id is None:
            return Response(status_code=202)
        if method == "tools/list":
            cursor = (message.get("params") or {}).get("cursor")
            page = {None: 0, "p2": 1, "p3": 2}[cursor]
            tool = {"name": f"tool_{page}", "inputSchema": {"type": "object"}}
            result: dict[str, Any] = {"tools": [tool]}
            if page < 2:
                result["nextCursor"] = f"p{page + 2}"
            return JSONResponse({"jsonrpc": "2.0", "id": message_id, "result": result})
        if self.drip:
            return StreamingResponse(_drip(), media_type="text/event-stream")
        text = "x" * (5 * 1024 * 1024) if self.huge else "line\u2028separated\u2029answer"
        answer = {"content": [{"type": "text", "text": text}]}
        frame = json.dumps(
            {"jsonrpc": "2.0", "id": message_id, "result": answer}, ensure_ascii=False
        )
        return Response(f"data: {frame}\n\n".encode(), media_type="text/event-stream")


async def _drip() -> AsyncIterator[bytes]:
    while True:  # a comment line now and then: every read succeeds, no answer comes
        yield b": still thinking\n"
        await asyncio.sleep(0.05)


@pytest.fixture
def picky() -> Iterator[tuple[PickyMcpServer, str]]:
    server = PickyMcpServer()
    with serve(Starlette(routes=[Route("/mcp", server.endpoint, methods=["POST"])])) as url:
        yield server, url + "/mcp"


def _session(url: str, client: Any) -> Any:
    from chatloom.hosted.engine.mcp import McpSession
    from chatloom.hosted.workflow.model import McpTool

    return McpSession(McpTool(type="mcp", server_label="picky", server_url=url), client)


async def test_tools_on_every_page_are_listed(picky: tuple[PickyMcpServer, str]) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        tools = await _session(picky[1], client).start()
    assert [tool["name"] for tool in tools] == ["tool_0", "tool_1", "tool_2"]


async def test_a_forgotten_session_is_started_again(picky: tuple[PickyMcpServer, str]) -> None:
    import httpx

    server, url = picky
    async with httpx.AsyncClient() as client:
        session = _session(url, client)
        await session.start()
        server.generation += 1  # the server restarted and forgot gen-1
        answer = await session.call("tool_0", {})
    assert answer == "line\u2028separated\u2029answer"  # U+2028 inside SSE data is text
    assert server.initialized == 2 and session.session_id == f"gen-{server.generation}"


async def test_an_oversized_answer_is_an_error_not_a_memory_sink(
    picky: tuple[PickyMcpServer, str],
) -> None:
    import httpx

    from chatloom.hosted.engine.mcp import McpError

    server, url = picky
    async with httpx.AsyncClient() as client:
        session = _session(url, client)
        await session.start()
        server.huge = True
        with pytest.raises(McpError, match="answer over"):
            await session.call("tool_0", {})


async def test_an_answer_that_never_completes_times_out(
    picky: tuple[PickyMcpServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from chatloom.hosted.engine import mcp

    server, url = picky
    monkeypatch.setattr(mcp, "MAX_REQUEST_SECONDS", 0.5)
    async with httpx.AsyncClient() as client:
        session = _session(url, client)
        await session.start()
        server.drip = True
        with pytest.raises(mcp.McpError, match=r"did not answer within 0\.5 seconds"):
            await session.call("tool_0", {})
