"""``chatloom migrate``: copy a SQLite deployment into PostgreSQL, resumably, verified.

What is copied, from each SQLite file given (whichever of these tables it has):
threads, items and attachment metadata (the thread store), sessions and the thread
directory (hosted mode); and the published versions in a workflows folder.

* Resumable: rows go in batches, each its own transaction, ``ON CONFLICT DO NOTHING``;
  a re-run (after an interruption, or to catch up) skips what is already there.
  Items keep their order: they are inserted in the source's order.
* Verified: for every table, the rows of the source are read back from PostgreSQL and
  both sides are hashed (SHA-256 over ids and canonical JSON); counts and checksums
  are printed, and any difference fails the run. A row whose id is already taken in
  PostgreSQL by different content is a difference, never overwritten.
* Attachment bytes: a :data:`CopyBytes` hook sees each attachment not yet copied,
  before its metadata is written, and returns the metadata to store (e.g. pointing at
  the object it uploaded). Without one, the bytes stay where the metadata says.
  :class:`FilesToS3` is the one ``chatloom migrate --files`` uses: a disk store's
  files into an S3 store's bucket, through that store's upload checks.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from .hosted.workflow.versions import FolderVersions
from .postgres import migrate as migrate_schema
from .store.postgres import jsonb_text
from .types import Attachment, attachment_adapter

if TYPE_CHECKING:
    from .attachments.s3 import S3AttachmentStore

BATCH = 500

CopyBytes = Callable[[Attachment, str], Attachment]
"""``(attachment, user_id) -> attachment to store``: moves the bytes of one attachment."""


def canonical(text: str) -> str:
    """JSON as PostgreSQL would give it back, in a form both sides hash alike."""
    return json.dumps(json.loads(jsonb_text(text)), sort_keys=True, separators=(",", ":"))


@dataclass
class Report:
    table: str
    source: int = 0
    copied: int = 0
    verified: int = 0
    source_hash: Any = None
    target_hash: Any = None
    note: str = ""

    def __post_init__(self) -> None:
        self.source_hash = hashlib.sha256()
        self.target_hash = hashlib.sha256()

    @property
    def ok(self) -> bool:
        return self.verified == self.source and (
            self.source_hash.digest() == self.target_hash.digest()
        )

    def line(self) -> str:
        skipped = self.source - self.copied
        check = self.source_hash.hexdigest()[:12]
        verdict = (
            f"checksum {check} matches"
            if self.ok
            else f"MISMATCH: {self.verified} found, checksum {check} != "
            f"{self.target_hash.hexdigest()[:12]}"
        )
        note = f" ({self.note})" if self.note else ""
        return (
            f"  {self.table:<18} {self.source:>8} rows: {self.copied} copied, "
            f"{skipped} already there; {verdict}{note}"
        )


@dataclass(frozen=True)
class Table:
    """How one SQLite table maps onto its PostgreSQL table."""

    name: str
    source_query: str  # rows in source order: key columns, then the compared value
    key_width: int
    insert: str  # one row's INSERT ... ON CONFLICT DO NOTHING (%s placeholders)
    target_query: str  # the compared value of the rows whose keys are in %s arrays
    to_row: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    compared: Callable[[tuple[Any, ...]], str]  # what is hashed, from a source row


def _json_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*row[:-1], jsonb_text(row[-1]))


TABLES = [
    Table(
        "threads",
        "SELECT id, user_id, created_us, data FROM threads ORDER BY seq",
        1,
        "INSERT INTO chatloom_threads (id, user_id, created_us, data) "
        "VALUES (%s, %s, %s, %s::jsonb) ON CONFLICT (id) DO NOTHING",
        "SELECT t.id, t.user_id, t.created_us, t.data::text FROM chatloom_threads t "
        "JOIN unnest(%s::text[]) WITH ORDINALITY k(id, n) ON t.id = k.id ORDER BY k.n",
        _json_row,
        lambda row: json.dumps([row[1], row[2], canonical(row[3])]),
    ),
    Table(
        "items",
        # Items of threads that exist (SQLite does not enforce the reference).
        "SELECT thread_id, id, created_us, data FROM items "
        "WHERE thread_id IN (SELECT id FROM threads) ORDER BY seq",
        2,
        "INSERT INTO chatloom_items (thread_id, id, created_us, data) "
        "VALUES (%s, %s, %s, %s::jsonb) ON CONFLICT (thread_id, id) DO NOTHING",
        "SELECT i.thread_id, i.id, i.created_us, i.data::text FROM chatloom_items i "
        "JOIN unnest(%s::text[], %s::text[]) WITH ORDINALITY k(thread_id, id, n) "
        "ON i.thread_id = k.thread_id AND i.id = k.id ORDER BY k.n",
        _json_row,
        lambda row: json.dumps([row[2], canonical(row[3])]),
    ),
    Table(
        "attachments",
        "SELECT id, user_id, thread_id, data FROM attachments ORDER BY rowid",
        1,
        "INSERT INTO chatloom_attachments (id, user_id, thread_id, data) "
        "VALUES (%s, %s, %s, %s::jsonb) ON CONFLICT (id) DO NOTHING",
        "SELECT a.id, a.user_id, a.thread_id, a.data::text FROM chatloom_attachments a "
        "JOIN unnest(%s::text[]) WITH ORDINALITY k(id, n) ON a.id = k.id ORDER BY k.n",
        _json_row,
        # Not the metadata: the bytes hook may rewrite where the bytes are.
        lambda row: json.dumps([row[1], row[2]]),
    ),
    Table(
        "chatkit_sessions",
        "SELECT id, secret_digest, expires_at, data FROM chatkit_sessions ORDER BY rowid",
        1,
        "INSERT INTO chatloom_sessions (id, secret_digest, expires_at, data) "
        "VALUES (%s, %s, %s, %s::jsonb) ON CONFLICT DO NOTHING",
        "SELECT s.id, s.secret_digest, s.expires_at, s.data::text FROM chatloom_sessions s "
        "JOIN unnest(%s::text[]) WITH ORDINALITY k(id, n) ON s.id = k.id ORDER BY k.n",
        _json_row,
        lambda row: json.dumps([row[1], row[2], canonical(row[3])]),
    ),
    Table(
        "chatkit_thread_owners",
        "SELECT id, user, created_us FROM chatkit_thread_owners ORDER BY seq",
        1,
        "INSERT INTO chatloom_thread_owners (id, user_id, created_us) "
        "VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING",
        "SELECT o.id, o.user_id, o.created_us FROM chatloom_thread_owners o "
        "JOIN unnest(%s::text[]) WITH ORDINALITY k(id, n) ON o.id = k.id ORDER BY k.n",
        lambda row: row,
        lambda row: json.dumps([row[1], row[2]]),
    ),
]


def _batches(rows: sqlite3.Cursor) -> Iterator[list[tuple[Any, ...]]]:
    while batch := rows.fetchmany(BATCH):
        yield batch


def _has_table(source: sqlite3.Connection, table: str) -> bool:
    found = source.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return found is not None


def _key(row: tuple[Any, ...], width: int) -> str:
    return json.dumps(list(row[:width]))


def copy_table(
    source: sqlite3.Connection,
    target: psycopg.Connection[tuple[Any, ...]],
    table: Table,
    copy_bytes: CopyBytes | None = None,
) -> Report:
    report = Report(table.name)
    for batch in _batches(source.execute(table.source_query)):
        keys = [[row[column] for row in batch] for column in range(table.key_width)]
        found = target.execute(table.target_query, keys).fetchall()
        present = {_key(row, table.key_width) for row in found}
        missing = [table.to_row(row) for row in batch if _key(row, table.key_width) not in present]
        if copy_bytes is not None and table.name == "attachments":
            # Bytes first, outside the transaction: metadata only for what was moved.
            missing = [
                (*values[:3], jsonb_text(moved.model_dump_json()))
                for values in missing
                for moved in [copy_bytes(attachment_adapter.validate_json(values[3]), values[1])]
            ]
        with target.transaction():
            for values in missing:
                report.copied += target.execute(table.insert, values).rowcount
        # Verify: the batch as PostgreSQL now holds it, against the source.
        found = target.execute(table.target_query, keys).fetchall()
        report.source += len(batch)
        report.verified += len(found)
        for row in batch:
            report.source_hash.update(
                (_key(row, table.key_width) + table.compared(row) + "\n").encode()
            )
        for row in found:
            report.target_hash.update(
                (_key(row, table.key_width) + table.compared(row) + "\n").encode()
            )
    return report


def copy_versions(folder: Path, target: psycopg.Connection[tuple[Any, ...]]) -> Report:
    """Published versions (and defaults not yet set in PostgreSQL)."""
    report = Report("workflow versions")
    versions = FolderVersions(folder)
    for workflow_id in versions.workflows():
        for number in versions.numbers(workflow_id):
            document = versions.document(workflow_id, number)
            if document is None:
                continue
            text = json.dumps(document, ensure_ascii=False)
            with target.transaction():
                report.copied += target.execute(
                    "INSERT INTO chatloom_workflow_versions (workflow_id, version, document) "
                    "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (workflow_id, int(number), text),
                ).rowcount
            row = target.execute(
                "SELECT document FROM chatloom_workflow_versions "
                "WHERE workflow_id = %s AND version = %s",
                (workflow_id, int(number)),
            ).fetchone()
            key = f"{workflow_id}/{number}:"
            report.source += 1
            report.source_hash.update((key + canonical(text) + "\n").encode())
            if row is not None:
                report.verified += 1
                report.target_hash.update((key + canonical(row[0]) + "\n").encode())
        default = versions.default(workflow_id)
        if default is not None:
            target.execute(
                "INSERT INTO chatloom_workflow_defaults (workflow_id, version) "
                "VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (workflow_id, int(default)),
            )
    return report


class FileRefused(Exception):
    """An attachment's bytes failed the target store's checks; the copy stops there
    (a re-run resumes) rather than point metadata at bytes that are not there."""


class FilesToS3:
    """A :data:`CopyBytes` hook: each attachment's bytes, from the folder of a
    :class:`~chatloom.attachments.DiskAttachmentStore`, into ``store``'s bucket.

    The bytes go through :meth:`S3AttachmentStore.import_file` (sizes and types checked
    again, previews made) and the metadata is rewritten as ``store`` hands it out, its
    preview URLs under ``base`` (the app's public URL). An attachment already ready in
    the bucket is not copied again; one whose bytes are not in the folder (an upload
    never finished) keeps its metadata. :attr:`report` counts and checks (id and size
    on both sides) what went through.
    """

    def __init__(self, folder: str | Path, store: S3AttachmentStore[Any], base: str) -> None:
        self.files = Path(folder) / "files"
        if not self.files.is_dir():
            raise FileNotFoundError(f"{folder}: not a disk attachment store (no files/ folder)")
        self.store = store
        self.base = base.rstrip("/")
        self.report = Report("attachment files")
        self.missing = 0
        self._runner = asyncio.Runner()

    def close(self) -> None:
        self._runner.close()

    def __call__(self, attachment: Attachment, user_id: str) -> Attachment:
        # Here, not at the top: the attachment modules need the [files] extra.
        from .attachments.errors import UploadRejected
        from .attachments.index import FileRecord

        path = self.files / attachment.id
        if attachment.id != path.name or not path.is_file():
            self.missing += 1
            self.report.note = f"{self.missing} without bytes in the folder, left as they were"
            return attachment
        record = FileRecord(
            id=attachment.id,
            owner=user_id,
            name=attachment.name,
            mime_type=attachment.mime_type,
            size=path.stat().st_size,
            state="pending",
            created_at=time.time(),
            in_message=True,
        )
        try:
            ready, copied = self._runner.run(self.store.import_file(record, path))
        except UploadRejected as error:
            message = f"Attachment {attachment.id} ({attachment.name}) was refused: {error.message}"
            raise FileRefused(message) from error
        self.report.source += 1
        self.report.copied += copied
        self.report.source_hash.update(f"{record.id}:{record.size}\n".encode())
        self.report.verified += 1
        self.report.target_hash.update(f"{ready.id}:{ready.size}\n".encode())
        moved = self.store.attachment(ready, self.base)
        return moved.model_copy(
            update={"thread_id": attachment.thread_id, "metadata": attachment.metadata}
        )


def migrate_to_postgres(
    url: str,
    sqlite_files: Sequence[str | Path],
    workflows: str | Path | None = None,
    copy_bytes: CopyBytes | None = None,
    out: Callable[[str], None] = print,
    bytes_report: Report | None = None,
) -> bool:
    """Copy and verify; prints one line per table (and ``bytes_report``, what the
    ``copy_bytes`` hook counted); ``True`` when everything matches."""
    migrate_schema(url)
    reports: list[Report] = []
    with psycopg.connect(url, autocommit=True) as target:
        for path in sqlite_files:
            if not Path(path).is_file():
                raise FileNotFoundError(f"{path}: no such SQLite file")
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                out(f"{path}:")
                for table in TABLES:
                    if _has_table(source, table.name):
                        reports.append(copy_table(source, target, table, copy_bytes))
                        out(reports[-1].line())
            finally:
                source.close()
        if workflows is not None:
            out(f"{workflows}:")
            reports.append(copy_versions(Path(workflows) / "versions", target))
            out(reports[-1].line())
    if bytes_report is not None:
        out("attachment bytes:")
        reports.append(bytes_report)
        out(bytes_report.line())
    ok = all(report.ok for report in reports)
    out("Verified: everything is in PostgreSQL." if ok else "Verification FAILED (see above).")
    return ok


__all__ = [
    "BATCH",
    "CopyBytes",
    "FileRefused",
    "FilesToS3",
    "Report",
    "canonical",
    "copy_table",
    "copy_versions",
    "migrate_to_postgres",
]
