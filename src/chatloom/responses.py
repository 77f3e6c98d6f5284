"""Resumable responses: streamed replies that outlive their connection.

A response a client asked to be resumable runs in a task of its own instead of inside
the request: its SSE frames, each with an ``id: <response id>:<sequence>`` line, are
appended to a :class:`ResponseLog`, and connections *follow* the log (from the start,
or after the last id a client saw). A dropped connection then only stops following;
the response runs on, is persisted as usual, and its log is kept for ``retention``
seconds after it ends so a client can catch up. Only an explicit cancel stops it.

The wire side (request types ``responses.resume`` / ``responses.cancel``, the opt-in
header) is documented in docs/server.md, "Resumable responses".
"""

from __future__ import annotations

import asyncio
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import anyio

from .errors import RequestError
from .logger import logger
from .store import NotFoundError

DEFAULT_RETENTION = 300.0
DEFAULT_MAX_LOG_BYTES = 32 * 1024 * 1024
DEFAULT_DRAIN_SECONDS = 30.0


def event_id(response_id: str, sequence: int) -> str:
    return f"{response_id}:{sequence}"


def parse_event_id(value: str) -> tuple[str, int]:
    """``(response id, sequence)`` of an SSE event id; NotFoundError if malformed."""
    response_id, _, sequence = value.rpartition(":")
    if not response_id.startswith("resp_") or not sequence.isdigit() or len(sequence) > 12:
        raise NotFoundError(f"No response for event id {value!r}")
    return response_id, int(sequence)


class ResponseLog(ABC):
    """Where the frames of resumable responses are kept while they run and for a while
    after. Owners are user ids: a response is invisible to anyone else.

    A ``shared`` log (Redis) is seen by several instances: any of them serves a resume,
    a cancel reaches the instance running the response, and running responses are kept
    alive by heartbeats so that one whose instance died ends as interrupted.
    """

    shared = False

    @abstractmethod
    async def open(self, response_id: str, owner: str, thread_id: str) -> None:
        """Start the log of a new response."""

    @abstractmethod
    async def append(self, response_id: str, frame: bytes) -> None:
        """Add the next frame (already carrying its ``id:`` line)."""

    @abstractmethod
    async def close(self, response_id: str) -> None:
        """The response ended; followers get the rest and finish."""

    @abstractmethod
    async def follow(self, response_id: str, owner: str, after: int) -> AsyncIterator[bytes]:
        """The frames after sequence ``after``, then live ones until the response ends.

        Raises NotFoundError *before* returning for a response that is unknown, expired,
        someone else's, or whose frames after ``after`` are no longer kept.
        """

    @abstractmethod
    async def running(self, thread_id: str, owner: str) -> str | None:
        """The id of the response running in the thread, if one is."""

    async def is_running(self, response_id: str, owner: str) -> bool:
        """Whether ``owner``'s response runs on some instance (shared logs)."""
        return False

    async def request_cancel(self, response_id: str) -> None:  # noqa: B027 - optional
        """Ask the instance running the response to cancel it (shared logs)."""

    def cancellations(self) -> AsyncIterator[str]:
        """Ids of responses some instance was asked to cancel (shared logs)."""
        raise NotImplementedError

    async def keep_alive(self, response_ids: list[str]) -> None:  # noqa: B027 - optional
        """Heartbeat for this instance's running responses (shared logs)."""


@dataclass(eq=False)
class _Entry:
    owner: str
    thread_id: str
    frames: list[bytes] = field(default_factory=list)
    first: int = 1  # the sequence number of frames[0]
    size: int = 0
    ended_at: float | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def last(self) -> int:
        return self.first + len(self.frames) - 1


class MemoryResponseLog(ResponseLog):
    """A log in this process: resumption across reconnects to the same instance.

    Bounded: a response keeps at most ``max_bytes`` of frames (the oldest go first; a
    client that far behind cannot resume), and an ended response is dropped
    ``retention`` seconds after it ends.
    """

    def __init__(
        self, retention: float = DEFAULT_RETENTION, max_bytes: int = DEFAULT_MAX_LOG_BYTES
    ) -> None:
        self.retention = retention
        self.max_bytes = max_bytes
        self._entries: dict[str, _Entry] = {}

    async def open(self, response_id: str, owner: str, thread_id: str) -> None:
        self._expire()
        self._entries[response_id] = _Entry(owner=owner, thread_id=thread_id)

    async def append(self, response_id: str, frame: bytes) -> None:
        entry = self._entries[response_id]
        entry.frames.append(frame)
        entry.size += len(frame)
        while entry.size > self.max_bytes and len(entry.frames) > 1:
            entry.size -= len(entry.frames.pop(0))
            entry.first += 1
        entry.changed.set()
        entry.changed = asyncio.Event()

    async def close(self, response_id: str) -> None:
        entry = self._entries[response_id]
        entry.ended_at = time.monotonic()
        entry.changed.set()

    async def follow(self, response_id: str, owner: str, after: int) -> AsyncIterator[bytes]:
        self._expire()
        entry = self._entries.get(response_id)
        if entry is None or entry.owner != owner:
            raise NotFoundError(f"Response {response_id} not found")
        if after + 1 < entry.first or after > entry.last:
            raise NotFoundError(f"Response {response_id} has no events after {after}")
        return self._frames(entry, after)

    async def _frames(self, entry: _Entry, after: int) -> AsyncIterator[bytes]:
        position = after + 1
        while True:
            changed = entry.changed
            if position < entry.first:
                return  # fell behind the bounded log; the client resumes from the store
            while position <= entry.last:
                yield entry.frames[position - entry.first]
                position += 1
            if entry.ended_at is not None:
                return
            if changed is entry.changed:
                await changed.wait()

    async def running(self, thread_id: str, owner: str) -> str | None:
        for response_id, entry in self._entries.items():
            if entry.thread_id == thread_id and entry.owner == owner and entry.ended_at is None:
                return response_id
        return None

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.retention
        for response_id, entry in list(self._entries.items()):
            if entry.ended_at is not None and entry.ended_at < cutoff:
                del self._entries[response_id]


class Responses:
    """Runs resumable responses of this instance and lets clients follow them.

    ``drain_seconds``: on shutdown (:meth:`drain`, run by ``create_app``'s lifespan, so
    on uvicorn's SIGTERM) running responses get this long to finish; the rest are
    cancelled, which saves their partial text.
    """

    def __init__(
        self,
        log: ResponseLog | None = None,
        drain_seconds: float = DEFAULT_DRAIN_SECONDS,
        heartbeat_seconds: float = 2.0,
    ) -> None:
        self.log = log or MemoryResponseLog()
        self.drain_seconds = drain_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self._running: dict[str, tuple[str, asyncio.Task[None]]] = {}
        self._draining = False
        self._upkeep: list[asyncio.Task[None]] = []

    async def start(self, frames: AsyncIterator[bytes], owner: str, thread_id: str) -> str:
        """Run ``frames`` in a task of their own, logged; returns the response id."""
        if self._draining:
            await frames.aclose()  # type: ignore[attr-defined]
            raise RequestError("The server is shutting down; try again", 503)
        response_id = "resp_" + secrets.token_hex(12)
        await self.log.open(response_id, owner, thread_id)
        loop = asyncio.get_running_loop()
        if self.log.shared and not self._upkeep:
            self._upkeep = [loop.create_task(self._heartbeats()), loop.create_task(self._listen())]
        task = loop.create_task(self._run(response_id, frames))
        self._running[response_id] = (owner, task)
        return response_id

    async def follow(self, response_id: str, owner: str, after: int = 0) -> AsyncIterator[bytes]:
        return await self.log.follow(response_id, owner, after)

    async def running(self, thread_id: str, owner: str) -> str | None:
        return await self.log.running(thread_id, owner)

    async def cancel(self, response_id: str, owner: str) -> None:
        """Stop a running response (the user's Stop), on this instance or, with a shared
        log, on the one running it; NotFoundError if none is."""
        running = self._running.get(response_id)
        if running is not None and running[0] == owner:
            running[1].cancel()
        elif await self.log.is_running(response_id, owner):
            await self.log.request_cancel(response_id)
        else:
            raise NotFoundError(f"Response {response_id} is not running")

    async def _heartbeats(self) -> None:
        while True:
            try:
                await self.log.keep_alive(list(self._running))
            except Exception:
                logger.exception("Could not refresh the heartbeat of running responses")
            await asyncio.sleep(self.heartbeat_seconds)

    async def _listen(self) -> None:
        while True:
            try:
                async for response_id in self.log.cancellations():
                    running = self._running.get(response_id)
                    if running is not None:
                        running[1].cancel()
            except Exception:
                logger.exception("Lost the cancel channel; listening again")
                await asyncio.sleep(self.heartbeat_seconds)

    async def drain(self) -> None:
        """Take no new responses; give running ones ``drain_seconds`` to end, then
        cancel the rest."""
        self._draining = True
        tasks = [task for _, task in self._running.values()]
        if not tasks:
            self._stop_upkeep()
            return
        _, late = await asyncio.wait(tasks, timeout=self.drain_seconds)
        for task in late:
            task.cancel()
        if late:
            logger.warning("Cancelled %d responses still running at shutdown", len(late))
            await asyncio.wait(late)
        self._stop_upkeep()

    def _stop_upkeep(self) -> None:
        for task in self._upkeep:
            task.cancel()

    async def _run(self, response_id: str, frames: AsyncIterator[bytes]) -> None:
        prefix = b"id: " + response_id.encode() + b":"
        sequence = 0
        try:
            async for frame in frames:
                sequence += 1
                await self.log.append(response_id, b"%b%d\n%b" % (prefix, sequence, frame))
        except asyncio.CancelledError:
            pass  # cancelled by the user: the pipeline saved what it had
        except Exception:
            logger.exception("Resumable response %s failed", response_id)
        finally:
            del self._running[response_id]
            with anyio.CancelScope(shield=True):
                await frames.aclose()  # type: ignore[attr-defined]
                await self.log.close(response_id)


__all__ = [
    "DEFAULT_DRAIN_SECONDS",
    "DEFAULT_MAX_LOG_BYTES",
    "DEFAULT_RETENTION",
    "MemoryResponseLog",
    "ResponseLog",
    "Responses",
    "event_id",
    "parse_event_id",
]
