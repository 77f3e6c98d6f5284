"""Workflow state on SQLite: the contract suite, sharing between instances, and the
engine's use of it (concurrent requests on one thread serialize over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chatloom.database import Database
from chatloom.hosted.engine.state import (
    RunRecord,
    SQLiteWorkflowStateStore,
    StateConflict,
    ThreadBusy,
)

from .conftest import Hosted, add, create, thread_id_of
from .state_contract import WorkflowStateStoreContract, record_of, save


class TestSQLiteInMemory(WorkflowStateStoreContract):
    @pytest.fixture
    def store(self) -> Iterator[SQLiteWorkflowStateStore]:
        database = Database(":memory:")
        yield SQLiteWorkflowStateStore(database)
        database.close()


class TestSQLiteFile(WorkflowStateStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteWorkflowStateStore]:
        database = Database(tmp_path / "hosted.sqlite3")
        yield SQLiteWorkflowStateStore(database)
        database.close()


async def test_two_stores_on_one_file_exclude_each_other(tmp_path: Path) -> None:
    # Two processes sharing the file: the lease row, not the in-process lock, decides.
    one, two = Database(tmp_path / "s.sqlite3"), Database(tmp_path / "s.sqlite3")
    first, second = SQLiteWorkflowStateStore(one), SQLiteWorkflowStateStore(two)
    async with first.transaction("thr_1") as slot:
        with pytest.raises(ThreadBusy):
            async with second.transaction("thr_1", wait_seconds=0.1):
                pass
        slot.save(RunRecord({"n": 1}))
    assert await record_of(second, "thr_1") == RunRecord({"n": 1})
    one.close()
    two.close()


async def test_an_expired_lease_is_taken_over_and_the_late_write_refused(tmp_path: Path) -> None:
    one, two = Database(tmp_path / "s.sqlite3"), Database(tmp_path / "s.sqlite3")
    slow = SQLiteWorkflowStateStore(one, lease_seconds=0.0)  # its lease expires at once
    other = SQLiteWorkflowStateStore(two)
    await save(other, "thr_1", RunRecord({"n": 1}))
    with pytest.raises(StateConflict):
        async with slow.transaction("thr_1") as slot:
            await save(other, "thr_1", RunRecord({"n": 2}))  # takes the expired lease
            slot.save(RunRecord({"n": 99}))
    assert await record_of(other, "thr_1") == RunRecord({"n": 2})
    one.close()
    two.close()


COUNT = """
id: wf_count
state: {visits: {type: number, default: 0}}
start: count
nodes:
  count: {type: set_state, assignments: [{name: visits, expr: state.visits + 1}], next: slow}
  slow: {type: transform, expr: '[1, 2, 3].map(x, x * x)', next: done}
  done: {type: end, expr: '{"visits": state.visits}'}
"""


def test_simultaneous_requests_on_one_thread_serialize(hosted: Hosted) -> None:
    workflow_id = hosted.publish(COUNT)
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    thread_id = thread_id_of(hosted.events(secret, create("start")))
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda i: hosted.post(secret, add(thread_id, f"m{i}")), range(6)))
    assert all(answer.status_code == 200 for answer in answers)
    with hosted.admin() as client:
        data = client.get(f"/v1/chatkit/threads/{thread_id}/runs").json()["data"]
    # Every run saw the one before it: 7 runs counted 1..7, none lost an update.
    outputs = sorted(run["steps"][-1]["output"]["visits"] for run in data)
    assert outputs == [1, 2, 3, 4, 5, 6, 7]
