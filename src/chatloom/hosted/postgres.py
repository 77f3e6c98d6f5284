"""Hosted mode's state in PostgreSQL, beside the threads: sessions, the thread
directory and published workflow versions, so any number of instances serve the same
sessions and workflows. Tables come from the shared migrations (``0002_hosted.sql``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg

from ..postgres import PostgresDatabase, migrate
from ..store import StoreUnavailable
from ..types import SortOrder
from .directory import ThreadDirectory, micros
from .sessions import Session, SessionStore
from .workflow.versions import Document, UnknownWorkflow, VersionStore


class PostgresSessionStore(SessionStore):
    def __init__(self, database: PostgresDatabase, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self.database = database

    async def insert(self, session: Session, *, drop_expired_before: int) -> None:
        async with self.database.connection() as db, db.transaction():
            await db.execute(
                "DELETE FROM chatloom_sessions WHERE expires_at < %s", (drop_expired_before,)
            )
            await db.execute(
                "INSERT INTO chatloom_sessions (id, secret_digest, expires_at, data) "
                "VALUES (%s, %s, %s, %s::jsonb)",
                (session.id, session.secret_digest, session.expires_at, session.to_row()),
            )

    async def _one(self, column: str, value: str) -> Session | None:
        async with self.database.connection() as db:
            cursor = await db.execute(
                f"SELECT data::text FROM chatloom_sessions WHERE {column} = %s", (value,)
            )
            row = await cursor.fetchone()
        return None if row is None else Session.from_row(row[0])

    async def get(self, session_id: str) -> Session | None:
        return await self._one("id", session_id)

    async def by_digest(self, secret_digest: str) -> Session | None:
        return await self._one("secret_digest", secret_digest)

    async def update(self, session: Session) -> None:
        async with self.database.connection() as db:
            await db.execute(
                "UPDATE chatloom_sessions SET data = %s::jsonb WHERE id = %s",
                (session.to_row(), session.id),
            )


class PostgresThreadDirectory(ThreadDirectory):
    def __init__(self, database: PostgresDatabase) -> None:
        self.database = database

    async def record(self, thread_id: str, user: str, created_at: datetime) -> None:
        async with self.database.connection() as db:
            await db.execute(
                "INSERT INTO chatloom_thread_owners (id, user_id, created_us) "
                "VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (thread_id, user, micros(created_at)),
            )

    async def remove(self, thread_id: str) -> None:
        async with self.database.connection() as db:
            await db.execute("DELETE FROM chatloom_thread_owners WHERE id = %s", (thread_id,))

    async def owner(self, thread_id: str) -> str | None:
        async with self.database.connection() as db:
            cursor = await db.execute(
                "SELECT user_id FROM chatloom_thread_owners WHERE id = %s", (thread_id,)
            )
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def walk(
        self, user: str | None, cursor_id: str | None, walk: SortOrder, limit: int
    ) -> list[tuple[str, str]] | None:
        direction, compare = ("ASC", ">") if walk == "asc" else ("DESC", "<")
        where, params = ["TRUE"], {"user": user, "cursor": cursor_id, "limit": limit}
        if user is not None:
            where.append("user_id = %(user)s")
        if cursor_id is not None:
            key = "FROM chatloom_thread_owners WHERE id = %(cursor)s"
            where.append(
                f"(created_us, seq) {compare} ((SELECT created_us {key}), (SELECT seq {key}))"
            )
        async with self.database.connection() as db:
            cursor = await db.execute(
                f"SELECT id, user_id FROM chatloom_thread_owners WHERE {' AND '.join(where)} "
                f"ORDER BY created_us {direction}, seq {direction} LIMIT %(limit)s",
                params,
            )
            rows = [(str(a), str(b)) for a, b in await cursor.fetchall()]
            if not rows and cursor_id is not None:
                known = await db.execute(
                    "SELECT 1 FROM chatloom_thread_owners WHERE id = %s", (cursor_id,)
                )
                if await known.fetchone() is None:
                    return None
        return rows


class PostgresVersions(VersionStore):
    """Published versions in ``chatloom_workflow_versions``, through one synchronous
    connection (see :mod:`chatloom.hosted.workflow.versions` for why that is enough),
    checked before each use and reopened after a database restart."""

    def __init__(self, url: str, *, timeout: int = 5, migrate_schema: bool = True) -> None:
        if migrate_schema:
            migrate(url)
        self.url = url
        self.timeout = timeout
        self._connection: psycopg.Connection[tuple[Any, ...]] | None = None
        self._lock = threading.Lock()

    def _connected(self) -> psycopg.Connection[tuple[Any, ...]]:
        if self._connection is not None:
            try:
                self._connection.execute("")
                return self._connection
            except psycopg.Error:
                self._connection.close()
                self._connection = None
        self._connection = psycopg.connect(self.url, autocommit=True, connect_timeout=self.timeout)
        return self._connection

    def _rows(self, query: str, params: Any) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                cursor = self._connected().execute(query, params)
                return cursor.fetchall() if cursor.description else []
        except psycopg.OperationalError as error:
            raise StoreUnavailable("The database is unavailable; try again shortly.") from error

    def numbers(self, workflow_id: str) -> list[str]:
        rows = self._rows(
            "SELECT version FROM chatloom_workflow_versions WHERE workflow_id = %s "
            "ORDER BY version",
            (workflow_id,),
        )
        return [str(row[0]) for row in rows]

    def default(self, workflow_id: str) -> str | None:
        rows = self._rows(
            "SELECT version FROM chatloom_workflow_defaults WHERE workflow_id = %s", (workflow_id,)
        )
        return str(rows[0][0]) if rows else None

    def set_default(self, workflow_id: str, version: str) -> None:
        if version not in self.numbers(workflow_id):
            raise UnknownWorkflow(f"Workflow '{workflow_id}' has no version '{version}'.")
        self._rows(
            "INSERT INTO chatloom_workflow_defaults (workflow_id, version) VALUES (%s, %s) "
            "ON CONFLICT (workflow_id) DO UPDATE SET version = excluded.version",
            (workflow_id, int(version)),
        )

    def add(self, workflow_id: str, document_for: Callable[[str], Document]) -> str:
        while True:
            existing = self.numbers(workflow_id)
            number = str(int(existing[-1]) + 1 if existing else 1)
            text = json.dumps(document_for(number), ensure_ascii=False)
            try:
                self._rows(
                    "INSERT INTO chatloom_workflow_versions (workflow_id, version, document) "
                    "VALUES (%s, %s, %s)",
                    (workflow_id, int(number), text),
                )
            except psycopg.errors.UniqueViolation:
                continue  # another publisher took this number: take the next
            return number

    def document(self, workflow_id: str, version: str) -> Document | None:
        if not version.isdigit() or len(version) > 9:
            return None
        rows = self._rows(
            "SELECT document FROM chatloom_workflow_versions "
            "WHERE workflow_id = %s AND version = %s",
            (workflow_id, int(version)),
        )
        if not rows:
            return None
        document: Document = json.loads(rows[0][0])
        return document

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


__all__ = ["PostgresSessionStore", "PostgresThreadDirectory", "PostgresVersions"]
