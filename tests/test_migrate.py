"""``chatloom migrate``: a real SQLite deployment (store, hosted database, published
versions) copied into a real PostgreSQL database, resumed, verified."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
import pytest

from chatloom.cli import main
from chatloom.config import parse_database_url
from chatloom.database import Database
from chatloom.hosted.app import workflow_repository
from chatloom.hosted.directory import SQLiteThreadDirectory
from chatloom.hosted.postgres import PostgresSessionStore, PostgresThreadDirectory
from chatloom.hosted.sessions import SessionCreateParams, SQLiteSessionStore
from chatloom.migrate import migrate_to_postgres
from chatloom.postgres import PostgresDatabase, migrate
from chatloom.store.postgres import PostgresStore
from chatloom.store.sqlite import SQLiteStore
from chatloom.types import Attachment, FileAttachment

from .hosted.conftest import HELLO
from .test_store_contract import ALICE, BOB, message, reply, thread

pytestmark = pytest.mark.postgres


async def deployment(folder: Path) -> dict[str, Any]:
    """A SQLite deployment as `chatloom hosted serve --data` leaves it."""
    store: SQLiteStore[Any] = SQLiteStore(folder / "threads.sqlite3")
    for n in range(3):
        await store.save_thread(thread(f"thr_{n}", n, title=f"T{n}"), ALICE)
        for k in range(40):
            await store.add_thread_item(f"thr_{n}", message(f"msg_{k}", f"thr_{n}", k // 3), ALICE)
    await store.save_thread(thread("thr_bob", metadata={"nul": "a\x00b"}), BOB)
    await store.add_thread_item("thr_bob", reply("msg_b", "thr_bob"), BOB)
    await store.save_attachment(
        FileAttachment(id="atc_1", name="a.txt", mime_type="text/plain", thread_id="thr_0"), ALICE
    )
    store.close()
    hosted = Database(folder / "hosted.sqlite3")
    sessions = SQLiteSessionStore(hosted)
    session, secret = await sessions.create(
        SessionCreateParams.model_validate({"user": "alice", "workflow": {"id": "wf_hello"}}), "1"
    )
    await SQLiteThreadDirectory(hosted).record("thr_0", "alice", thread("thr_0").created_at)
    hosted.close()
    workflows = folder / "workflows"
    workflows.mkdir()
    (workflows / "hello.yaml").write_text(HELLO)
    repository = workflow_repository(workflows)
    repository.publish("wf_hello")
    repository.publish("wf_hello", make_default=False)
    return {"session": session.id, "secret": secret, "workflows": workflows}


def run(url: str, folder: Path, workflows: Path) -> tuple[bool, list[str]]:
    lines: list[str] = []
    ok = migrate_to_postgres(
        url,
        [folder / "threads.sqlite3", folder / "hosted.sqlite3"],
        workflows,
        out=lines.append,
    )
    return ok, lines


async def test_a_deployment_is_copied_resumably_and_verified(
    tmp_path: Path, postgres_url: str
) -> None:
    made = await deployment(tmp_path)
    ok, lines = await asyncio.to_thread(run, postgres_url, tmp_path, made["workflows"])
    assert ok, lines
    text = "\n".join(lines)
    assert "threads                   4 rows: 4 copied, 0 already there; checksum" in text
    assert "items                   121 rows: 121 copied, 0 already there" in text
    assert "chatkit_sessions          1 rows: 1 copied" in text
    assert "workflow versions         2 rows: 2 copied" in text
    assert lines[-1] == "Verified: everything is in PostgreSQL."

    # What the app sees afterwards is what it saw before (order of tied items too).
    database = PostgresDatabase(postgres_url)
    store: PostgresStore[Any] = PostgresStore(database)
    page = await store.load_thread_items("thr_1", None, 100, "asc", ALICE)
    assert [i.id for i in page.data] == [f"msg_{k}" for k in range(40)]
    assert (await store.load_thread("thr_bob", BOB)).metadata == {"nul": "a\ufffdb"}
    attachment: Attachment = await store.load_attachment("atc_1", ALICE)
    assert attachment.thread_id == "thr_0"
    sessions = PostgresSessionStore(database)
    found = await sessions.by_secret(made["secret"])
    assert found is not None and found.id == made["session"]
    assert await PostgresThreadDirectory(database).owner("thr_0") == "alice"
    versions = workflow_repository(made["workflows"], parse_database_url(postgres_url))
    assert versions.versions("wf_hello") == ["1", "2"]
    assert versions.default_version("wf_hello") == "1"
    await store.close()

    # A second run copies nothing and verifies everything again.
    ok, lines = await asyncio.to_thread(run, postgres_url, tmp_path, made["workflows"])
    assert ok and "items                   121 rows: 0 copied, 121 already there" in "\n".join(
        lines
    )


async def test_an_interrupted_copy_resumes_and_a_conflict_fails_verification(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = await deployment(tmp_path)
    # Interrupted: only the first batch of items made it.
    monkeypatch.setattr("chatloom.migrate.BATCH", 50)
    migrate(postgres_url)  # the schema first, so the count below is of copy batches
    calls = 0
    original = psycopg.Connection.transaction

    def failing_transaction(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:  # threads (1 batch), items batch 1, then: the process dies
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "transaction", failing_transaction)
    with pytest.raises(KeyboardInterrupt):
        await asyncio.to_thread(run, postgres_url, tmp_path, made["workflows"])
    monkeypatch.setattr(psycopg.Connection, "transaction", original)
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT count(*) FROM chatloom_items").fetchone() == (50,)
        # Someone else's row under an id the source also uses: never overwritten.
        db.execute("UPDATE chatloom_threads SET data = '{\"id\": \"thr_0\"}' WHERE id = 'thr_0'")
    ok, lines = await asyncio.to_thread(run, postgres_url, tmp_path, made["workflows"])
    text = "\n".join(lines)
    assert "items                   121 rows: 71 copied, 50 already there; checksum" in text
    assert "threads                   4 rows: 0 copied, 4 already there; MISMATCH" in text
    assert not ok and lines[-1] == "Verification FAILED (see above)."


def test_the_command(tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    made = asyncio.run(deployment(tmp_path))
    with pytest.raises(SystemExit) as exit:
        main(["migrate", str(tmp_path / "threads.sqlite3"), "--workflows", str(made["workflows"]),
              "--to", postgres_url])  # fmt: skip
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Copying into postgresql://postgres@127.0.0.1")
    assert out.rstrip().endswith("Verified: everything is in PostgreSQL.")
    with pytest.raises(SystemExit) as exit:
        main(["migrate", str(tmp_path / "nope.sqlite3"), "--to", postgres_url])
    assert exit.value.code == 1
    assert "nope.sqlite3: no such SQLite file" in capsys.readouterr().out
