"""Workflow state on PostgreSQL: engine-v2's WorkflowStateStore contract suite, and two
instances (two stores, one database) excluding each other on one thread.

Runs once engine-v2 (chatloom.hosted.engine.state, tests/hosted/state_contract.py) is
merged; until then it reports itself skipped with that reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

pytest.importorskip(
    "chatloom.hosted.engine.state", reason="needs engine-v2's WorkflowStateStore (merge it)"
)

from chatloom.hosted.engine.state import RunRecord, StateConflict, ThreadBusy

from chatloom.hosted.postgres_state import PostgresWorkflowStateStore
from chatloom.postgres import PostgresDatabase

from .state_contract import WorkflowStateStoreContract, record_of, save

pytestmark = pytest.mark.postgres


class TestPostgres(WorkflowStateStoreContract):
    @pytest.fixture
    async def store(self, postgres_url: str) -> AsyncIterator[PostgresWorkflowStateStore]:
        database = PostgresDatabase(postgres_url)
        yield PostgresWorkflowStateStore(database)
        await database.close()


async def test_two_instances_exclude_each_other_on_one_thread(postgres_url: str) -> None:
    first_db, second_db = PostgresDatabase(postgres_url), PostgresDatabase(postgres_url)
    first, second = PostgresWorkflowStateStore(first_db), PostgresWorkflowStateStore(second_db)
    try:
        await save(first, "thr_1", RunRecord({"n": 0}))
        inside, release = asyncio.Event(), asyncio.Event()

        async def holder() -> None:
            async with first.transaction("thr_1") as slot:
                inside.set()
                await release.wait()
                slot.save(RunRecord({"n": 1}))

        task = asyncio.create_task(holder())
        await inside.wait()
        with pytest.raises(ThreadBusy):
            async with second.transaction("thr_1", wait_seconds=0.2):
                pass
        waiter = asyncio.create_task(record_of(second, "thr_1"))
        release.set()
        await task
        assert await waiter == RunRecord({"n": 1})  # waited, then saw the committed record
    finally:
        await first_db.close()
        await second_db.close()


async def test_an_expired_lease_taken_over_cannot_overwrite(postgres_url: str) -> None:
    database = PostgresDatabase(postgres_url)
    slow = PostgresWorkflowStateStore(database, lease_seconds=0.05)
    other = PostgresWorkflowStateStore(database)
    try:
        with pytest.raises(StateConflict):
            async with slow.transaction("thr_1") as slot:
                # The other waits until the slow run's lease runs out, then moves on.
                await save(other, "thr_1", RunRecord({"n": 2}))
                slot.save(RunRecord({"n": 1}))
        assert await record_of(other, "thr_1") == RunRecord({"n": 2})
    finally:
        await database.close()
