"""Per-thread workflow state and run traces in PostgreSQL: the ``WorkflowStateStore`` of
:mod:`chatloom.hosted.engine.state` and the ``TraceStore`` of
:mod:`chatloom.hosted.engine.trace`, for instances sharing one database.

One run per thread at a time, across instances: a run takes the thread's lease row
(holder, expiry), waiting with back-off while another holds it, and gives it back when
it ends; within one process an asyncio lock queues runs first, so waiting costs no
database round trips. The record is written only when the run's block ends normally,
and only if its version is still the one loaded (a run whose lease expired and was
taken over gets :class:`StateConflict` instead of overwriting the newer record).

Why a lease and not a row or advisory lock held for the run: a lock lives in a
transaction on one connection, and a run lasts as long as the model streams (minutes).
Holding a pooled connection per running conversation would cap concurrent runs at the
pool size, and runs holding every connection would starve their own store writes.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ..postgres import PostgresDatabase
from ..store import StoreUnavailable
from ..store.postgres import jsonb_text
from .engine.state import (
    BUSY,
    RunRecord,
    StagedRecord,
    StateConflict,
    StateTransaction,
    ThreadBusy,
    ThreadLocks,
)
from .engine.trace import MAX_RUNS_PER_THREAD, RunTrace


class PostgresWorkflowStateStore:
    """Workflow state in a :class:`~chatloom.postgres.PostgresDatabase` (see above)."""

    def __init__(self, database: PostgresDatabase, *, lease_seconds: float = 15.0) -> None:
        self.database = database
        self.lease_seconds = lease_seconds
        self._locks = ThreadLocks()

    @asynccontextmanager
    async def transaction(
        self, thread_id: str, *, wait_seconds: float = 60.0
    ) -> AsyncIterator[StateTransaction]:
        deadline = time.monotonic() + wait_seconds
        async with self._locks.hold(thread_id, wait_seconds):
            holder = uuid.uuid4().hex
            await self._lease(thread_id, holder, deadline)
            # Renewed while the run lives: an instance that dies (kill -9, a lost host)
            # frees its threads within one lease, not when a long run would have ended.
            renewal = asyncio.create_task(self._renew(thread_id, holder))
            try:
                async with self.database.connection() as db:
                    cursor = await db.execute(
                        "SELECT version, record::text FROM chatloom_workflow_state "
                        "WHERE thread_id = %s",
                        (thread_id,),
                    )
                    row = await cursor.fetchone()
                version = 0 if row is None else int(row[0])
                loaded = None if row is None else RunRecord.from_json(json.loads(row[1]))
                slot = StagedRecord(loaded, version)
                yield slot
                if slot.staged is not None:
                    await self._write(thread_id, version, slot.staged)
            finally:
                renewal.cancel()
                # Shielded: a run cancelled mid-stream must still give the thread back.
                await asyncio.shield(self._release(thread_id, holder))

    async def delete(self, thread_id: str) -> None:
        async with self.database.connection() as db:
            await db.execute(
                "DELETE FROM chatloom_workflow_state WHERE thread_id = %s", (thread_id,)
            )

    async def _write(self, thread_id: str, version: int, record: RunRecord) -> None:
        text = jsonb_text(json.dumps(record.to_json(), default=str))
        async with self.database.connection() as db:
            if version == 0:
                cursor = await db.execute(
                    "INSERT INTO chatloom_workflow_state (thread_id, version, record) "
                    "VALUES (%s, 1, %s::jsonb) ON CONFLICT (thread_id) DO NOTHING",
                    (thread_id, text),
                )
            else:
                cursor = await db.execute(
                    "UPDATE chatloom_workflow_state SET version = version + 1, "
                    "record = %s::jsonb WHERE thread_id = %s AND version = %s",
                    (text, thread_id, version),
                )
        if cursor.rowcount != 1:
            raise StateConflict(f"thread {thread_id}: state changed meanwhile")

    async def _lease(self, thread_id: str, holder: str, deadline: float) -> None:
        pause = 0.02
        while True:
            now = time.time()
            async with self.database.connection() as db:
                cursor = await db.execute(
                    "INSERT INTO chatloom_workflow_leases (thread_id, holder, expires) "
                    "VALUES (%s, %s, %s) ON CONFLICT (thread_id) DO UPDATE SET "
                    "holder = excluded.holder, expires = excluded.expires "
                    "WHERE chatloom_workflow_leases.expires < %s",
                    (thread_id, holder, now + self.lease_seconds, now),
                )
            if cursor.rowcount == 1:
                return
            if time.monotonic() + pause > deadline:
                raise ThreadBusy(BUSY)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)

    async def _renew(self, thread_id: str, holder: str) -> None:
        """Extends the lease every third of its length while the run holds it."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                async with self.database.connection() as db:
                    cursor = await db.execute(
                        "UPDATE chatloom_workflow_leases SET expires = %s "
                        "WHERE thread_id = %s AND holder = %s",
                        (time.time() + self.lease_seconds, thread_id, holder),
                    )
            except StoreUnavailable:
                continue  # the database is back soon, or the write at the end will say so
            if cursor.rowcount != 1:
                return  # taken over after a stall: the run's write will be refused

    async def _release(self, thread_id: str, holder: str) -> None:
        async with self.database.connection() as db:
            await db.execute(
                "DELETE FROM chatloom_workflow_leases WHERE thread_id = %s AND holder = %s",
                (thread_id, holder),
            )


class PostgresTraceStore:
    """Run traces in PostgreSQL, the last ``MAX_RUNS_PER_THREAD`` runs of each thread."""

    def __init__(self, database: PostgresDatabase) -> None:
        self.database = database

    async def add(self, trace: RunTrace) -> None:
        text = jsonb_text(json.dumps(trace.as_json(), ensure_ascii=False, default=str))
        async with self.database.connection() as db:
            await db.execute(
                "INSERT INTO chatloom_workflow_runs (id, thread_id, item_id, trace) "
                "VALUES (%s, %s, %s, %s::jsonb)",
                (trace.id, trace.thread_id, trace.item_id, text),
            )
            await db.execute(
                "DELETE FROM chatloom_workflow_runs WHERE thread_id = %s AND seq NOT IN ("
                "SELECT seq FROM chatloom_workflow_runs WHERE thread_id = %s "
                "ORDER BY seq DESC LIMIT %s)",
                (trace.thread_id, trace.thread_id, MAX_RUNS_PER_THREAD),
            )

    async def list(
        self, thread_id: str, limit: int = 20, item_id: str | None = None
    ) -> list[dict[str, Any]]:
        async with self.database.connection() as db:
            cursor = await db.execute(
                "SELECT trace::text FROM chatloom_workflow_runs WHERE thread_id = %s "
                "AND (%s::text IS NULL OR item_id = %s) ORDER BY seq DESC LIMIT %s",
                (thread_id, item_id, item_id, limit),
            )
            rows = await cursor.fetchall()
        return [json.loads(row[0]) for row in rows]

    async def delete(self, thread_id: str) -> None:
        async with self.database.connection() as db:
            await db.execute(
                "DELETE FROM chatloom_workflow_runs WHERE thread_id = %s", (thread_id,)
            )


__all__ = ["PostgresTraceStore", "PostgresWorkflowStateStore"]
