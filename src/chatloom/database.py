"""The SQLite plumbing every chatloom database shares: how a file is opened, what a
write transaction is, and one connection serving async callers from worker threads.

Used by the thread store, the attachment index, the hosted layer and the demo, so
they agree on durability (WAL without an fsync per commit: survives a crash of the
app, not of the machine) and on locking (``BEGIN IMMEDIATE`` takes the write lock up
front, so a read-check-write cannot interleave with another process doing the same).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from os import PathLike
from typing import TypeVar

import anyio.to_thread

R = TypeVar("R")


def connect(path: str | PathLike[str], *, timeout: float = 10.0) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, usable from
    any thread (callers serialize access)."""
    connection = sqlite3.connect(
        str(path), timeout=timeout, isolation_level=None, check_same_thread=False
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed on success, rolled back on any exception."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class Database:
    """One connection behind a lock; calls run on worker threads so the event loop never
    waits on disk. ``schema`` (a script of ``CREATE ... IF NOT EXISTS``) runs on open."""

    def __init__(
        self, path: str | PathLike[str] = ":memory:", *, schema: str | None = None
    ) -> None:
        self._connection = connect(path)
        if schema:
            self._connection.executescript(schema)
        self._lock = threading.Lock()

    def run_sync(self, work: Callable[[sqlite3.Connection], R]) -> R:
        """Run ``work`` in one transaction (on the calling thread)."""
        with self._lock, transaction(self._connection):
            return work(self._connection)

    async def run(self, work: Callable[[sqlite3.Connection], R]) -> R:
        """Run ``work`` in one transaction on a worker thread."""
        return await anyio.to_thread.run_sync(self.run_sync, work)

    def close(self) -> None:
        with self._lock:
            self._connection.close()


__all__ = ["Database", "connect", "transaction"]
