"""The hosted layer's own SQLite file: sessions and the thread directory.

One connection behind a lock; calls run on worker threads so the event loop never
waits on disk. Each component creates its own tables.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from os import PathLike
from typing import TypeVar

import anyio.to_thread

R = TypeVar("R")


class Database:
    def __init__(self, path: str | PathLike[str] = ":memory:") -> None:
        self._connection = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=10.0
        )
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.Lock()

    def run_sync(self, work: Callable[[sqlite3.Connection], R]) -> R:
        """Run ``work`` in one transaction (on the calling thread)."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")
            return result

    async def run(self, work: Callable[[sqlite3.Connection], R]) -> R:
        """Run ``work`` in one transaction on a worker thread."""
        return await anyio.to_thread.run_sync(self.run_sync, work)

    def close(self) -> None:
        with self._lock:
            self._connection.close()


__all__ = ["Database"]
