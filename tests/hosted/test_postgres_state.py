"""Workflow state and run traces on PostgreSQL: the WorkflowStateStore contract suite,
two instances (two stores, one database) excluding each other on one thread, and the
trace store keeping the newest runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from chatloom.hosted.engine.state import RunRecord, StateConflict, ThreadBusy
from chatloom.hosted.engine.trace import MAX_RUNS_PER_THREAD, RunTrace
from chatloom.hosted.postgres_state import PostgresTraceStore, PostgresWorkflowStateStore
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

    async def stalled(thread_id: str, holder: str) -> None:
        await asyncio.Event().wait()  # a stalled instance: its renewals never come

    slow._renew = stalled  # type: ignore[method-assign]
    try:
        with pytest.raises(StateConflict):
            async with slow.transaction("thr_1") as slot:
                # The other waits until the slow run's lease runs out, then moves on.
                await save(other, "thr_1", RunRecord({"n": 2}))
                slot.save(RunRecord({"n": 1}))
        assert await record_of(other, "thr_1") == RunRecord({"n": 2})
    finally:
        await database.close()


async def test_traces_keep_the_newest_runs_per_thread(postgres_url: str) -> None:
    database = PostgresDatabase(postgres_url)
    traces = PostgresTraceStore(database)
    try:
        for index in range(MAX_RUNS_PER_THREAD + 2):
            run = RunTrace("cthr_a", f"msg_{index}", "wf_x", "1", "message")
            run.begin("start", "agent", {"text": "\u0000 nul " + str(index)})
            await traces.add(run)
        await traces.add(RunTrace("cthr_b", None, "wf_x", "1", "message"))
        kept = await traces.list("cthr_a", limit=100)
        assert len(kept) == MAX_RUNS_PER_THREAD
        assert kept[0]["item_id"] == f"msg_{MAX_RUNS_PER_THREAD + 1}"  # newest first
        assert [t["item_id"] for t in await traces.list("cthr_a", item_id="msg_5")] == ["msg_5"]
        await traces.delete("cthr_a")
        assert await traces.list("cthr_a") == []
        assert len(await traces.list("cthr_b")) == 1  # other threads untouched
    finally:
        await database.close()


async def test_a_long_run_keeps_its_lease_and_a_dead_one_frees_it(postgres_url: str) -> None:
    first_db, second_db = PostgresDatabase(postgres_url), PostgresDatabase(postgres_url)
    first = PostgresWorkflowStateStore(first_db, lease_seconds=0.3)
    second = PostgresWorkflowStateStore(second_db, lease_seconds=0.3)
    try:
        async with first.transaction("cthr_long"):
            await asyncio.sleep(1.2)  # four leases long: renewed all along
            with pytest.raises(ThreadBusy):
                async with second.transaction("cthr_long", wait_seconds=0.5):
                    pass
        # A holder that stops renewing (its instance died) loses the thread in one lease.
        await first._lease("cthr_dead", "a-dead-instance", deadline=float("inf"))
        async with second.transaction("cthr_dead", wait_seconds=5):
            pass
    finally:
        await first_db.close()
        await second_db.close()
