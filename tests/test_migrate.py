"""``chatloom migrate``: a real SQLite deployment (store, hosted database, published
versions) copied into a real PostgreSQL database, resumed, verified."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import obstore
import psycopg
import pytest

from chatloom.attachments import DiskAttachmentStore
from chatloom.attachments.s3 import S3AttachmentStore
from chatloom.cli import main
from chatloom.config import S3Settings, parse_database_url
from chatloom.database import Database
from chatloom.hosted.app import workflow_repository
from chatloom.hosted.directory import SQLiteThreadDirectory
from chatloom.hosted.postgres import PostgresSessionStore, PostgresThreadDirectory
from chatloom.hosted.sessions import SessionCreateParams, SQLiteSessionStore
from chatloom.http import create_app
from chatloom.migrate import migrate_to_postgres
from chatloom.postgres import PostgresDatabase, migrate
from chatloom.store.postgres import PostgresStore
from chatloom.store.sqlite import SQLiteStore
from chatloom.types import Attachment, FileAttachment, ImageAttachment

from .attachments.conftest import (
    ModelInputServer,
    image_bytes,
    sse_events,
    user_from_header,
    user_item,
)
from .hosted.conftest import HELLO
from .live_server import serve
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


def disk_deployment(folder: Path) -> tuple[str, str, str]:
    """Alice sends an image and a text file through a real app with a disk store;
    ``(thread id, image id, text id)``."""
    files: DiskAttachmentStore[Any] = DiskAttachmentStore(folder / "files")
    store: SQLiteStore[Any] = SQLiteStore(folder / "threads.sqlite3")
    app = create_app(ModelInputServer(store, files), context=user_from_header, serve_element=False)
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        ids: list[str] = []
        for name, data, mime_type in [
            ("photo.png", image_bytes(), "image/png"),
            ("notes.txt", b"the quarterly notes\n", "text/plain"),
        ]:
            response = client.post("/chatkit/files", files={"file": (name, data, mime_type)})
            assert response.status_code == 200, response.text
            ids.append(response.json()["id"])
        message = {
            "content": [{"type": "input_text", "text": "see attached"}],
            "attachments": ids,
            "inference_options": {},
        }
        sent = client.post(
            "/chatkit", json={"type": "threads.create", "params": {"input": message}}
        )
        thread_id = user_item(sse_events(sent))["thread_id"]
    store.close()
    files.close()
    return thread_id, ids[0], ids[1]


def use_bucket(monkeypatch: pytest.MonkeyPatch, settings: S3Settings) -> None:
    """``CHATLOOM_S3_*`` naming the test's bucket and prefix."""
    for name, value in {
        "BUCKET": settings.bucket,
        "ENDPOINT": settings.endpoint,
        "ACCESS_KEY_ID": settings.access_key_id,
        "SECRET_ACCESS_KEY": settings.secret_access_key,
        "PREFIX": settings.prefix,
    }.items():
        monkeypatch.setenv(f"CHATLOOM_S3_{name}", value or "")


@pytest.mark.s3
def test_attachment_bytes_go_from_a_disk_store_to_the_s3_bucket(
    tmp_path: Path,
    postgres_url: str,
    s3_settings: S3Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    thread_id, image_id, text_id = disk_deployment(tmp_path)
    command = ["migrate", str(tmp_path / "threads.sqlite3"), "--to", postgres_url,
               "--files", str(tmp_path / "files"), "--public-url", "https://chat.example.com"]  # fmt: skip

    # Without S3 configured, --files is refused before anything is copied.
    monkeypatch.delenv("CHATLOOM_S3_BUCKET", raising=False)
    with pytest.raises(SystemExit) as exit:
        main(command)
    assert exit.value.code == 2
    assert "set CHATLOOM_S3_BUCKET" in capsys.readouterr().out
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT to_regclass('chatloom_attachments')").fetchone() == (None,)

    use_bucket(monkeypatch, s3_settings)
    with pytest.raises(SystemExit) as exit:
        main(command)
    out = capsys.readouterr().out
    assert exit.value.code == 0, out
    assert "attachment files          2 rows: 2 copied, 0 already there; checksum" in out
    assert out.rstrip().endswith("Verified: everything is in PostgreSQL.")

    # The bucket holds the bytes (as on disk) and the image's preview, all ready.
    files: S3AttachmentStore[Any] = S3AttachmentStore(s3_settings)
    prefix = files.prefix
    objects = sorted(
        meta["path"].removeprefix(prefix)
        for chunk in obstore.list(files.bucket, prefix=prefix)
        for meta in chunk
    )
    assert objects == sorted([
        f"files/{image_id}", f"files/{text_id}", f"previews/{image_id}.webp",
        f"records/{image_id}.json", f"records/{text_id}.json",
    ])  # fmt: skip
    text = obstore.get(files.bucket, files.key("files", text_id)).bytes()
    assert bytes(text) == b"the quarterly notes\n"
    assert (tmp_path / "files" / "files" / image_id).read_bytes() == bytes(
        obstore.get(files.bucket, files.key("files", image_id)).bytes()
    )
    record = asyncio.run(files.record(image_id))
    assert record is not None and record.state == "ready" and record.owner == "alice"

    # The migrated metadata is the S3 store's: its signed preview URL, the same thread.
    async def migrated() -> tuple[Attachment, Attachment]:
        store: PostgresStore[Any] = PostgresStore(PostgresDatabase(postgres_url))
        try:
            image = await store.load_attachment(image_id, ALICE)
            text = await store.load_attachment(text_id, ALICE)
        finally:
            await store.close()
        return image, text

    image, text_file = asyncio.run(migrated())
    assert record is not None
    assert image == files.attachment(record, "https://chat.example.com").model_copy(
        update={"thread_id": thread_id}
    )
    assert isinstance(image, ImageAttachment)
    assert str(image.preview_url).startswith(
        f"https://chat.example.com/chatkit/files/{image_id}/preview?sig="
    )
    assert text_file.thread_id == thread_id and text_file.type == "file"
    # An app serving the bucket (as configured by CHATLOOM_S3_*) answers that preview URL.
    viewer: SQLiteStore[Any] = SQLiteStore(tmp_path / "s3-app.sqlite3")
    server = ModelInputServer(viewer, files)  # type: ignore[arg-type]
    with serve(create_app(server, context=user_from_header, serve_element=False)) as url:
        local = str(image.preview_url).replace("https://chat.example.com", url)
        preview = httpx.get(local, follow_redirects=True, timeout=30)
    viewer.close()
    assert preview.status_code == 200 and preview.content.startswith(b"RIFF")

    # A second run copies nothing.
    with pytest.raises(SystemExit) as exit:
        main(command)
    out = capsys.readouterr().out
    assert exit.value.code == 0, out
    assert "attachments               2 rows: 0 copied, 2 already there" in out
    assert out.rstrip().endswith("Verified: everything is in PostgreSQL.")


@pytest.mark.s3
def test_bytes_the_s3_store_refuses_stop_the_copy_before_their_metadata(
    tmp_path: Path,
    postgres_url: str,
    s3_settings: S3Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, image_id, _ = disk_deployment(tmp_path)
    (tmp_path / "files" / "files" / image_id).write_bytes(b"not a PNG at all")
    use_bucket(monkeypatch, s3_settings)
    with pytest.raises(SystemExit) as exit:
        main(["migrate", str(tmp_path / "threads.sqlite3"), "--to", postgres_url,
              "--files", str(tmp_path / "files"), "--public-url", "https://chat.example.com"])  # fmt: skip
    assert exit.value.code == 1
    out = capsys.readouterr().out
    assert f"Attachment {image_id} (photo.png) was refused: " in out
    with psycopg.connect(postgres_url) as db:
        stored = db.execute("SELECT id FROM chatloom_attachments").fetchall()
    assert stored == []  # no metadata pointing at bytes the bucket does not have
