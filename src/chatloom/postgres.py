"""The PostgreSQL plumbing every chatloom table shares: the schema migrations, one
connection pool, and what "the database is down" looks like to callers.

* Migrations are the numbered SQL files in ``chatloom/migrations`` (``0001_store.sql``,
  ...), applied in order, each once, in its own transaction, recorded in
  ``chatloom_migrations``. They run under a PostgreSQL advisory lock, so any number of
  instances starting together apply each exactly once and all wait until the schema
  is complete.
* :class:`PostgresDatabase` opens its pool lazily on the running event loop (so it can
  be built before the server's loop exists) and checks each connection before handing
  it out (one empty query), so connections broken by a database restart are replaced
  instead of failing a request.
* Every connection failure surfaces as :class:`~chatloom.store.StoreUnavailable`
  (HTTP 503), never as a driver exception.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from .store import StoreUnavailable

# pg_advisory_lock key: "chatloom" in ASCII, as a bigint.
MIGRATION_LOCK = 0x63686174_6C6F6F6D
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The migrations shipped with chatloom, in order."""
    found = []
    for entry in files("chatloom").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda migration: migration.number)


def migrate(url: str, *, connect_timeout: int = 10) -> list[str]:
    """Bring the database at ``url`` to the current schema; returns what was applied.

    Safe to call from many processes at once: the advisory lock makes the others wait,
    and they then find nothing left to do. A database migrated by a newer chatloom
    (a migration number this one does not know) is refused.
    """
    known = migrations()
    applied: list[str] = []
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout) as db:
            db.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS chatloom_migrations ("
                    " number integer PRIMARY KEY, name text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now())"
                )
                done = {row[0] for row in db.execute("SELECT number FROM chatloom_migrations")}
                newest = known[-1].number if known else 0
                if done and max(done) > newest:
                    raise RuntimeError(
                        f"The database was migrated by a newer chatloom "
                        f"(migration {max(done)} > {newest})"
                    )
                for migration in known:
                    if migration.number in done:
                        continue
                    with db.transaction():
                        db.execute(migration.sql.encode("utf-8"))
                        db.execute(
                            "INSERT INTO chatloom_migrations (number, name) VALUES (%s, %s)",
                            (migration.number, migration.name),
                        )
                    applied.append(migration.name)
            finally:
                db.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    except psycopg.OperationalError as error:
        raise StoreUnavailable(f"PostgreSQL is unavailable: {error}") from error
    return applied


class PostgresDatabase:
    """A migrated database and a pool of connections to it (autocommit; callers open
    transactions where several statements must hold together).

    ``min_size``/``max_size`` bound the pool; ``timeout`` is how long a caller waits for
    a connection before :class:`StoreUnavailable`.
    """

    def __init__(
        self,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 5.0,
        migrate_schema: bool = True,
    ) -> None:
        if migrate_schema:
            migrate(url)
        self.url = url
        self.timeout = timeout
        self.pool = AsyncConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            open=False,
            kwargs={"autocommit": True},
            name="chatloom",
        )
        self._opened = False

    @asynccontextmanager
    async def connection(
        self, timeout: float | None = None
    ) -> AsyncIterator[psycopg.AsyncConnection[tuple[Any, ...]]]:
        """A working connection from the pool (waiting at most ``timeout`` seconds, the
        pool's by default); connection failures become :class:`StoreUnavailable`."""
        try:
            connection = await self._lend(self.timeout if timeout is None else timeout)
        except (psycopg.OperationalError, PoolTimeout) as error:
            raise StoreUnavailable("The database is unavailable; try again shortly.") from error
        try:
            yield connection
        except psycopg.OperationalError as error:
            raise StoreUnavailable("The database is unavailable; try again shortly.") from error
        finally:
            await self.pool.putconn(connection)

    async def _lend(self, timeout: float) -> psycopg.AsyncConnection[tuple[Any, ...]]:
        """A pooled connection that answered an empty query just now.

        Connections broken by a database restart are handed back (the pool discards
        and replaces them) and the next one is tried at once: unlike the pool's own
        check, without a back-off between attempts, so a restart costs no request
        more than the time to reconnect.
        """
        if not self._opened:
            self._opened = True
            await self.pool.open(wait=False)
        deadline = time.monotonic() + timeout
        while True:
            connection = await self.pool.getconn(max(0.0, deadline - time.monotonic()))
            try:
                await connection.execute("")
            except psycopg.Error:
                await self.pool.putconn(connection)
                if time.monotonic() >= deadline:
                    raise
                continue
            return connection

    async def ping(self, timeout: float = 2.0) -> None:
        """Raise :class:`StoreUnavailable` unless the database answers within ``timeout``."""
        async with self.connection(timeout) as connection:
            await connection.execute("SELECT 1")

    async def close(self) -> None:
        await self.pool.close()


__all__ = ["MIGRATION_LOCK", "Migration", "PostgresDatabase", "migrate", "migrations"]
