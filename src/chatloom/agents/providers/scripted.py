"""A scripted OpenAI-compatible endpoint, for testing agents without a model.

:class:`ScriptedEndpoint` is an ASGI app serving ``POST /v1/chat/completions`` the way
OpenAI streams it (``data: {chunk}`` frames, then ``data: [DONE]``). Each request takes
the next scripted :data:`Reply`, a list of steps: text, reasoning, tool calls split
across chunks, pauses, HTTP errors and malformed data. It records every request body,
when each chunk left, and when a client dropped a stream early, so tests can check
what the agent sent and that a stopped turn closed the connection.

Run it under uvicorn and point :class:`OpenAICompatibleProvider` at it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Receive, Scope, Send


@dataclass(frozen=True)
class Say:
    """Stream ``text`` as content deltas of about ``chunk_size`` characters."""

    text: str
    chunk_size: int = 4


@dataclass(frozen=True)
class Think:
    """Stream ``text`` as reasoning deltas (``field`` is the delta key servers use)."""

    text: str
    field: str = "reasoning_content"
    chunk_size: int = 8


@dataclass(frozen=True)
class CallTool:
    """A tool call whose arguments arrive split across ``pieces`` chunks."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    call_id: str = "call_1"
    pieces: int = 3


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Fail:
    """Answer with an HTTP error instead of a stream (must be the only step)."""

    status: int
    message: str


@dataclass(frozen=True)
class Raw:
    """Send ``data`` as one SSE data line, as is (e.g. something that is not JSON)."""

    data: str


Step = Say | Think | CallTool | Pause | Fail | Raw
Reply = list[Step]


@dataclass
class Exchange:
    """One request as the endpoint saw it."""

    body: dict[str, Any]
    chunk_times: list[float] = field(default_factory=list)
    """``perf_counter()`` just before each data frame was handed to the server."""
    disconnected_at: float | None = None
    """``perf_counter()`` when the client dropped the connection before the end."""
    finished: bool = False


class ScriptedEndpoint:
    """An OpenAI-compatible chat endpoint that plays back scripted replies in order."""

    def __init__(self, replies: Iterable[Reply] = (), model: str = "scripted") -> None:
        self.replies: deque[Reply] = deque(replies)
        self.model = model
        self.exchanges: list[Exchange] = []

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "POST" or not scope["path"].endswith("/chat/completions"):
            await _json(send, 404, {"error": {"message": "Not found"}})
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        exchange = Exchange(body=json.loads(raw or b"{}"))
        self.exchanges.append(exchange)
        if not self.replies:
            await _json(send, 500, {"error": {"message": "No scripted reply left"}})
            return
        reply = self.replies.popleft()
        if reply and isinstance(reply[0], Fail):
            await _json(send, reply[0].status, {"error": {"message": reply[0].message}})
            return
        await self._stream(reply, exchange, receive, send)

    async def _stream(self, reply: Reply, exchange: Exchange, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            if not exchange.finished:
                exchange.disconnected_at = time.perf_counter()
            gone.set()

        watcher = asyncio.ensure_future(watch())
        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        try:
            chunks = _Chunks(self.model)
            for data in _frames(reply, chunks):
                if isinstance(data, Pause):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(gone.wait(), data.seconds)
                if gone.is_set():
                    return
                if isinstance(data, str):
                    exchange.chunk_times.append(time.perf_counter())
                    frame = f"data: {data}\n\n".encode()
                    await send({"type": "http.response.body", "body": frame, "more_body": True})
            exchange.finished = True
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            watcher.cancel()


class _Chunks:
    """Builds ``chat.completion.chunk`` JSON the way OpenAI lays it out."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.created = int(time.time())

    def make(self, delta: dict[str, Any], finish: str | None = None) -> str:
        return json.dumps(
            {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
        )


def _split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), max(size, 1))] or [""]


def _frames(reply: Reply, chunks: _Chunks) -> Iterable[str | Pause]:
    yield chunks.make({"role": "assistant", "content": ""})
    calls = 0
    for step in reply:
        if isinstance(step, Say):
            for piece in _split(step.text, step.chunk_size):
                yield chunks.make({"content": piece})
        elif isinstance(step, Think):
            for piece in _split(step.text, step.chunk_size):
                yield chunks.make({step.field: piece})
        elif isinstance(step, CallTool):
            arguments = step.arguments
            if not isinstance(arguments, str):
                arguments = json.dumps(arguments)
            head = {"index": calls, "id": step.call_id, "type": "function"}
            yield chunks.make(
                {"tool_calls": [{**head, "function": {"name": step.name, "arguments": ""}}]}
            )
            size = -(-len(arguments) // step.pieces) if arguments else 1
            for piece in _split(arguments, size):
                yield chunks.make(
                    {"tool_calls": [{"index": calls, "function": {"arguments": piece}}]}
                )
            calls += 1
        elif isinstance(step, Pause):
            yield step
        elif isinstance(step, Raw):
            yield step.data
    yield chunks.make({}, "tool_calls" if calls else "stop")
    yield "[DONE]"


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


__all__ = [
    "CallTool",
    "Exchange",
    "Fail",
    "Pause",
    "Raw",
    "Reply",
    "Say",
    "ScriptedEndpoint",
    "Step",
    "Think",
]
