"""MCP tools on an agent: a small MCP server (Streamable HTTP, JSON and SSE answers)
under uvicorn; the model calls its tool and reads the result."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chatloom.agents.providers.scripted import CallTool, Say, ScriptedEndpoint
from chatloom.hosted.workflow.loader import WorkflowError, parse_text, parse_workflow

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
        self.authorization: list[str | None] = []

    async def endpoint(self, request: Request) -> Response:
        message = await request.json()
        self.sessions.append(request.headers.get("mcp-session-id"))
        self.authorization.append(request.headers.get("authorization"))
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


# --- the MCP node: one call, approved by the user in the thread -------------------------

NODE = """
id: wf_mcp_node
start: lookup
nodes:
  lookup:
    type: mcp
    server_label: shop
    server_url: "{url}"
    headers: {{Authorization: "Bearer ${{CHATLOOM_MCP_SHOP_TOKEN}}"}}
    allowed_tools: [order_status, cancel_order]
    tool: "'order_status'"
    arguments: '{{"order": workflow.input_as_text}}'
    require_approval: {approval}
    next: {{on_result: tell, on_reject: refused}}
  tell: {{type: agent, instructions: "Result: {{{{ input.output_text }}}}"}}
  refused: {{type: agent, instructions: "Refused {{{{ input.tool }}}}"}}
"""


def action(thread_id: str, item_id: str, decision: str) -> dict[str, Any]:
    payload = {"type": "chatloom.approval", "payload": {"decision": decision}}
    params = {"thread_id": thread_id, "item_id": item_id, "action": payload}
    return {"type": "threads.custom_action", "params": params}


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CHATLOOM_MCP_SHOP_TOKEN", "tok-from-env")
    return "Bearer tok-from-env"


def test_the_mcp_node_asks_the_user_then_calls_across_two_requests(
    hosted: Hosted, endpoint: ScriptedEndpoint, mcp: tuple[McpServer, str], token: str
) -> None:
    server, url = mcp
    workflow_id = hosted.publish(NODE.format(url=url, approval="always"))
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    first = hosted.events(secret, create("7"))
    [card] = done_items(first, "widget")
    assert (
        card["widget"]["children"][0]["value"]
        == 'Allow shop to run order_status with {"order": "7"}?'
    )
    assert card["widget"]["confirm"]["label"] == "Allow"
    assert server.calls == [] and endpoint.exchanges == []  # nothing ran before the answer

    endpoint.script([Say("It ships tomorrow.")])
    thread_id = next(e["thread"]["id"] for e in first if e["type"] == "thread.created")
    second = hosted.events(secret, action(thread_id, card["id"], "approve"))
    replaced = [e for e in second if e["type"] == "thread.item.replaced"]
    assert replaced[0]["item"]["widget"]["children"][1]["value"] == "Allow ✓"
    assert server.calls == [{"name": "order_status", "arguments": {"order": "7"}}]
    assert set(server.authorization) == {token}  # from the environment, not the file
    assert (
        endpoint.exchanges[-1].body["messages"][0]["content"] == "Result: Order 7 ships tomorrow."
    )
    # The card was answered: it cannot be answered again.
    again = hosted.events(secret, action(thread_id, card["id"], "approve"))
    assert [e for e in again if e["type"] == "error"]
    assert len(server.calls) == 1


def test_a_denied_call_is_never_made(
    hosted: Hosted, endpoint: ScriptedEndpoint, mcp: tuple[McpServer, str], token: str
) -> None:
    server, url = mcp
    workflow_id = hosted.publish(NODE.format(url=url, approval="always"))
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    first = hosted.events(secret, create("7"))
    [card] = done_items(first, "widget")
    thread_id = next(e["thread"]["id"] for e in first if e["type"] == "thread.created")
    endpoint.script([Say("Okay, not looking it up.")])
    hosted.events(secret, action(thread_id, card["id"], "reject"))
    assert server.calls == []
    assert endpoint.exchanges[-1].body["messages"][0]["content"] == "Refused order_status"


def test_approval_per_tool(
    hosted: Hosted, endpoint: ScriptedEndpoint, mcp: tuple[McpServer, str], token: str
) -> None:
    server, url = mcp
    rule = "{never: {tool_names: [order_status]}, always: {tool_names: [cancel_order]}}"
    workflow_id = hosted.publish(NODE.format(url=url, approval=rule))
    endpoint.script([Say("Ships tomorrow.")])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    events = hosted.events(secret, create("7"))
    assert done_items(events, "widget") == []  # order_status needs no approval
    assert server.calls == [{"name": "order_status", "arguments": {"order": "7"}}]


def test_a_missing_credential_setting_is_an_error_event(
    hosted: Hosted, endpoint: ScriptedEndpoint, mcp: tuple[McpServer, str]
) -> None:
    server, url = mcp
    workflow_id = hosted.publish(NODE.format(url=url, approval="never"))
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    events = hosted.events(secret, create("7"))
    [error] = [e for e in events if e["type"] == "error"]
    assert "set CHATLOOM_MCP_SHOP_TOKEN on the server" in error["message"]
    assert server.calls == []


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ('{Authorization: "Bearer sk-live-123"}', "carries a credential"),
        ('{X-Api-Key: "abc"}', "carries a credential"),
        ('{X-Trace: "${CHATLOOM_ADMIN_KEY}"}', "only CHATLOOM_MCP_* variables"),
    ],
)
def test_secrets_in_clear_are_refused_at_load(headers: str, problem: str) -> None:
    text = f"""
id: wf_leak
start: a
nodes:
  a:
    type: agent
    tools: [{{type: mcp, server_label: s, server_url: "http://127.0.0.1:9/mcp", headers: {headers}}}]
"""
    with pytest.raises(WorkflowError, match=re.escape(problem)):
        parse_workflow(parse_text(text, ".yaml"))


AGENT_APPROVAL = """
id: wf_mcp_gate
start: helper
nodes:
  helper:
    type: agent
    instructions: Use the shop tools.
    tools:
      - type: mcp
        server_label: shop
        server_url: "{url}"
        allowed_tools: [order_status]
        require_approval: always
"""


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_an_agents_mcp_call_waits_for_the_users_approval(
    hosted: Hosted, endpoint: ScriptedEndpoint, mcp: tuple[McpServer, str], decision: str
) -> None:
    server, url = mcp
    workflow_id = hosted.publish(AGENT_APPROVAL.format(url=url))
    endpoint.script([CallTool("order_status", {"order": "7"})])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    first = hosted.events(secret, create("where is order 7?"))
    [card] = done_items(first, "widget")
    assert (
        card["widget"]["children"][0]["value"]
        == 'Allow shop to run order_status with {"order": "7"}?'
    )
    assert server.calls == [] and len(endpoint.exchanges) == 1  # the turn paused at the call

    endpoint.script([Say("Here is what I found.")])
    thread_id = next(e["thread"]["id"] for e in first if e["type"] == "thread.created")
    second = hosted.events(secret, action(thread_id, card["id"], decision))
    [answer] = done_items(second, "assistant_message")
    assert answer["content"][0]["text"] == "Here is what I found."
    told = [
        m["content"] for m in endpoint.exchanges[-1].body["messages"] if m["role"] == "assistant"
    ]
    if decision == "approve":
        assert server.calls == [{"name": "order_status", "arguments": {"order": "7"}}]
        assert told[-1].endswith("Its result: Order 7 ships tomorrow.")
    else:
        assert server.calls == []
        assert (
            told[-1]
            == 'The user denied the call shop: order_status with {"order": "7"}; it was not made.'
        )


# --- against the official MCP Python SDK's server (Streamable HTTP), on loopback -------


@pytest.fixture
def sdk_server() -> Iterator[tuple[list[str], str]]:
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("warehouse")
    asked: list[str] = []

    @server.tool()
    def stock_level(sku: str) -> str:
        """How many items of a SKU are in stock."""
        asked.append(sku)
        return f"{sku}: 12 in stock"

    with serve(server.streamable_http_app(), lifespan="on") as url:
        yield asked, url + "/mcp"


def test_the_mcp_node_and_an_agent_against_the_official_sdk_server(
    hosted: Hosted, endpoint: ScriptedEndpoint, sdk_server: tuple[list[str], str]
) -> None:
    asked, url = sdk_server
    workflow_id = hosted.publish(
        f"""
id: wf_sdk
start: lookup
nodes:
  lookup:
    type: mcp
    server_label: warehouse
    server_url: "{url}"
    tool: "'stock_level'"
    arguments: '{{"sku": workflow.input_as_text}}'
    require_approval: never
    next: {{on_result: helper}}
  helper:
    type: agent
    instructions: "Node said: {{{{ input.output_text }}}}"
    tools: [{{type: mcp, server_label: warehouse, server_url: "{url}"}}]
"""
    )
    endpoint.script([CallTool("stock_level", {"sku": "B-2"})], [Say("Both are in stock.")])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    events = hosted.events(secret, create("A-1"))
    assert asked == ["A-1", "B-2"]  # the node's call, then the agent's
    assert system_prompt_of(endpoint) == "Node said: A-1: 12 in stock"
    offered = [tool["function"] for tool in endpoint.exchanges[0].body["tools"]]
    assert offered[0]["name"] == "stock_level"
    assert offered[0]["parameters"]["required"] == ["sku"]
    tool_message = next(m for m in endpoint.exchanges[1].body["messages"] if m["role"] == "tool")
    assert tool_message["content"] == "B-2: 12 in stock"
    assert done_items(events, "assistant_message")[0]["content"][0]["text"] == "Both are in stock."


def system_prompt_of(endpoint: ScriptedEndpoint) -> str:
    return str(endpoint.exchanges[0].body["messages"][0]["content"])
