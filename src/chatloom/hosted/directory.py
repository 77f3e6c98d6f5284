"""Which user owns which thread, for the admin threads API.

Stores scope everything by user, which is right for the conversation endpoint; the
admin API lists threads across users (``GET /v1/chatkit/threads`` without ``user``)
and must find a thread's owner from its id alone. :class:`DirectoryStore` wraps the
app's store and keeps this index as threads are saved and deleted; it also gives
threads and items ids shaped like the hosted API's (``cthr_…``, ``cti_…``).
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..database import Database
from ..store import Store, StoreItemType, user_id_of
from ..types import Attachment, Page, SortOrder, ThreadItem, ThreadMetadata
from .credentials import new_id


@dataclass(frozen=True)
class Entry:
    thread_id: str
    user: str


def micros(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


class ThreadDirectory(ABC):
    """Thread id -> owner, listable across users in creation order.

    Implementations: :class:`SQLiteThreadDirectory` (embedded) and
    :class:`chatloom.hosted.postgres.PostgresThreadDirectory`.
    """

    @abstractmethod
    async def record(self, thread_id: str, user: str, created_at: datetime) -> None:
        """Remember the owner (a thread already recorded keeps its first entry)."""

    @abstractmethod
    async def remove(self, thread_id: str) -> None: ...

    @abstractmethod
    async def owner(self, thread_id: str) -> str | None: ...

    @abstractmethod
    async def walk(
        self, user: str | None, cursor_id: str | None, walk: SortOrder, limit: int
    ) -> list[tuple[str, str]] | None:
        """Up to ``limit`` ``(thread_id, user)`` rows in creation order ``walk``, strictly
        past ``cursor_id``; ``None`` when the cursor is unknown."""

    async def page(
        self,
        *,
        user: str | None,
        limit: int,
        order: SortOrder,
        after: str | None = None,
        before: str | None = None,
    ) -> tuple[list[Entry], bool]:
        """Up to ``limit`` threads in ``order``, after or before a cursor; and ``has_more``.

        ``before`` walks the other way from the cursor and reverses the result, so the
        page is always in ``order``. An unknown cursor gives an empty page.
        """
        cursor_id = before if before is not None else after
        walk: SortOrder = order
        if before is not None:
            walk = "desc" if order == "asc" else "asc"
        rows = await self.walk(user, cursor_id, walk, limit + 1)
        if rows is None:
            return [], False
        entries = [Entry(thread_id, owner) for thread_id, owner in rows[:limit]]
        if before is not None:
            entries.reverse()
        return entries, len(rows) > limit


class SQLiteThreadDirectory(ThreadDirectory):
    def __init__(self, database: Database) -> None:
        self.database = database

        def create(db: sqlite3.Connection) -> None:
            db.execute(
                "CREATE TABLE IF NOT EXISTS chatkit_thread_owners ("
                " seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, user TEXT NOT NULL,"
                " created_us INTEGER NOT NULL)"
            )
            db.execute(
                "CREATE INDEX IF NOT EXISTS thread_owners_by_user"
                " ON chatkit_thread_owners (user, created_us, seq)"
            )
            db.execute(
                "CREATE INDEX IF NOT EXISTS thread_owners_by_time"
                " ON chatkit_thread_owners (created_us, seq)"
            )

        database.run_sync(create)

    async def record(self, thread_id: str, user: str, created_at: datetime) -> None:
        await self.database.run(
            lambda db: db.execute(
                "INSERT OR IGNORE INTO chatkit_thread_owners (id, user, created_us) "
                "VALUES (?, ?, ?)",
                (thread_id, user, micros(created_at)),
            )
        )

    async def remove(self, thread_id: str) -> None:
        await self.database.run(
            lambda db: db.execute("DELETE FROM chatkit_thread_owners WHERE id = ?", (thread_id,))
        )

    async def owner(self, thread_id: str) -> str | None:
        row = await self.database.run(
            lambda db: db.execute(
                "SELECT user FROM chatkit_thread_owners WHERE id = ?", (thread_id,)
            ).fetchone()
        )
        return None if row is None else str(row[0])

    async def walk(
        self, user: str | None, cursor_id: str | None, walk: SortOrder, limit: int
    ) -> list[tuple[str, str]] | None:
        direction, compare = ("ASC", ">") if walk == "asc" else ("DESC", "<")

        def query(db: sqlite3.Connection) -> list[tuple[str, str]] | None:
            where, params = ["1 = 1"], []  # type: tuple[list[str], list[Any]]
            if user is not None:
                where.append("user = ?")
                params.append(user)
            if cursor_id is not None:
                key = db.execute(
                    "SELECT created_us, seq FROM chatkit_thread_owners WHERE id = ?", (cursor_id,)
                ).fetchone()
                if key is None:
                    return None
                where.append(f"(created_us, seq) {compare} (?, ?)")
                params += list(key)
            rows: list[tuple[str, str]] = db.execute(
                f"SELECT id, user FROM chatkit_thread_owners WHERE {' AND '.join(where)} "
                f"ORDER BY created_us {direction}, seq {direction} LIMIT ?",
                (*params, limit),
            ).fetchall()
            return rows

        return await self.database.run(query)


class DirectoryStore(Store[Any]):
    """A store that records thread ownership in a :class:`ThreadDirectory` as it goes."""

    def __init__(self, inner: Store[Any], directory: ThreadDirectory) -> None:
        self.inner = inner
        self.directory = directory

    def generate_thread_id(self, context: Any) -> str:
        return new_id("cthr")

    def generate_item_id(
        self, item_type: StoreItemType, thread: ThreadMetadata, context: Any
    ) -> str:
        return new_id("cti")

    async def save_thread(self, thread: ThreadMetadata, context: Any) -> None:
        await self.inner.save_thread(thread, context)
        await self.directory.record(thread.id, user_id_of(context), thread.created_at)

    async def delete_thread(self, thread_id: str, context: Any) -> None:
        await self.inner.delete_thread(thread_id, context)
        await self.directory.remove(thread_id)

    async def check_ready(self) -> None:
        await self.inner.check_ready()

    async def load_thread(self, thread_id: str, context: Any) -> ThreadMetadata:
        return await self.inner.load_thread(thread_id, context)

    async def load_threads(
        self, limit: int, after: str | None, order: SortOrder, context: Any
    ) -> Page[ThreadMetadata]:
        return await self.inner.load_threads(limit, after, order, context)

    async def load_thread_items(
        self, thread_id: str, after: str | None, limit: int, order: SortOrder, context: Any
    ) -> Page[ThreadItem]:
        return await self.inner.load_thread_items(thread_id, after, limit, order, context)

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: Any) -> None:
        await self.inner.add_thread_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: Any) -> None:
        await self.inner.save_item(thread_id, item, context)

    async def load_item(self, thread_id: str, item_id: str, context: Any) -> ThreadItem:
        return await self.inner.load_item(thread_id, item_id, context)

    async def delete_thread_item(self, thread_id: str, item_id: str, context: Any) -> None:
        await self.inner.delete_thread_item(thread_id, item_id, context)

    async def save_attachment(self, attachment: Attachment, context: Any) -> None:
        await self.inner.save_attachment(attachment, context)

    async def load_attachment(self, attachment_id: str, context: Any) -> Attachment:
        return await self.inner.load_attachment(attachment_id, context)

    async def delete_attachment(self, attachment_id: str, context: Any) -> None:
        await self.inner.delete_attachment(attachment_id, context)

    async def load_thread_attachments(self, thread_id: str, context: Any) -> list[Attachment]:
        return await self.inner.load_thread_attachments(thread_id, context)


__all__ = ["DirectoryStore", "Entry", "SQLiteThreadDirectory", "ThreadDirectory", "micros"]
