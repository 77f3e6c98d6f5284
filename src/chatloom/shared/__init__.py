"""State every instance of a deployment must agree on, behind small interfaces.

Each interface has an in-process implementation (:mod:`.memory`, the default: right for
one process) and a Redis one (:mod:`.redis`, needs the ``[redis]`` extra and
``REDIS_URL``) for any number of instances:

- :class:`RateLimiter`: a sliding window of requests per key (hosted sessions);
- :class:`UsageLedger`: what each user holds (attachment count and bytes), checked and
  charged in one step so concurrent uploads cannot overshoot a quota;
- :class:`OnceMarks`: marks that can be claimed once (a signed upload URL's single use).

When the shared store cannot be reached these raise :class:`SharedStateUnavailable`
(HTTP 503): quotas and limits fail closed, and nothing already stored is lost.
"""

from __future__ import annotations

from typing import Protocol

from ..errors import RequestError

RETRY_AFTER_SECONDS = 5


class SharedStateUnavailable(RequestError):
    """The shared store (Redis) did not answer: refuse the request, retry later (503)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The server cannot check {what} right now; try again in a few seconds.", 503
        )
        self.retry_after = RETRY_AFTER_SECONDS


class RateLimiter(Protocol):
    async def acquire(self, key: str, limit: int) -> int | None:
        """Record a request for ``key``; ``None`` if allowed, else seconds to wait (>= 1).

        At most ``limit`` requests are allowed in any window (a sliding window, not
        fixed buckets).
        """
        ...


class UsageLedger(Protocol):
    async def charge(
        self, owner: str, files: int, size: int, max_files: int | None, max_bytes: int | None
    ) -> bool:
        """Add ``files`` and ``size`` bytes to ``owner``'s usage if the result stays
        within the limits (``None``: no limit); whether it was charged."""
        ...

    async def release(self, owner: str, files: int, size: int) -> None:
        """Take ``files`` and ``size`` bytes off ``owner``'s usage (never below zero)."""
        ...

    async def usage(self, owner: str) -> tuple[int, int]:
        """``(files, bytes)`` charged to ``owner``."""
        ...


class OnceMarks(Protocol):
    async def claim(self, key: str, ttl: float) -> bool:
        """``True`` for the first claim of ``key``; ``False`` while it stays claimed
        (``ttl`` seconds at most, so a crashed claimer does not block forever)."""
        ...

    async def release(self, key: str) -> None:
        """Make ``key`` claimable again (the work behind the claim failed)."""
        ...


__all__ = [
    "OnceMarks",
    "RateLimiter",
    "SharedStateUnavailable",
    "UsageLedger",
]
