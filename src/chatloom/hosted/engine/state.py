"""Workflow state between runs, behind a small interface with one rule: per thread, one
run at a time, and a run's changes land all together or not at all.

:class:`WorkflowStateStore` is that interface. ``transaction(thread_id)`` is an async
context manager: entering waits for the thread's lock (:class:`ThreadBusy` after
``wait_seconds``) and loads the thread's :class:`RunRecord`; ``save(record)`` stages
the record; leaving the block without an exception writes it, leaving with one (a failed
run, a client gone mid-stream) writes nothing. Two requests on one thread therefore run
one after the other, and a retried request starts from the last committed record.

:class:`SQLiteWorkflowStateStore` is the embedded implementation: an asyncio lock per
thread within the process, and a lease row (with expiry) across processes sharing the
file; a version number guards the write, so a run whose lease expired and was taken
over cannot overwrite the newer record (:class:`StateConflict`). A PostgreSQL
implementation would take ``pg_advisory_xact_lock`` (or ``SELECT … FOR UPDATE``) in
``transaction``; ``tests/hosted/state_contract.py`` is the suite every implementation
must pass.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...database import Database
from ...types import ThreadMetadata
from .outcomes import SuspendKind

LEGACY_METADATA_KEY = "chatloom_workflow"  # where state lived before this store


class ThreadBusy(Exception):
    """Another run holds the thread longer than the caller was willing to wait."""


class StateConflict(Exception):
    """The record changed since it was loaded (a lease expired and was taken over)."""


@dataclass
class Suspended:
    kind: SuspendKind
    node: str
    frames: list[tuple[str, int]]  # the While loops around the node, and their iteration
    input: Any
    item_id: str | None = None


@dataclass
class RunRecord:
    """A thread's workflow state between runs."""

    state: dict[str, Any] = field(default_factory=dict)
    suspended: Suspended | None = None
    output: Any = None

    def to_json(self) -> dict[str, Any]:
        suspended = self.suspended
        return {
            "state": self.state,
            "suspended": None if suspended is None else suspended.__dict__,
            "output": self.output,
        }

    @classmethod
    def from_json(cls, data: Any) -> RunRecord:
        if not isinstance(data, dict):
            return cls()
        suspended = data.get("suspended")
        return cls(
            state=dict(data.get("state") or {}),
            suspended=Suspended(
                kind=suspended["kind"],
                node=suspended["node"],
                frames=[(name, int(i)) for name, i in suspended["frames"]],
                input=suspended["input"],
                item_id=suspended.get("item_id"),
            )
            if isinstance(suspended, dict)
            else None,
            output=data.get("output"),
        )

    @classmethod
    def legacy(cls, thread: ThreadMetadata) -> RunRecord:
        """The record an older chatloom kept in the thread's metadata, if any."""
        return cls.from_json(thread.metadata.get(LEGACY_METADATA_KEY))


class StateTransaction(Protocol):
    record: RunRecord | None  # None: the thread has no record yet

    def save(self, record: RunRecord) -> None:
        """Stage ``record``; it is written when the transaction's block exits normally."""
        ...


class WorkflowStateStore(Protocol):
    def transaction(
        self, thread_id: str, *, wait_seconds: float = ...
    ) -> AbstractAsyncContextManager[StateTransaction]: ...

    async def delete(self, thread_id: str) -> None:
        """Forget the thread's record (the thread was deleted)."""
        ...


@dataclass
class StagedRecord:
    """What a transaction loaded (and its version), and what the run saves, if anything."""

    record: RunRecord | None
    version: int
    staged: RunRecord | None = None

    def save(self, record: RunRecord) -> None:
        self.staged = record


BUSY = "another run is still going on in this conversation"


class ThreadLocks:
    """One asyncio lock per thread within a process, kept only while it is held or
    awaited: runs of one thread queue here first, so waiting costs no database trips."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, thread_id: str, wait_seconds: float) -> AsyncIterator[None]:
        lock, users = self._locks.get(thread_id, (asyncio.Lock(), 0))
        self._locks[thread_id] = (lock, users + 1)
        try:
            try:
                await asyncio.wait_for(lock.acquire(), wait_seconds)
            except TimeoutError:
                raise ThreadBusy(BUSY) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            lock, users = self._locks[thread_id]
            if users == 1:
                del self._locks[thread_id]
            else:
                self._locks[thread_id] = (lock, users - 1)


SCHEMA = (
    "CREATE TABLE IF NOT EXISTS workflow_state"
    " (thread_id TEXT PRIMARY KEY, version INTEGER NOT NULL, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS workflow_lease"
    " (thread_id TEXT PRIMARY KEY, holder TEXT NOT NULL, expires REAL NOT NULL)",
)


def _create(db: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        db.execute(statement)


class SQLiteWorkflowStateStore:
    """Workflow state in a :class:`~chatloom.database.Database` (see the module doc)."""

    def __init__(self, database: Database, *, lease_seconds: float = 600.0) -> None:
        self.database = database
        self.lease_seconds = lease_seconds
        database.run_sync(_create)
        self._locks = ThreadLocks()

    @asynccontextmanager
    async def transaction(
        self, thread_id: str, *, wait_seconds: float = 60.0
    ) -> AsyncIterator[StateTransaction]:
        deadline = time.monotonic() + wait_seconds
        async with self._locks.hold(thread_id, wait_seconds):
            holder = uuid.uuid4().hex
            await self._lease(thread_id, holder, deadline)
            try:
                loaded = await self.database.run(lambda db: _load(db, thread_id))
                version, data = loaded if loaded else (0, None)
                slot = StagedRecord(None if data is None else RunRecord.from_json(data), version)
                yield slot
                if slot.staged is not None:
                    text = json.dumps(slot.staged.to_json(), default=str)
                    written = await self.database.run(
                        lambda db: _write(db, thread_id, version, text)
                    )
                    if not written:
                        raise StateConflict(f"thread {thread_id}: state changed meanwhile")
            finally:
                await self.database.run(lambda db: _release(db, thread_id, holder))

    async def delete(self, thread_id: str) -> None:
        await self.database.run(
            lambda db: db.execute("DELETE FROM workflow_state WHERE thread_id = ?", (thread_id,))
        )

    async def _lease(self, thread_id: str, holder: str, deadline: float) -> None:
        pause = 0.02
        while True:
            now = time.time()
            expires = now + self.lease_seconds
            taken = await self.database.run(
                functools.partial(
                    _take_lease, thread_id=thread_id, holder=holder, now=now, expires=expires
                )
            )
            if taken:
                return
            if time.monotonic() + pause > deadline:
                raise ThreadBusy("another run is still going on in this conversation")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)


def _load(db: sqlite3.Connection, thread_id: str) -> tuple[int, Any] | None:
    row = db.execute(
        "SELECT version, record FROM workflow_state WHERE thread_id = ?", (thread_id,)
    ).fetchone()
    return None if row is None else (int(row[0]), json.loads(row[1]))


def _write(db: sqlite3.Connection, thread_id: str, version: int, text: str) -> bool:
    if version == 0:
        cursor = db.execute(
            "INSERT OR IGNORE INTO workflow_state (thread_id, version, record) VALUES (?, 1, ?)",
            (thread_id, text),
        )
    else:
        cursor = db.execute(
            "UPDATE workflow_state SET version = version + 1, record = ? "
            "WHERE thread_id = ? AND version = ?",
            (text, thread_id, version),
        )
    return cursor.rowcount == 1


def _take_lease(
    db: sqlite3.Connection, thread_id: str, holder: str, now: float, expires: float
) -> bool:
    cursor = db.execute(
        "INSERT INTO workflow_lease (thread_id, holder, expires) VALUES (?, ?, ?) "
        "ON CONFLICT (thread_id) DO UPDATE SET holder = excluded.holder, "
        "expires = excluded.expires WHERE workflow_lease.expires < ?",
        (thread_id, holder, expires, now),
    )
    return cursor.rowcount == 1


def _release(db: sqlite3.Connection, thread_id: str, holder: str) -> None:
    db.execute("DELETE FROM workflow_lease WHERE thread_id = ? AND holder = ?", (thread_id, holder))


__all__ = [
    "BUSY",
    "RunRecord",
    "SQLiteWorkflowStateStore",
    "StagedRecord",
    "StateConflict",
    "StateTransaction",
    "Suspended",
    "ThreadBusy",
    "ThreadLocks",
    "WorkflowStateStore",
]
