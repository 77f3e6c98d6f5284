"""The Redis implementations, for several instances (``REDIS_URL``; the ``[redis]`` extra).

Every check-and-update is one Lua script, so it is atomic across instances, and times
come from the Redis server's clock, so instances whose clocks differ still agree. An
unreachable Redis raises :class:`~chatloom.shared.SharedStateUnavailable` within the
client's timeouts (a 503 for the request), never a silent pass.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

try:
    import redis.asyncio as aioredis
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise ImportError("REDIS_URL needs the [redis] extra: pip install 'chatloom[redis]'") from error

from . import SharedStateUnavailable

T = TypeVar("T")
Redis = aioredis.Redis

# KEYS[1]: the key's sorted set of request times (microseconds, from Redis's clock).
# ARGV: window (us), limit, a unique member. Returns -1 if allowed, else us to wait.
_SLIDING_WINDOW = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_us - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now_us
end
redis.call('ZADD', KEYS[1], now_us, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
return -1
"""

# KEYS[1]: the owner's hash {files, bytes}. ARGV: files, bytes, max files, max bytes
# (-1: no limit). Returns 1 if charged, 0 if it would exceed a limit.
_CHARGE = """
local files = tonumber(redis.call('HGET', KEYS[1], 'files') or '0') + tonumber(ARGV[1])
local size = tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0') + tonumber(ARGV[2])
local max_files, max_bytes = tonumber(ARGV[3]), tonumber(ARGV[4])
if (max_files >= 0 and tonumber(ARGV[1]) > 0 and files > max_files)
   or (max_bytes >= 0 and tonumber(ARGV[2]) > 0 and size > max_bytes) then
  return 0
end
redis.call('HSET', KEYS[1], 'files', math.max(files, 0), 'bytes', math.max(size, 0))
return 1
"""


def connect(url: str, *, timeout: float = 2.0) -> Redis:
    """A client (a connection pool) for ``url`` that gives up after ``timeout`` seconds."""
    client: Redis = aioredis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
        decode_responses=False,
    )
    return client


async def _guarded(what: str, call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except (RedisConnectionError, RedisTimeoutError, OSError) as error:
        raise SharedStateUnavailable(what) from error


class RedisRateLimiter:
    """A sliding window log per key: a sorted set of the last window's request times."""

    def __init__(self, client: Redis, *, window: float = 60.0, prefix: str = "chatloom:") -> None:
        self.client = client
        self.window_us = int(window * 1_000_000)
        self.prefix = prefix + "rate:"
        self._script = client.register_script(_SLIDING_WINDOW)

    async def acquire(self, key: str, limit: int) -> int | None:
        member = secrets.token_hex(8)
        wait_us: Any = await _guarded(
            "the rate limit",
            lambda: self._script(keys=[self.prefix + key], args=[self.window_us, limit, member]),
        )
        if int(wait_us) < 0:
            return None
        return max(1, -(-int(wait_us) // 1_000_000))  # ceil to whole seconds


class RedisUsageLedger:
    """Usage per owner in a hash, checked and charged by one script."""

    def __init__(self, client: Redis, *, prefix: str = "chatloom:") -> None:
        self.client = client
        self.prefix = prefix + "usage:"
        self._charge = client.register_script(_CHARGE)

    async def charge(
        self, owner: str, files: int, size: int, max_files: int | None, max_bytes: int | None
    ) -> bool:
        limits = [-1 if max_files is None else max_files, -1 if max_bytes is None else max_bytes]
        charged: Any = await _guarded(
            "the upload quota",
            lambda: self._charge(keys=[self.prefix + owner], args=[files, size, *limits]),
        )
        return int(charged) == 1

    async def release(self, owner: str, files: int, size: int) -> None:
        await _guarded(
            "the upload quota",
            lambda: self._charge(keys=[self.prefix + owner], args=[-files, -size, -1, -1]),
        )

    async def usage(self, owner: str) -> tuple[int, int]:
        files, size = await _guarded(
            "the upload quota",
            lambda: self.client.hmget(self.prefix + owner, ["files", "bytes"]),
        )
        return int(files or 0), int(size or 0)


class RedisOnceMarks:
    """``SET key NX PX ttl``: the first claimer wins until the mark expires."""

    def __init__(self, client: Redis, *, prefix: str = "chatloom:") -> None:
        self.client = client
        self.prefix = prefix + "once:"

    async def claim(self, key: str, ttl: float) -> bool:
        claimed = await _guarded(
            "this upload link",
            lambda: self.client.set(self.prefix + key, b"1", nx=True, px=max(1, int(ttl * 1000))),
        )
        return bool(claimed)

    async def release(self, key: str) -> None:
        await _guarded("this upload link", lambda: self.client.delete(self.prefix + key))


__all__ = ["RedisOnceMarks", "RedisRateLimiter", "RedisUsageLedger", "connect"]
