"""A sliding-window rate limit per key (a session), in process.

The default :class:`~chatloom.shared.RateLimiter`; with several instances use
:class:`chatloom.shared.redis.RedisRateLimiter` (``REDIS_URL``), which keeps the same
window in Redis.

Each key keeps the times of its requests in the last window; a request is allowed when
fewer than ``limit`` remain. The answer to a refused request is how long until the
oldest one leaves the window (the ``Retry-After``). Memory is bounded by the active
keys times their limits; idle keys are dropped as the limiter is used.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    async def acquire(self, key: str, limit: int) -> int | None:
        """Record a request for ``key``; ``None`` if allowed, else seconds to wait (>= 1)."""
        return self.acquire_now(key, limit)

    def acquire_now(self, key: str, limit: int) -> int | None:
        now = self.clock()
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return None

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window
        stale = [
            key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.window
        ]
        for key in stale:
            del self._hits[key]


__all__ = ["SlidingWindowLimiter"]
