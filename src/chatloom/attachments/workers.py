"""A bounded pool for the heavy work on files (decoding images, reading PDFs).

Each job holds a decoded image (up to the policy's decode budget) while it runs, so
the number running at once bounds the memory they take together: requests beyond it
wait their turn instead of adding another few hundred megabytes each. After each job
the C allocator is asked to return freed memory to the system (glibc keeps it in
per-thread arenas otherwise, and a burst of large images would stay resident).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import weakref
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

MAX_CONCURRENT_JOBS = 2

T = TypeVar("T")

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter]
_limiters = weakref.WeakKeyDictionary()


def _load_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


_malloc_trim = _load_trim()


def _limiter() -> anyio.CapacityLimiter:
    # A limiter belongs to one event loop; keep one per loop.
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(MAX_CONCURRENT_JOBS)
    return limiter


async def run(job: Callable[..., T], *args: object) -> T:
    """``job(*args)`` in a worker thread, at most :data:`MAX_CONCURRENT_JOBS` at once."""

    def work() -> T:
        try:
            return job(*args)
        finally:
            if _malloc_trim is not None:
                _malloc_trim(0)

    return await anyio.to_thread.run_sync(work, limiter=_limiter())


__all__ = ["MAX_CONCURRENT_JOBS", "run"]
