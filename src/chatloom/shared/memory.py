"""The in-process implementations: right for one process, nothing to run beside it.

(The in-process rate limiter is :class:`chatloom.hosted.ratelimit.SlidingWindowLimiter`.)
"""

from __future__ import annotations

import time
from collections.abc import Callable


class MemoryUsageLedger:
    """:class:`~chatloom.shared.UsageLedger` in a dict (one event loop: no lock needed)."""

    def __init__(self) -> None:
        self._usage: dict[str, tuple[int, int]] = {}

    async def charge(
        self, owner: str, files: int, size: int, max_files: int | None, max_bytes: int | None
    ) -> bool:
        held_files, held_bytes = self._usage.get(owner, (0, 0))
        new_files, new_bytes = held_files + files, held_bytes + size
        if (max_files is not None and files > 0 and new_files > max_files) or (
            max_bytes is not None and size > 0 and new_bytes > max_bytes
        ):
            return False
        self._usage[owner] = (new_files, new_bytes)
        return True

    async def release(self, owner: str, files: int, size: int) -> None:
        held_files, held_bytes = self._usage.get(owner, (0, 0))
        self._usage[owner] = (max(0, held_files - files), max(0, held_bytes - size))

    async def usage(self, owner: str) -> tuple[int, int]:
        return self._usage.get(owner, (0, 0))


class MemoryOnceMarks:
    """:class:`~chatloom.shared.OnceMarks` in a dict of expiry times."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._marks: dict[str, float] = {}

    async def claim(self, key: str, ttl: float) -> bool:
        now = self.clock()
        if len(self._marks) > 10_000:  # bounded: drop the expired ones
            self._marks = {k: t for k, t in self._marks.items() if t > now}
        if self._marks.get(key, 0.0) > now:
            return False
        self._marks[key] = now + ttl
        return True

    async def release(self, key: str) -> None:
        self._marks.pop(key, None)


__all__ = ["MemoryOnceMarks", "MemoryUsageLedger"]
