"""The WorkflowStateStore contract: every implementation runs this suite.

Subclass :class:`WorkflowStateStoreContract` and give it a ``store`` fixture (see
``test_workflow_state.py`` for SQLite); a PostgreSQL store adds one more subclass.
"""

from __future__ import annotations

import asyncio

import pytest

from chatloom.hosted.engine.state import (
    RunRecord,
    Suspended,
    ThreadBusy,
    WorkflowStateStore,
)


async def record_of(store: WorkflowStateStore, thread_id: str) -> RunRecord | None:
    async with store.transaction(thread_id) as slot:
        return slot.record


async def save(store: WorkflowStateStore, thread_id: str, record: RunRecord) -> None:
    async with store.transaction(thread_id) as slot:
        slot.save(record)


class WorkflowStateStoreContract:
    @pytest.fixture
    def store(self) -> WorkflowStateStore:
        raise NotImplementedError("give the suite a store")

    async def test_a_new_thread_has_no_record(self, store: WorkflowStateStore) -> None:
        assert await record_of(store, "thr_new") is None

    async def test_a_saved_record_is_what_the_next_transaction_loads(
        self, store: WorkflowStateStore
    ) -> None:
        suspended = Suspended("approval", "ask", [("loop", 2), ("inner", 0)], {"a": [1]}, "msg_1")
        await save(store, "thr_1", RunRecord({"n": 1, "tags": ["x"]}, suspended, {"out": True}))
        loaded = await record_of(store, "thr_1")
        assert loaded == RunRecord({"n": 1, "tags": ["x"]}, suspended, {"out": True})
        await save(store, "thr_1", RunRecord({"n": 2}))
        assert await record_of(store, "thr_1") == RunRecord({"n": 2})

    async def test_a_block_that_fails_writes_nothing(self, store: WorkflowStateStore) -> None:
        await save(store, "thr_1", RunRecord({"n": 1}))
        with pytest.raises(RuntimeError):
            async with store.transaction("thr_1") as slot:
                slot.save(RunRecord({"n": 99}))
                raise RuntimeError("the run failed")
        assert await record_of(store, "thr_1") == RunRecord({"n": 1})

    async def test_a_block_that_saves_nothing_keeps_the_record(
        self, store: WorkflowStateStore
    ) -> None:
        await save(store, "thr_1", RunRecord({"n": 1}))
        async with store.transaction("thr_1"):
            pass
        assert await record_of(store, "thr_1") == RunRecord({"n": 1})

    async def test_transactions_on_one_thread_run_one_after_the_other(
        self, store: WorkflowStateStore
    ) -> None:
        await save(store, "thr_1", RunRecord({"n": 0}))
        inside, release = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            async with store.transaction("thr_1") as slot:
                inside.set()
                await release.wait()
                slot.save(RunRecord({"n": 1}))

        async def second() -> RunRecord | None:
            async with store.transaction("thr_1") as slot:
                loaded = slot.record
                slot.save(RunRecord({"n": 2}))
                return loaded

        holder = asyncio.create_task(first())
        await inside.wait()
        waiter = asyncio.create_task(second())
        for _ in range(50):
            await asyncio.sleep(0)
        assert not waiter.done()  # still waiting for the first
        release.set()
        await holder
        assert await waiter == RunRecord({"n": 1})  # it saw what the first committed
        assert await record_of(store, "thr_1") == RunRecord({"n": 2})

    async def test_other_threads_do_not_wait(self, store: WorkflowStateStore) -> None:
        async with store.transaction("thr_1"):
            await save(store, "thr_2", RunRecord({"n": 5}))
        assert await record_of(store, "thr_2") == RunRecord({"n": 5})

    async def test_a_thread_held_too_long_is_busy(self, store: WorkflowStateStore) -> None:
        async with store.transaction("thr_1"):
            with pytest.raises(ThreadBusy):
                async with store.transaction("thr_1", wait_seconds=0.05):
                    pass
        assert await record_of(store, "thr_1") is None  # and the lock was released

    async def test_delete_forgets_the_thread(self, store: WorkflowStateStore) -> None:
        await save(store, "thr_1", RunRecord({"n": 1}))
        await store.delete("thr_1")
        assert await record_of(store, "thr_1") is None
