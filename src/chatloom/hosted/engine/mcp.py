"""A small MCP client (Streamable HTTP transport) for the tools of a workflow's agents.

Per run: ``initialize``, ``tools/list`` (every page, filtered by ``allowed_tools``),
then a ``tools/call`` per model call. Answers may be JSON or an SSE stream, as the
transport allows; the ``Mcp-Session-Id`` a server hands out is sent back, and a
session the server has forgotten (HTTP 404) is started again once, as the transport
requires. The server is untrusted: answers are read up to :data:`MAX_RESPONSE_BYTES`
and for at most :data:`MAX_REQUEST_SECONDS`, listing stops after :data:`MAX_TOOL_PAGES`
pages, results are cut to :data:`MAX_RESULT_CHARS`.

Why not the official ``mcp`` SDK: it needs a task group open for the whole session
(a background reader per connection), reads answers with no size limit and leaves
both pagination and the 404 restart to the caller, so it would not remove any of
the code below.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from ...sse import EventDataReader
from ...untrusted import parse_json
from ...version import __version__
from ..workflow.model import McpTool

PROTOCOL_VERSION = "2025-06-18"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_RESULT_CHARS = 20_000
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
MAX_TOOL_PAGES = 20
MAX_REQUEST_SECONDS = 60.0


class McpError(Exception):
    """The MCP server could not be reached, or answered with an error."""


class _SessionGone(Exception):
    """HTTP 404 to a request carrying a session id: the server forgot the session."""


@dataclass
class McpSession:
    spec: McpTool
    client: httpx.AsyncClient
    session_id: str | None = None
    next_id: int = field(default=1)

    def _headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            "MCP-Protocol-Version": PROTOCOL_VERSION,
            **self.spec.headers,
        }
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
        return headers

    async def _exchange(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """Post ``message``; the answer with its id (``None`` for a notification)."""
        label = self.spec.server_label
        body = json.dumps(message).encode()
        try:
            with anyio.fail_after(MAX_REQUEST_SECONDS):  # a slow drip never times out a read
                return await self._exchange_within(message, body, label)
        except TimeoutError:
            raise McpError(
                f"MCP server {label} did not answer within {MAX_REQUEST_SECONDS:g} seconds"
            ) from None

    async def _exchange_within(
        self, message: dict[str, Any], body: bytes, label: str
    ) -> dict[str, Any] | None:
        try:
            async with self.client.stream(
                "POST", self.spec.server_url, content=body, headers=self._headers()
            ) as response:
                if response.status_code == 404 and self.session_id:
                    raise _SessionGone
                if response.status_code >= 400:
                    raise McpError(f"MCP server {label} answered HTTP {response.status_code}")
                self.session_id = response.headers.get("mcp-session-id", self.session_id)
                if "id" not in message:
                    return None
                return await _answer(response, message["id"], label)
        except httpx.HTTPError as error:
            raise McpError(f"MCP server {label} is unreachable: {error}") from None

    async def request(self, method: str, params: dict[str, Any]) -> Any:
        try:
            return await self._request(method, params)
        except _SessionGone:
            if method == "initialize":
                raise McpError(f"MCP server {self.spec.server_label} answered HTTP 404") from None
        # The server forgot the session (restarted, expired): start a new one, once.
        self.session_id = None
        await self._initialize()
        try:
            return await self._request(method, params)
        except _SessionGone:
            raise McpError(f"MCP server {self.spec.server_label} answered HTTP 404") from None

    async def _request(self, method: str, params: dict[str, Any]) -> Any:
        message_id = self.next_id
        self.next_id += 1
        answer = await self._exchange(
            {"jsonrpc": "2.0", "id": message_id, "method": method, "params": params}
        )
        if answer is None:
            raise McpError(f"MCP server {self.spec.server_label} sent no answer to {method}")
        if "error" in answer:
            error = answer["error"]
            detail = error.get("message") if isinstance(error, dict) else error
            raise McpError(f"MCP server {self.spec.server_label}: {detail}")
        return answer.get("result")

    async def _initialize(self) -> None:
        await self._request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "chatloom", "version": __version__},
            },
        )
        await self._exchange({"jsonrpc": "2.0", "method": "notifications/initialized"})

    async def start(self) -> list[dict[str, Any]]:
        """Initialize and list the tools the workflow allows (from every page)."""
        await self._initialize()
        tools: list[dict[str, Any]] = []
        params: dict[str, Any] = {}
        for _ in range(MAX_TOOL_PAGES):
            result = await self.request("tools/list", params)
            result = result if isinstance(result, dict) else {}
            tools += [t for t in result.get("tools") or [] if isinstance(t, dict) and t.get("name")]
            cursor = result.get("nextCursor")
            if not isinstance(cursor, str) or not cursor or cursor == params.get("cursor"):
                break
            params = {"cursor": cursor}
        else:
            label = self.spec.server_label
            raise McpError(f"MCP server {label} lists more than {MAX_TOOL_PAGES} pages of tools")
        allowed = self.spec.allowed_tools
        return [t for t in tools if allowed is None or t["name"] in allowed]

    async def call(self, name: str, arguments: dict[str, Any]) -> str:
        result = await self.request("tools/call", {"name": name, "arguments": arguments}) or {}
        if not isinstance(result, dict):
            result = {}
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


async def _answer(response: httpx.Response, message_id: int, label: str) -> dict[str, Any] | None:
    """The JSON-RPC message answering ``message_id``: from a JSON body, or from the
    events of an SSE stream (read only until the answer arrives)."""
    too_large = McpError(f"MCP server {label} sent an answer over {MAX_RESPONSE_BYTES} bytes")
    received = 0
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        reader = EventDataReader()
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > MAX_RESPONSE_BYTES:
                raise too_large
            for data in reader.feed_text(decoder.decode(chunk)):
                if (found := _matching(data, message_id)) is not None:
                    return found
        last = reader.end()
        return None if last is None else _matching(last, message_id)
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise too_large
    try:
        document = parse_json(body)
    except ValueError:
        raise McpError(f"MCP server {label} sent something that is not JSON") from None
    batch = document if isinstance(document, list) else [document]
    return next((m for m in batch if isinstance(m, dict) and m.get("id") == message_id), None)


def _matching(data: str, message_id: int) -> dict[str, Any] | None:
    try:
        message = parse_json(data)
    except ValueError:
        return None
    # Anything else is a notification or a request from the server: not needed here.
    return message if isinstance(message, dict) and message.get("id") == message_id else None


__all__ = ["McpError", "McpSession"]
