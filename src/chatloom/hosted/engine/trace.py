"""Run traces: which nodes ran, with their inputs, outputs, durations, model use and errors.

One trace per run, kept per thread (and the item that started the run), readable through
the admin API and ``chatloom workflow trace``. Traces are bounded: values are cut to
:data:`MAX_VALUE_CHARS` of JSON, at most :data:`MAX_STEPS` steps are kept (later ones
are counted), and a thread keeps its last :data:`MAX_RUNS_PER_THREAD` traces.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from ...database import Database

MAX_VALUE_CHARS = 2_000
MAX_STEPS = 200
MAX_RUNS_PER_THREAD = 50

Status = Literal["running", "completed", "suspended", "stopped", "failed"]


def bounded(value: Any) -> Any:
    """``value`` as JSON, or a preview of it when its JSON is longer than the cap."""
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:  # no need to copy it all
        text = json.dumps(value[: MAX_VALUE_CHARS + 1], ensure_ascii=False)
        return {"truncated": True, "chars": len(value) + 2, "preview": text[:MAX_VALUE_CHARS]}
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= MAX_VALUE_CHARS:
        return json.loads(text)
    return {"truncated": True, "chars": len(text), "preview": text[:MAX_VALUE_CHARS]}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class StepTrace:
    node: str
    type: str
    started_at: str
    input: Any
    duration_ms: float = 0.0
    outcome: str | None = None  # continue, suspend, end, stop, or None when it failed
    port: str | None = None
    output: Any = None
    usage: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class RunTrace:
    thread_id: str
    item_id: str | None  # the item that started the run (a user message, an answer…)
    workflow_id: str
    workflow_version: str
    trigger: str  # message, action, resume
    id: str = field(default_factory=lambda: f"run_{uuid.uuid4().hex[:16]}")
    started_at: str = field(default_factory=_now)
    duration_ms: float = 0.0
    status: Status = "running"
    error: str | None = None
    steps: list[StepTrace] = field(default_factory=list)
    steps_dropped: int = 0
    usage: dict[str, int] = field(default_factory=dict)
    _clock: float = field(default_factory=time.perf_counter, repr=False)

    def begin(self, node: str, type: str, value: Any) -> StepTrace | None:
        """A new step (None past the cap: counted, not kept)."""
        if len(self.steps) >= MAX_STEPS:
            self.steps_dropped += 1
            return None
        step = StepTrace(node=node, type=type, started_at=_now(), input=bounded(value))
        self.steps.append(step)
        return step

    def finish(self, status: Status, usage: dict[str, int], error: str | None = None) -> None:
        self.status, self.usage, self.error = status, usage, error
        self.duration_ms = round((time.perf_counter() - self._clock) * 1000, 3)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_clock")
        return {"object": "chatkit.workflow_run", **data}


class TraceStore(Protocol):
    async def add(self, trace: RunTrace) -> None: ...

    async def list(
        self, thread_id: str, limit: int = 20, item_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The thread's traces (of the runs ``item_id`` started, if given), newest first."""
        ...

    async def delete(self, thread_id: str) -> None: ...


SCHEMA = (
    "CREATE TABLE IF NOT EXISTS workflow_runs (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " thread_id TEXT NOT NULL, item_id TEXT, trace TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS workflow_runs_by_thread ON workflow_runs (thread_id, seq)",
)


class SQLiteTraceStore:
    def __init__(self, database: Database) -> None:
        self.database = database

        def create(db: sqlite3.Connection) -> None:
            for statement in SCHEMA:
                db.execute(statement)

        database.run_sync(create)

    async def add(self, trace: RunTrace) -> None:
        text = json.dumps(trace.as_json(), ensure_ascii=False, default=str)

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO workflow_runs (id, thread_id, item_id, trace) VALUES (?, ?, ?, ?)",
                (trace.id, trace.thread_id, trace.item_id, text),
            )
            db.execute(
                "DELETE FROM workflow_runs WHERE thread_id = ? AND seq NOT IN (SELECT seq FROM "
                "workflow_runs WHERE thread_id = ? ORDER BY seq DESC LIMIT ?)",
                (trace.thread_id, trace.thread_id, MAX_RUNS_PER_THREAD),
            )

        await self.database.run(write)

    async def list(
        self, thread_id: str, limit: int = 20, item_id: str | None = None
    ) -> list[dict[str, Any]]:
        rows = await self.database.run(
            lambda db: db.execute(
                "SELECT trace FROM workflow_runs WHERE thread_id = ?"
                " AND (? IS NULL OR item_id = ?) ORDER BY seq DESC LIMIT ?",
                (thread_id, item_id, item_id, limit),
            ).fetchall()
        )
        return [json.loads(row[0]) for row in rows]

    async def delete(self, thread_id: str) -> None:
        await self.database.run(
            lambda db: db.execute("DELETE FROM workflow_runs WHERE thread_id = ?", (thread_id,))
        )


__all__ = [
    "MAX_STEPS",
    "MAX_VALUE_CHARS",
    "RunTrace",
    "SQLiteTraceStore",
    "StepTrace",
    "TraceStore",
    "bounded",
]
