"""A small MCP client (Streamable HTTP transport) for the tools of a workflow's agents.

Per run: ``initialize``, ``tools/list`` (filtered by ``allowed_tools``), then a
``tools/call`` per model call. Answers may be JSON or a short SSE stream, as the
transport allows; the ``Mcp-Session-Id`` a server hands out is sent back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from ...sse import EventDataReader
from ...version import __version__
from ..workflow.model import McpTool

PROTOCOL_VERSION = "2025-06-18"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_RESULT_CHARS = 20_000


class McpError(Exception):
    """The MCP server could not be reached, or answered with an error."""


@dataclass
class McpSession:
    spec: McpTool
    client: httpx.AsyncClient
    session_id: str | None = None
    next_id: int = field(default=1)

    async def _post(self, message: dict[str, Any]) -> httpx.Response:
        headers = {
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            "MCP-Protocol-Version": PROTOCOL_VERSION,
            **self.spec.headers,
        }
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
        try:
            response = await self.client.post(self.spec.server_url, json=message, headers=headers)
        except httpx.HTTPError as error:
            raise McpError(f"MCP server {self.spec.server_label} is unreachable: {error}") from None
        if response.status_code >= 400:
            raise McpError(
                f"MCP server {self.spec.server_label} answered HTTP {response.status_code}"
            )
        self.session_id = response.headers.get("mcp-session-id", self.session_id)
        return response

    async def request(self, method: str, params: dict[str, Any]) -> Any:
        message_id = self.next_id
        self.next_id += 1
        response = await self._post(
            {"jsonrpc": "2.0", "id": message_id, "method": method, "params": params}
        )
        for message in _messages(response):
            if message.get("id") != message_id:
                continue  # a notification or request from the server: not needed here
            if "error" in message:
                error = message["error"]
                detail = error.get("message") if isinstance(error, dict) else error
                raise McpError(f"MCP server {self.spec.server_label}: {detail}")
            return message.get("result")
        raise McpError(f"MCP server {self.spec.server_label} sent no answer to {method}")

    async def start(self) -> list[dict[str, Any]]:
        """Initialize and list the tools the workflow allows."""
        await self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "chatloom", "version": __version__},
            },
        )
        await self._post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        result = await self.request("tools/list", {})
        tools = [
            t for t in (result or {}).get("tools", []) if isinstance(t, dict) and t.get("name")
        ]
        allowed = self.spec.allowed_tools
        return [t for t in tools if allowed is None or t["name"] in allowed]

    async def call(self, name: str, arguments: dict[str, Any]) -> str:
        result = await self.request("tools/call", {"name": name, "arguments": arguments}) or {}
        parts = []
        for part in result.get("content") or []:
            if isinstance(part, dict) and part.get("type") == "text":
                parts.append(str(part.get("text", "")))
            elif isinstance(part, dict):
                parts.append(json.dumps(part))
        if not parts and "structuredContent" in result:
            parts.append(json.dumps(result["structuredContent"]))
        text = "\n".join(parts)[:MAX_RESULT_CHARS]
        return json.dumps({"error": text}) if result.get("isError") else text


def _messages(response: httpx.Response) -> list[dict[str, Any]]:
    """The JSON-RPC messages of an answer: a JSON body, or the data lines of an SSE one."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        reader = EventDataReader()
        found = []
        for line in [*response.text.splitlines(), ""]:
            data = reader.feed(line)
            if data is None:
                continue
            try:
                found.append(json.loads(data))
            except ValueError:
                continue
        return [m for m in found if isinstance(m, dict)]
    try:
        body = response.json()
    except ValueError:
        raise McpError("The MCP server sent something that is not JSON") from None
    batch = body if isinstance(body, list) else [body]
    return [m for m in batch if isinstance(m, dict)]


__all__ = ["McpError", "McpSession"]
