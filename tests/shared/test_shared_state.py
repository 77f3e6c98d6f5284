"""The shared-state contracts (rate limit, usage ledger, single-use marks), run against
the in-process implementations and against a real redis-server; then what happens when
Redis goes away."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from chatloom import config
from chatloom.hosted.ratelimit import SlidingWindowLimiter
from chatloom.shared import OnceMarks, RateLimiter, SharedStateUnavailable, UsageLedger
from chatloom.shared.memory import MemoryOnceMarks, MemoryUsageLedger
from chatloom.shared.redis import RedisOnceMarks, RedisRateLimiter, RedisUsageLedger, connect

from ..polling import eventually_async
from ..services.redis import RedisServer

BACKENDS = ["memory", pytest.param("redis", marks=pytest.mark.redis)]


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Callable[[type], Any]]:
    """``backend(Kind)`` builds the implementation of ``Kind`` (RateLimiter, ...)."""
    clients = []

    def make(kind: type, **options: Any) -> Any:
        if request.param == "memory":
            memory = {RateLimiter: SlidingWindowLimiter, UsageLedger: MemoryUsageLedger}
            return memory.get(kind, MemoryOnceMarks)(**options)
        url = request.getfixturevalue("redis_url")
        clients.append(connect(url))
        redis = {RateLimiter: RedisRateLimiter, UsageLedger: RedisUsageLedger}
        return redis.get(kind, RedisOnceMarks)(clients[-1], **options)

    yield make
    for client in clients:
        await client.aclose()


async def test_the_window_allows_limit_requests_then_says_how_long_to_wait(backend: Any) -> None:
    limiter: RateLimiter = backend(RateLimiter, window=60.0)
    assert [await limiter.acquire("s1", 3) for _ in range(3)] == [None, None, None]
    assert await limiter.acquire("s1", 3) == 60
    assert await limiter.acquire("s2", 3) is None  # another key has its own window


async def test_the_window_slides_requests_leave_it_one_by_one(backend: Any) -> None:
    limiter: RateLimiter = backend(RateLimiter, window=1.0)
    assert await limiter.acquire("s", 2) is None
    assert await limiter.acquire("s", 2) is None
    assert await limiter.acquire("s", 2) == 1
    await eventually_async(lambda: _allowed(limiter), what="the first request left the window")


async def _allowed(limiter: RateLimiter) -> bool:
    return await limiter.acquire("s", 2) is None


async def test_the_ledger_charges_within_limits_and_releases(backend: Any) -> None:
    ledger: UsageLedger = backend(UsageLedger)
    assert await ledger.charge("alice", 1, 600, max_files=2, max_bytes=1000)
    assert not await ledger.charge("alice", 1, 500, max_files=2, max_bytes=1000)  # bytes
    assert await ledger.charge("alice", 1, 400, max_files=2, max_bytes=1000)
    assert not await ledger.charge("alice", 1, 0, max_files=2, max_bytes=None)  # count
    assert await ledger.usage("alice") == (2, 1000)
    assert await ledger.usage("bob") == (0, 0)
    await ledger.release("alice", 1, 600)
    assert await ledger.usage("alice") == (1, 400)
    await ledger.release("alice", 5, 5000)  # never below zero
    assert await ledger.usage("alice") == (0, 0)


async def test_a_mark_is_claimed_once_until_released_or_expired(backend: Any) -> None:
    marks: OnceMarks = backend(OnceMarks)
    assert await marks.claim("upload:a1", ttl=60)
    assert not await marks.claim("upload:a1", ttl=60)
    assert await marks.claim("upload:a2", ttl=60)
    await marks.release("upload:a1")
    assert await marks.claim("upload:a1", ttl=0.05)
    await eventually_async(lambda: marks.claim("upload:a1", ttl=60), what="the mark expired")


@pytest.mark.redis
async def test_the_limit_holds_across_instances_under_concurrency(redis_url: str) -> None:
    """Three clients (three instances' pools) race 60 requests against one limit of 10."""
    clients = [connect(redis_url) for _ in range(3)]
    limiters = [RedisRateLimiter(client) for client in clients]
    ledgers = [RedisUsageLedger(client) for client in clients]
    marks = [RedisOnceMarks(client) for client in clients]
    try:
        answers = await asyncio.gather(*(limiters[n % 3].acquire("session", 10) for n in range(60)))
        assert answers.count(None) == 10
        charged = await asyncio.gather(
            *(ledgers[n % 3].charge("u", 1, 100, 1000, 1000) for n in range(30))
        )
        assert charged.count(True) == 10
        claims = await asyncio.gather(*(marks[n % 3].claim("x", 60) for n in range(30)))
        assert claims.count(True) == 1
    finally:
        for client in clients:
            await client.aclose()


@pytest.mark.redis
async def test_redis_down_fails_closed_and_recovers(
    redis_factory: Callable[[], RedisServer],
) -> None:
    server = redis_factory()
    client = connect(server.url, timeout=1.0)
    limiter, ledger, marks = (
        RedisRateLimiter(client),
        RedisUsageLedger(client),
        RedisOnceMarks(client),
    )
    try:
        assert await limiter.acquire("s", 5) is None
        assert await ledger.charge("u", 1, 10, None, None)
        server.stop()
        for attempt in (
            limiter.acquire("s", 5),
            ledger.charge("u", 1, 10, None, None),
            ledger.usage("u"),
            marks.claim("m", 60),
        ):
            with pytest.raises(SharedStateUnavailable) as refused:
                await attempt
            assert refused.value.status_code == 503
        server.start()  # same port, empty: the client reconnects by itself
        assert await eventually_async(lambda: _allowed_or_down(limiter))
    finally:
        await client.aclose()


async def _allowed_or_down(limiter: RateLimiter) -> bool:
    try:
        return await limiter.acquire("s", 5) is None
    except SharedStateUnavailable:
        return False


def test_redis_url_is_read_and_checked() -> None:
    assert config.redis_url({}) is None
    assert config.redis_url({"REDIS_URL": " "}) is None
    assert config.redis_url({"REDIS_URL": "redis://cache:6379/2"}) == "redis://cache:6379/2"
    with pytest.raises(config.ConfigError, match="REDIS_URL"):
        config.redis_url({"REDIS_URL": "http://cache:6379"})
