"""The one way tests wait: poll a condition until it holds or a deadline passes.

Tests never sleep a fixed time to let something happen; they wait for the thing itself.
Deadlines are generous (a loaded 2-core CI machine is slow) because a passing test never
waits them out: only a failing one does, and then it fails with a message saying what
never happened.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 15.0
_INTERVAL = 0.01


def eventually(
    condition: Callable[[], T], *, timeout: float = DEFAULT_TIMEOUT, what: str = ""
) -> T:
    """Returns the first truthy value of ``condition()``; raises AssertionError after
    ``timeout`` seconds. Exceptions from ``condition`` propagate (they are bugs, not
    "not yet")."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened within {timeout} s: {what or condition}")
        time.sleep(_INTERVAL)


async def eventually_async(
    condition: Callable[[], T | Awaitable[T]],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    what: str = "",
) -> T:
    """``eventually`` for async tests: yields to the event loop between polls, and awaits
    ``condition()`` when it returns an awaitable."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if isinstance(value, Awaitable):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened within {timeout} s: {what or condition}")
        await asyncio.sleep(_INTERVAL)
