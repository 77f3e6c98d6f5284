"""Work that untrusted input can make slow runs here: off the event loop, under a budget.

CEL evaluation (cost-budgeted), RE2 scans (linear, bounded text) and widget templates
(:mod:`.templates`, deadline-checked) all end on their own; running them on a small
pool of worker threads keeps even their worst case from stalling other requests, and
the budget turns a slow one into an error the run reports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

R = TypeVar("R")

BUDGET_SECONDS = 5.0
# A few threads: enough to overlap requests, few enough that hostile ones queue behind
# each other instead of taking every core.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chatloom-offload")


class OverBudget(Exception):
    """The work did not finish within its time budget."""


async def off_loop(work: Callable[[], R], *, budget: float = BUDGET_SECONDS) -> R:
    """``work()`` on a worker thread; :class:`OverBudget` once ``budget`` seconds pass."""
    future = asyncio.get_running_loop().run_in_executor(_POOL, work)
    try:
        return await asyncio.wait_for(future, budget)
    except TimeoutError:
        raise OverBudget(f"took longer than {budget:g} s") from None


__all__ = ["BUDGET_SECONDS", "OverBudget", "off_loop"]
