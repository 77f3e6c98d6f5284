"""The SSE response: frames out as they are produced, bursts coalesced, memory bounded.

A reply paced by a model (one frame every few tens of ms) and a burst (a fast model, a
replayed log) want different things: the first wants each frame written at once with
as little per-frame work as possible, the second wants many frames in one write. The
writer tells them apart without timers: a frame that arrives after the producing task
waited on the event loop is written at once, from that task; frames that arrive back
to back are buffered and written together, at the latest ``max_delay`` after the first
of them, or as soon as the producer waits.

Backpressure: the producer writes inline, so a client that stops reading stops the
producer once the server's socket buffer is full (uvicorn pauses at 64 KiB); frames
buffered behind a write in flight are bounded by ``max_buffer`` bytes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

DEFAULT_MAX_DELAY = 0.001
DEFAULT_MAX_BUFFER = 256 * 1024


class FrameWriter:
    """Writes SSE frames to an ASGI ``send``: inline when they come one at a time,
    joined when they come in a burst. One producer task calls :meth:`write`."""

    def __init__(self, send: Send, max_delay: float, max_buffer: int) -> None:
        self._send = send
        self._loop = asyncio.get_running_loop()
        self._max_delay = max_delay
        self._max_buffer = max_buffer
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._oldest = 0.0
        # True once the producer has waited on the loop since its last frame: the
        # next frame is not part of a burst.
        self._waited = True
        self._watching = False
        self._writing = False
        self._flusher: asyncio.Task[None] | None = None
        self._drained: asyncio.Future[None] | None = None

    async def write(self, frame: bytes) -> None:
        if self._waited and not self._writing and not self._pending:
            self._writing = True
            try:
                await self._body(frame)
            finally:
                self._writing = False
        else:
            if not self._pending:
                self._oldest = time.monotonic()
            self._pending.append(frame)
            self._pending_bytes += len(frame)
            if self._writing:
                # A flush is in flight (the client reads slowly): wait for room.
                while self._writing and self._pending_bytes > self._max_buffer:
                    self._drained = self._loop.create_future()
                    await self._drained
            elif time.monotonic() - self._oldest >= self._max_delay:
                await self._flush()
        self._waited = False
        if not self._watching:
            # Runs at the loop's next turn, which comes only when the producer waits.
            self._watching = True
            self._loop.call_soon(self._producer_waited)

    async def close(self) -> None:
        """Write what is buffered and end the body."""
        if self._flusher is not None:
            await self._flusher
        await self._flush()
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})

    def cancel(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()

    def _producer_waited(self) -> None:
        self._watching = False
        self._waited = True
        if self._pending and not self._writing:
            # Frames of a burst that ended while the producer waits for more: out now.
            self._flusher = self._loop.create_task(self._flush())

    async def _flush(self) -> None:
        self._writing = True
        try:
            while self._pending:
                body = b"".join(self._pending)
                self._pending.clear()
                self._pending_bytes = 0
                await self._body(body)
                if self._drained is not None:
                    self._drained.set_result(None)
                    self._drained = None
        finally:
            self._writing = False

    async def _body(self, body: bytes) -> None:
        await self._send({"type": "http.response.body", "body": body, "more_body": True})


class EventStreamResponse(Response):
    """Streams SSE frames as they are produced; a disconnect cancels the stream at once.

    Cancelling (rather than waiting for the next write to fail) lets the server stop a
    model that is still thinking, and runs ``handle_stream_cancelled`` right away.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        frames: AsyncIterator[bytes],
        max_delay: float = DEFAULT_MAX_DELAY,
        max_buffer: int = DEFAULT_MAX_BUFFER,
    ) -> None:
        # No body and no Content-Length: the length is unknown until the stream ends.
        self.status_code = 200
        self.background = None
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.frames = frames
        self.max_delay = max_delay
        self.max_buffer = max_buffer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The frames stream from a task of their own: each resume of it is then one
        # shallow frame instead of the whole middleware stack of the request task,
        # which only waits for the client to go away.
        with anyio.CancelScope() as waiting:
            streaming = asyncio.get_running_loop().create_task(self._stream(send, waiting))
            try:
                while (await receive())["type"] != "http.disconnect":
                    pass
            finally:
                if not streaming.done():
                    streaming.cancel()  # the client left, or the server is shutting down
        try:
            await streaming
        except asyncio.CancelledError:
            if not streaming.cancelled():
                raise

    async def _stream(self, send: Send, done: anyio.CancelScope) -> None:
        writer = FrameWriter(send, self.max_delay, self.max_buffer)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for frame in self.frames:
                await writer.write(frame)
            await writer.close()
        finally:
            writer.cancel()
            done.cancel()
            # Cancelled while the stream sat at a yield: close it, so its own
            # cancellation handling runs now rather than when it is collected.
            with anyio.CancelScope(shield=True):
                await self.frames.aclose()  # type: ignore[attr-defined]


__all__ = ["DEFAULT_MAX_BUFFER", "DEFAULT_MAX_DELAY", "EventStreamResponse", "FrameWriter"]
