"""What the disk store knows about each file: owner, name, type, size, upload state.

A small SQLite database beside the files. Every call is one transaction, so the checks
that must not race hold across concurrent requests and processes: a user's quota (checked and
charged in one step) and the single use of an upload URL (pending -> uploading).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from ..database import Database
from ..store import NotFoundError
from .policy import UploadPolicy

R = TypeVar("R")
UploadState = Literal["pending", "uploading", "ready"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    in_message INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS files_by_owner ON files (owner);
CREATE INDEX IF NOT EXISTS files_unsent ON files (in_message, created_at);
"""
_COLUMNS = "id, owner, name, mime_type, size, state, created_at, in_message"


@dataclass(frozen=True)
class FileRecord:
    id: str
    owner: str
    name: str
    mime_type: str
    size: int
    """Bytes stored, or (while pending) the size the client announced."""
    state: UploadState
    created_at: float
    in_message: bool = False
    """Known to be part of a sent message, so never an orphan."""


class FileIndex:
    """The records, in ``path``; every call is one transaction on a worker thread."""

    def __init__(self, path: Path) -> None:
        self._db = Database(path, schema=_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @staticmethod
    def _usage(db: sqlite3.Connection, owner: str, excluding: str = "") -> tuple[int, int]:
        count, total = db.execute(
            "SELECT count(*), coalesce(sum(size), 0) FROM files WHERE owner = ? AND id != ?",
            (owner, excluding),
        ).fetchone()
        return int(count), int(total)

    async def usage(self, owner: str) -> tuple[int, int]:
        """``(files, bytes)`` the user holds."""
        return await self._db.run(lambda db: self._usage(db, owner))

    async def add(self, record: FileRecord, policy: UploadPolicy) -> None:
        """Insert ``record`` if the owner's quota has room for it, else raise 429."""

        def work(db: sqlite3.Connection) -> None:
            count, total = self._usage(db, record.owner)
            policy.check_quota(count + 1, total + record.size)
            db.execute(
                f"INSERT INTO files ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.owner,
                    record.name,
                    record.mime_type,
                    record.size,
                    record.state,
                    record.created_at,
                    int(record.in_message),
                ),
            )

        await self._db.run(work)

    async def get(self, file_id: str) -> FileRecord | None:
        row = await self._db.run(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM files WHERE id = ?", (file_id,)
            ).fetchone()
        )
        return None if row is None else _record(row)

    async def claim_upload(self, file_id: str) -> bool:
        """Move a pending upload to ``uploading``; ``False`` if it is not pending."""
        return await self._set_state(file_id, "pending", "uploading")

    async def release_upload(self, file_id: str) -> None:
        """A claimed upload failed: let its URL be used again (until it expires)."""
        await self._set_state(file_id, "uploading", "pending")

    async def _set_state(self, file_id: str, old: UploadState, new: UploadState) -> bool:
        cursor = await self._db.run(
            lambda db: db.execute(
                "UPDATE files SET state = ? WHERE id = ? AND state = ?", (new, file_id, old)
            )
        )
        return cursor.rowcount == 1

    async def complete_upload(self, file_id: str, size: int, policy: UploadPolicy) -> None:
        """Record the real size of a claimed upload, within quota (else raise 429)."""

        def work(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT owner FROM files WHERE id = ?", (file_id,)).fetchone()
            if row is None:  # deleted while the bytes were arriving
                raise NotFoundError(f"Attachment {file_id} not found")
            count, total = self._usage(db, row[0], excluding=file_id)
            policy.check_quota(count + 1, total + size)
            db.execute("UPDATE files SET size = ?, state = 'ready' WHERE id = ?", (size, file_id))

        await self._db.run(work)

    async def mark_in_message(self, file_id: str) -> None:
        await self._db.run(
            lambda db: db.execute("UPDATE files SET in_message = 1 WHERE id = ?", (file_id,))
        )

    async def remove(self, file_id: str) -> None:
        await self._db.run(lambda db: db.execute("DELETE FROM files WHERE id = ?", (file_id,)))

    async def unsent_before(self, cutoff: float) -> list[FileRecord]:
        """Records created before ``cutoff`` and not known to be in a message."""
        rows = await self._db.run(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM files WHERE in_message = 0 AND created_at < ?",
                (cutoff,),
            ).fetchall()
        )
        return [_record(row) for row in rows]


def _record(row: tuple[str, str, str, str, int, UploadState, float, int]) -> FileRecord:
    file_id, owner, name, mime_type, size, state, created_at, in_message = row
    return FileRecord(file_id, owner, name, mime_type, size, state, created_at, bool(in_message))
