"""The embedded default :class:`~chatloom.store.Store`: one SQLite file (or ``:memory:``).

Design notes:

* Models are stored as JSON next to the few columns queries need, so the wire schema
  can evolve without migrations.
* Every list is ordered by ``(created_us, seq)``: creation time in microseconds, then
  insertion order, which breaks ties between items created in the same microsecond.
  A cursor is an id whose key is found through an index, so a page costs
  O(log n + page) however long the thread is.
* One connection on one worker thread serves all calls: SQLite serializes writers
  anyway, and the event loop never blocks on disk. WAL lets other processes read
  while this one writes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from os import PathLike
from typing import Any, TypeVar

from ..database import connect, transaction
from ..types import (
    Attachment,
    Page,
    SortOrder,
    ThreadItem,
    ThreadMetadata,
    attachment_adapter,
    thread_item_adapter,
)
from . import NotFoundError, Store, TContext, user_id_of

R = TypeVar("R")

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS threads_by_user ON threads (user_id, created_us, seq);
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    id TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (thread_id, id)
);
CREATE INDEX IF NOT EXISTS items_by_thread ON items (thread_id, created_us, seq);
CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    thread_id TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_by_thread ON attachments (thread_id);
"""


def _micros(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


def _page_rows(
    db: sqlite3.Connection,
    table: str,
    scope: str,
    scope_value: str,
    after: str | None,
    limit: int,
    order: SortOrder,
) -> list[tuple[str, str]]:
    """One page of ``(id, data)`` rows of ``table`` where ``scope`` equals ``scope_value``.

    The cursor ``after`` is looked up within the same scope, so a cursor from another
    thread or user is simply not found.
    """
    direction, compare = ("ASC", ">") if order == "asc" else ("DESC", "<")
    params: tuple[Any, ...] = (scope_value,)
    cursor = ""
    if after is not None:
        key = db.execute(
            f"SELECT created_us, seq FROM {table} WHERE {scope} = ? AND id = ?",
            (scope_value, after),
        ).fetchone()
        if key is None:
            raise NotFoundError(f"Cursor {after} not found")
        params += tuple(key)
        cursor = f" AND (created_us, seq) {compare} (?, ?)"
    query = (
        f"SELECT id, data FROM {table} WHERE {scope} = ?{cursor} "
        f"ORDER BY created_us {direction}, seq {direction} LIMIT ?"
    )
    return db.execute(query, (*params, limit + 1)).fetchall()


class SQLiteStore(Store[TContext]):
    """Threads, items and attachment metadata in SQLite, scoped per user.

    ``path`` is a file (created if missing) or ``":memory:"``.
    """

    def __init__(self, path: str | PathLike[str] = ":memory:", *, timeout: float = 10.0) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chatloom-sqlite")
        self._connection = self._executor.submit(self._connect, str(path), timeout).result()

    @staticmethod
    def _connect(path: str, timeout: float) -> sqlite3.Connection:
        connection = connect(path, timeout=timeout)
        connection.execute("PRAGMA foreign_keys=ON")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > _SCHEMA_VERSION:
            raise RuntimeError(
                f"{path} was written by a newer chatloom (schema {version} > {_SCHEMA_VERSION})"
            )
        connection.executescript(_SCHEMA)
        connection.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
        return connection

    async def _run(self, work: Callable[[sqlite3.Connection], R]) -> R:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, work, self._connection
        )

    async def _write(self, work: Callable[[sqlite3.Connection], R]) -> R:
        def in_transaction(db: sqlite3.Connection) -> R:
            with transaction(db):
                return work(db)

        return await self._run(in_transaction)

    def close(self) -> None:
        """Close the connection and stop the worker thread."""
        self._executor.submit(self._connection.close).result()
        self._executor.shutdown()

    # --- threads -----------------------------------------------------------------------

    @staticmethod
    def _require_thread(db: sqlite3.Connection, thread_id: str, user_id: str) -> None:
        row = db.execute(
            "SELECT 1 FROM threads WHERE id = ? AND user_id = ?", (thread_id, user_id)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def load_thread(self, thread_id: str, context: TContext) -> ThreadMetadata:
        user_id = user_id_of(context)

        def work(db: sqlite3.Connection) -> str:
            row = db.execute(
                "SELECT data FROM threads WHERE id = ? AND user_id = ?", (thread_id, user_id)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"Thread {thread_id} not found")
            return str(row[0])

        return ThreadMetadata.model_validate_json(await self._run(work))

    async def save_thread(self, thread: ThreadMetadata, context: TContext) -> None:
        user_id = user_id_of(context)
        data = thread.model_dump_json(exclude={"items"})
        created = _micros(thread.created_at)

        def work(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "INSERT INTO threads (id, user_id, created_us, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET created_us = excluded.created_us, "
                "data = excluded.data WHERE threads.user_id = excluded.user_id",
                (thread.id, user_id, created, data),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"Thread {thread.id} not found")

        await self._write(work)

    async def load_threads(
        self, limit: int, after: str | None, order: SortOrder, context: TContext
    ) -> Page[ThreadMetadata]:
        user_id = user_id_of(context)

        rows = await self._run(
            lambda db: _page_rows(db, "threads", "user_id", user_id, after, limit, order)
        )
        return _page(rows, limit, ThreadMetadata.model_validate_json)

    async def delete_thread(self, thread_id: str, context: TContext) -> None:
        user_id = user_id_of(context)

        def work(db: sqlite3.Connection) -> None:
            self._require_thread(db, thread_id, user_id)
            db.execute("DELETE FROM items WHERE thread_id = ?", (thread_id,))
            db.execute("DELETE FROM threads WHERE id = ?", (thread_id,))

        await self._write(work)

    # --- items -------------------------------------------------------------------------

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: SortOrder,
        context: TContext,
    ) -> Page[ThreadItem]:
        user_id = user_id_of(context)

        def work(db: sqlite3.Connection) -> list[tuple[str, str]]:
            self._require_thread(db, thread_id, user_id)
            return _page_rows(db, "items", "thread_id", thread_id, after, limit, order)

        rows = await self._run(work)
        return _page(rows, limit, thread_item_adapter.validate_json)

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        user_id = user_id_of(context)
        data = item.model_dump_json()
        created = _micros(item.created_at)

        def work(db: sqlite3.Connection) -> None:
            self._require_thread(db, thread_id, user_id)
            db.execute(
                "INSERT INTO items (thread_id, id, created_us, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (thread_id, id) DO UPDATE SET data = excluded.data",
                (thread_id, item.id, created, data),
            )

        await self._write(work)

    async def save_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        await self.add_thread_item(thread_id, item, context)

    async def load_item(self, thread_id: str, item_id: str, context: TContext) -> ThreadItem:
        user_id = user_id_of(context)

        def work(db: sqlite3.Connection) -> str:
            self._require_thread(db, thread_id, user_id)
            row = db.execute(
                "SELECT data FROM items WHERE thread_id = ? AND id = ?", (thread_id, item_id)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
            return str(row[0])

        return thread_item_adapter.validate_json(await self._run(work))

    async def delete_thread_item(self, thread_id: str, item_id: str, context: TContext) -> None:
        user_id = user_id_of(context)

        def work(db: sqlite3.Connection) -> None:
            self._require_thread(db, thread_id, user_id)
            db.execute("DELETE FROM items WHERE thread_id = ? AND id = ?", (thread_id, item_id))

        await self._write(work)

    # --- attachments -------------------------------------------------------------------

    async def save_attachment(self, attachment: Attachment, context: TContext) -> None:
        user_id = user_id_of(context)
        data = attachment.model_dump_json()

        def work(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "INSERT INTO attachments (id, user_id, thread_id, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET thread_id = excluded.thread_id, "
                "data = excluded.data WHERE attachments.user_id = excluded.user_id",
                (attachment.id, user_id, attachment.thread_id, data),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"Attachment {attachment.id} not found")

        await self._write(work)

    async def load_attachment(self, attachment_id: str, context: TContext) -> Attachment:
        user_id = user_id_of(context)

        def work(db: sqlite3.Connection) -> str:
            row = db.execute(
                "SELECT data FROM attachments WHERE id = ? AND user_id = ?",
                (attachment_id, user_id),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"Attachment {attachment_id} not found")
            return str(row[0])

        return attachment_adapter.validate_json(await self._run(work))

    async def delete_attachment(self, attachment_id: str, context: TContext) -> None:
        user_id = user_id_of(context)
        await self._write(
            lambda db: db.execute(
                "DELETE FROM attachments WHERE id = ? AND user_id = ?", (attachment_id, user_id)
            )
        )

    async def load_thread_attachments(self, thread_id: str, context: TContext) -> list[Attachment]:
        user_id = user_id_of(context)
        rows = await self._run(
            lambda db: db.execute(
                "SELECT data FROM attachments WHERE thread_id = ? AND user_id = ?",
                (thread_id, user_id),
            ).fetchall()
        )
        return [attachment_adapter.validate_json(row[0]) for row in rows]


def _page(rows: list[tuple[str, str]], limit: int, parse: Callable[[str], R]) -> Page[R]:
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        data=[parse(data) for _, data in rows],
        has_more=has_more,
        after=rows[-1][0] if has_more and rows else None,
    )


__all__ = ["SQLiteStore"]
