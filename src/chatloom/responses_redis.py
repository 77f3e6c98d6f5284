"""The resumable-response log in Redis (``REDIS_URL``; the ``[redis]`` extra).

Per response, under ``<prefix>resp:<id>:``: ``meta`` (a hash: owner, thread), ``log``
(a stream whose entry ids are the event sequence numbers, ``<n>-0``, so a resume after
event *n* reads from ``<n>-0`` on), and ``alive`` (a key the running instance refreshes
every heartbeat). A thread's running response is ``<prefix>thread:<owner>:<thread>``.
Cancels travel on the ``<prefix>resp:cancel`` channel to whichever instance runs the
response. When a response ends, its keys expire ``retention`` seconds later.

An instance that dies stops its heartbeats: a follower that finds ``alive`` gone and no
end in the log ends the response for everyone, appending an ``error`` event (retry
allowed) and the end marker, once (a script), so every client sees the same ending.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from .errors import ErrorCode
from .responses import ResponseLog
from .shared.redis import Redis
from .sse import frame
from .store import NotFoundError
from .types import ErrorEvent

_END = b"end"
_INTERRUPTED = frame(ErrorEvent(code=ErrorCode.STREAM_ERROR, allow_retry=True))

# KEYS: log, alive, meta, thread key. ARGV: retention ms, the interrupted frame's prefix
# ("id: <response>:"), its data. Ends the log of a response whose instance died.
_INTERRUPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local seq = 0
if #last > 0 then
  if last[1][2][1] == 'end' then return 0 end
  seq = tonumber(string.match(last[1][1], '^(%d+)'))
end
redis.call('XADD', KEYS[1], (seq + 1) .. '-0', 'f', ARGV[2] .. (seq + 1) .. '\\n' .. ARGV[3])
redis.call('XADD', KEYS[1], (seq + 2) .. '-0', 'end', '1')
redis.call('DEL', KEYS[4])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1
"""


class RedisResponseLog(ResponseLog):
    """Resumable responses across instances: any instance replays any response."""

    shared = True

    def __init__(
        self,
        client: Redis,
        *,
        retention: float = 300.0,
        alive_seconds: float = 10.0,
        max_events: int = 200_000,
        prefix: str = "chatloom:",
    ) -> None:
        self.client = client
        self.retention_ms = int(retention * 1000)
        self.alive_ms = int(alive_seconds * 1000)
        self.max_events = max_events
        self.prefix = prefix
        self._interrupt = client.register_script(_INTERRUPT)
        self._sequence: dict[str, int] = {}

    def _key(self, response_id: str, part: str) -> str:
        return f"{self.prefix}resp:{response_id}:{part}"

    def _thread_key(self, thread_id: str, owner: str) -> str:
        return f"{self.prefix}thread:{owner}:{thread_id}"

    async def open(self, response_id: str, owner: str, thread_id: str) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(self._key(response_id, "meta"), mapping={"owner": owner, "thread": thread_id})
            pipe.set(self._key(response_id, "alive"), b"1", px=self.alive_ms)
            pipe.set(self._thread_key(thread_id, owner), response_id, px=self.alive_ms)
            await pipe.execute()
        self._sequence[response_id] = 0

    async def append(self, response_id: str, frame: bytes) -> None:
        self._sequence[response_id] += 1
        await self.client.xadd(
            self._key(response_id, "log"),
            {"f": frame},
            id=f"{self._sequence[response_id]}-0",
            maxlen=self.max_events,
            approximate=True,
        )

    async def close(self, response_id: str) -> None:
        sequence = self._sequence.pop(response_id) + 1
        meta: Any = await self.client.hgetall(self._key(response_id, "meta"))
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xadd(self._key(response_id, "log"), {_END: b"1"}, id=f"{sequence}-0")
            pipe.delete(self._key(response_id, "alive"))
            pipe.delete(self._thread_key(meta[b"thread"].decode(), meta[b"owner"].decode()))
            for part in ("log", "meta"):
                pipe.pexpire(self._key(response_id, part), self.retention_ms)
            await pipe.execute()

    async def follow(self, response_id: str, owner: str, after: int) -> AsyncIterator[bytes]:
        log = self._key(response_id, "log")
        meta: Any = await self.client.hgetall(self._key(response_id, "meta"))
        if not meta or meta[b"owner"].decode() != owner:
            raise NotFoundError(f"Response {response_id} not found")
        first: Any = await self.client.xrange(log, count=1)
        last: Any = await self.client.xrevrange(log, count=1)
        first_seq = _sequence_of(first[0][0]) if first else 1
        last_seq = _sequence_of(last[0][0]) if last else 0
        if last and _END in last[0][1]:
            last_seq -= 1
        if after + 1 < first_seq or after > last_seq:
            raise NotFoundError(f"Response {response_id} has no events after {after}")
        return self._frames(response_id, meta, after)

    async def _frames(
        self, response_id: str, meta: dict[bytes, bytes], after: int
    ) -> AsyncIterator[bytes]:
        log = self._key(response_id, "log")
        position = f"{after}-0"
        while True:
            read: Any = await self.client.xread({log: position}, count=500, block=1000)
            if not read:
                await self._interrupt(
                    keys=[
                        log,
                        self._key(response_id, "alive"),
                        self._key(response_id, "meta"),
                        self._thread_key(meta[b"thread"].decode(), meta[b"owner"].decode()),
                    ],
                    args=[self.retention_ms, f"id: {response_id}:", _INTERRUPTED],
                )
                continue
            for entry_id, fields in read[0][1]:
                if _END in fields:
                    return
                yield fields[b"f"]
                position = entry_id

    async def running(self, thread_id: str, owner: str) -> str | None:
        value: Any = await self.client.get(self._thread_key(thread_id, owner))
        return None if value is None else str(value.decode())

    async def is_running(self, response_id: str, owner: str) -> bool:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hget(self._key(response_id, "meta"), "owner")
            pipe.exists(self._key(response_id, "alive"))
            stored_owner, alive = await pipe.execute()
        return stored_owner is not None and stored_owner.decode() == owner and bool(alive)

    async def request_cancel(self, response_id: str) -> None:
        await self.client.publish(f"{self.prefix}resp:cancel", response_id)

    async def cancellations(self) -> AsyncIterator[str]:
        async with self.client.pubsub() as pubsub:
            await pubsub.subscribe(f"{self.prefix}resp:cancel")
            while True:
                message: Any = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if message is not None:
                    yield str(message["data"].decode())

    async def keep_alive(self, response_ids: list[str]) -> None:
        if not response_ids:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for response_id in response_ids:
                pipe.pexpire(self._key(response_id, "alive"), self.alive_ms)
            await pipe.execute()
        # The thread keys follow their responses' lives (refreshed with the meta's thread).
        metas: list[Any] = [
            await self.client.hgetall(self._key(rid, "meta")) for rid in response_ids
        ]
        async with self.client.pipeline(transaction=False) as pipe:
            for meta in metas:
                if meta:
                    key = self._thread_key(meta[b"thread"].decode(), meta[b"owner"].decode())
                    pipe.pexpire(key, self.alive_ms)
            await pipe.execute()


def _sequence_of(entry_id: bytes) -> int:
    return int(entry_id.split(b"-", 1)[0])


__all__ = ["RedisResponseLog"]
