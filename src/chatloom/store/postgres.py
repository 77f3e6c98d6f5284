"""The scale-out :class:`~chatloom.store.Store`: PostgreSQL, shared by any number of
stateless instances (``pip install 'chatloom[postgres]'``).

Design notes:

* The schema is the SQLite store's, in PostgreSQL types: models as JSONB next to the
  columns queries need; every list ordered by ``(created_us, seq)`` through an index, so
  a page costs O(log n + page) however long the thread. A page is one round trip: the
  owner check and the cursor's key are sub-queries of the page query; only an empty
  page costs a second query, to tell "no more" from "not found".
* Concurrent writers, in one process or many, need no locks of ours: upserts are
  atomic, and the items' foreign key (``ON DELETE CASCADE``) means an item written
  while its thread is deleted fails instead of outliving it.
* JSONB cannot hold the NUL character: a ``\\u0000`` in a string is stored as U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, TypeVar

import psycopg

from ..postgres import PostgresDatabase
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

# A JSON \u0000 escape not itself escaped (an even run of backslashes before it).
_NUL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def jsonb_text(text: str) -> str:
    """JSON text PostgreSQL accepts as JSONB: NUL characters become U+FFFD."""
    return _NUL_ESCAPE.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def _micros(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


def _page_query(
    table: Literal["chatloom_threads", "chatloom_items"],
    scope: str,
    order: SortOrder,
    with_cursor: bool,
    owner_check: bool,
) -> str:
    """One page of ``(id, data)`` in ``order``; parameters ``scope``, ``user``, ``after``,
    ``limit``. The cursor's key comes from scalar sub-queries (InitPlans), so the page
    itself stays an index range scan in index order."""
    direction, compare = ("ASC", ">") if order == "asc" else ("DESC", "<")
    where = [f"{scope} = %(scope)s"]
    if with_cursor:
        key = f"FROM {table} WHERE {scope} = %(scope)s AND id = %(after)s"
        where.append(f"(created_us, seq) {compare} ((SELECT created_us {key}), (SELECT seq {key}))")
    if owner_check:
        where.append(
            "EXISTS (SELECT 1 FROM chatloom_threads WHERE id = %(scope)s AND user_id = %(user)s)"
        )
    return (
        f"SELECT id, data::text FROM {table} WHERE {' AND '.join(where)} "
        f"ORDER BY created_us {direction}, seq {direction} LIMIT %(limit)s"
    )


_QUERIES = {
    (table, order, with_cursor): _page_query(
        table,
        "thread_id" if table == "chatloom_items" else "user_id",
        order,
        with_cursor,
        owner_check=table == "chatloom_items",
    )
    for table in ("chatloom_threads", "chatloom_items")
    for order in ("asc", "desc")
    for with_cursor in (False, True)
}


class PostgresStore(Store[TContext]):
    """Threads, items and attachment metadata in PostgreSQL, scoped per user.

    ``database`` is a connection URL (``postgresql://user:pass@host/db``), migrated at
    once, or a :class:`~chatloom.postgres.PostgresDatabase` shared with other parts
    (hosted mode keeps its sessions in the same database). ``min_size``/``max_size``
    size the pool of a URL.
    """

    def __init__(
        self, database: str | PostgresDatabase, *, min_size: int = 1, max_size: int = 10
    ) -> None:
        self.database = (
            database
            if isinstance(database, PostgresDatabase)
            else PostgresDatabase(database, min_size=min_size, max_size=max_size)
        )

    async def close(self) -> None:
        """Close the pool (a database shared with other parts is theirs to close too)."""
        await self.database.close()

    async def check_ready(self) -> None:
        await self.database.ping()

    async def _fetch(self, query: str, params: Any) -> list[tuple[Any, ...]]:
        async with self.database.connection() as db:
            return await (await db.execute(query, params)).fetchall()

    async def _one(self, query: str, params: Any) -> tuple[Any, ...] | None:
        async with self.database.connection() as db:
            return await (await db.execute(query, params)).fetchone()

    async def _count(self, query: str, params: Any) -> int:
        async with self.database.connection() as db:
            return (await db.execute(query, params)).rowcount

    async def _owns(self, thread_id: str, user_id: str) -> bool:
        row = await self._one(
            "SELECT 1 FROM chatloom_threads WHERE id = %s AND user_id = %s", (thread_id, user_id)
        )
        return row is not None

    async def _require_thread(self, thread_id: str, user_id: str) -> None:
        if not await self._owns(thread_id, user_id):
            raise NotFoundError(f"Thread {thread_id} not found")

    async def _page(
        self,
        table: Literal["chatloom_threads", "chatloom_items"],
        scope: str,
        user_id: str,
        after: str | None,
        limit: int,
        order: SortOrder,
        parse: Callable[[str], R],
    ) -> Page[R]:
        params = {"scope": scope, "user": user_id, "after": after, "limit": limit + 1}
        rows = await self._fetch(_QUERIES[(table, order, after is not None)], params)
        if not rows:
            # Empty: the end, or an unknown thread or cursor.
            if table == "chatloom_items":
                await self._require_thread(scope, user_id)
            column = "thread_id" if table == "chatloom_items" else "user_id"
            if after is not None and not await self._one(
                f"SELECT 1 FROM {table} WHERE {column} = %s AND id = %s", (scope, after)
            ):
                raise NotFoundError(f"Cursor {after} not found")
        has_more = len(rows) > limit
        rows = rows[:limit]
        return Page(
            data=[parse(data) for _, data in rows],
            has_more=has_more,
            after=rows[-1][0] if has_more and rows else None,
        )

    # --- threads -----------------------------------------------------------------------

    async def load_thread(self, thread_id: str, context: TContext) -> ThreadMetadata:
        row = await self._one(
            "SELECT data::text FROM chatloom_threads WHERE id = %s AND user_id = %s",
            (thread_id, user_id_of(context)),
        )
        if row is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadMetadata.model_validate_json(row[0])

    async def save_thread(self, thread: ThreadMetadata, context: TContext) -> None:
        count = await self._count(
            "INSERT INTO chatloom_threads (id, user_id, created_us, data) "
            "VALUES (%s, %s, %s, %s::jsonb) "
            "ON CONFLICT (id) DO UPDATE SET created_us = excluded.created_us, "
            "data = excluded.data WHERE chatloom_threads.user_id = excluded.user_id",
            (
                thread.id,
                user_id_of(context),
                _micros(thread.created_at),
                jsonb_text(thread.model_dump_json(exclude={"items"})),
            ),
        )
        if count == 0:
            raise NotFoundError(f"Thread {thread.id} not found")

    async def load_threads(
        self, limit: int, after: str | None, order: SortOrder, context: TContext
    ) -> Page[ThreadMetadata]:
        user_id = user_id_of(context)
        return await self._page(
            "chatloom_threads", user_id, user_id, after, limit, order,
            ThreadMetadata.model_validate_json,
        )  # fmt: skip

    async def delete_thread(self, thread_id: str, context: TContext) -> None:
        # The items go with it (ON DELETE CASCADE).
        count = await self._count(
            "DELETE FROM chatloom_threads WHERE id = %s AND user_id = %s",
            (thread_id, user_id_of(context)),
        )
        if count == 0:
            raise NotFoundError(f"Thread {thread_id} not found")

    # --- items -------------------------------------------------------------------------

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: SortOrder,
        context: TContext,
    ) -> Page[ThreadItem]:
        return await self._page(
            "chatloom_items", thread_id, user_id_of(context), after, limit, order,
            thread_item_adapter.validate_json,
        )  # fmt: skip

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        try:
            count = await self._count(
                "INSERT INTO chatloom_items (thread_id, id, created_us, data) "
                "SELECT %(thread)s, %(id)s, %(created)s, %(data)s::jsonb WHERE EXISTS ("
                " SELECT 1 FROM chatloom_threads WHERE id = %(thread)s AND user_id = %(user)s) "
                "ON CONFLICT (thread_id, id) DO UPDATE SET data = excluded.data",
                {
                    "thread": thread_id,
                    "id": item.id,
                    "created": _micros(item.created_at),
                    "data": jsonb_text(item.model_dump_json()),
                    "user": user_id_of(context),
                },
            )
        except psycopg.errors.ForeignKeyViolation:
            count = 0  # the thread was deleted while we wrote
        if count == 0:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def save_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        await self.add_thread_item(thread_id, item, context)

    async def load_item(self, thread_id: str, item_id: str, context: TContext) -> ThreadItem:
        user_id = user_id_of(context)
        row = await self._one(
            "SELECT i.data::text FROM chatloom_items i JOIN chatloom_threads t "
            "ON t.id = i.thread_id WHERE i.thread_id = %s AND i.id = %s AND t.user_id = %s",
            (thread_id, item_id, user_id),
        )
        if row is None:
            await self._require_thread(thread_id, user_id)
            raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
        return thread_item_adapter.validate_json(row[0])

    async def delete_thread_item(self, thread_id: str, item_id: str, context: TContext) -> None:
        user_id = user_id_of(context)
        count = await self._count(
            "DELETE FROM chatloom_items i USING chatloom_threads t WHERE t.id = i.thread_id "
            "AND i.thread_id = %s AND i.id = %s AND t.user_id = %s",
            (thread_id, item_id, user_id),
        )
        if count == 0:
            await self._require_thread(thread_id, user_id)

    # --- attachments -------------------------------------------------------------------

    async def save_attachment(self, attachment: Attachment, context: TContext) -> None:
        count = await self._count(
            "INSERT INTO chatloom_attachments (id, user_id, thread_id, data) "
            "VALUES (%s, %s, %s, %s::jsonb) "
            "ON CONFLICT (id) DO UPDATE SET thread_id = excluded.thread_id, "
            "data = excluded.data WHERE chatloom_attachments.user_id = excluded.user_id",
            (
                attachment.id,
                user_id_of(context),
                attachment.thread_id,
                jsonb_text(attachment.model_dump_json()),
            ),
        )
        if count == 0:
            raise NotFoundError(f"Attachment {attachment.id} not found")

    async def load_attachment(self, attachment_id: str, context: TContext) -> Attachment:
        row = await self._one(
            "SELECT data::text FROM chatloom_attachments WHERE id = %s AND user_id = %s",
            (attachment_id, user_id_of(context)),
        )
        if row is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return attachment_adapter.validate_json(row[0])

    async def delete_attachment(self, attachment_id: str, context: TContext) -> None:
        await self._count(
            "DELETE FROM chatloom_attachments WHERE id = %s AND user_id = %s",
            (attachment_id, user_id_of(context)),
        )

    async def load_thread_attachments(self, thread_id: str, context: TContext) -> list[Attachment]:
        rows = await self._fetch(
            "SELECT data::text FROM chatloom_attachments WHERE thread_id = %s AND user_id = %s",
            (thread_id, user_id_of(context)),
        )
        return [attachment_adapter.validate_json(row[0]) for row in rows]


__all__ = ["PostgresStore", "jsonb_text"]
