"""What only the PostgreSQL store has to show: migrations under concurrent start-up,
paging through the index, writers in several processes, JSONB's limits, and a restart
of the database under a running store. The Store contract itself is in
test_store_contract.py."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from chatloom.postgres import PostgresDatabase, migrate, migrations
from chatloom.store import StoreUnavailable
from chatloom.store.postgres import _QUERIES, PostgresStore, jsonb_text
from chatloom.types import ThreadMetadata

from .polling import eventually_async
from .services.postgres import Cluster
from .test_store_contract import ALICE, message, thread

pytestmark = pytest.mark.postgres


def test_ten_instances_starting_together_migrate_once(postgres_url: str) -> None:
    with ThreadPoolExecutor(10) as pool:
        applied = list(pool.map(lambda _: migrate(postgres_url), range(10)))
    # Exactly one start applied everything; the others waited, then found it done.
    assert sorted(applied, key=len)[-1] == [m.name for m in migrations()]
    assert sum(1 for names in applied if names) == 1
    with psycopg.connect(postgres_url) as db:
        rows = db.execute("SELECT number, name FROM chatloom_migrations ORDER BY number")
        assert [name for _, name in rows] == [m.name for m in migrations()]


def test_a_database_from_a_newer_chatloom_is_refused(postgres_url: str) -> None:
    migrate(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("INSERT INTO chatloom_migrations (number, name) VALUES (9999, 'future')")
    with pytest.raises(RuntimeError, match="newer chatloom"):
        migrate(postgres_url)


@pytest.mark.parametrize("table", ["chatloom_items", "chatloom_threads"])
async def test_pages_are_index_range_scans(postgres_url: str, table: str) -> None:
    """However many rows, a page never sorts or scans the whole thread (or user)."""
    store = PostgresStore(postgres_url)
    try:
        await store.save_thread(thread("thr_a"), ALICE)
        async with store.database.connection() as db:
            # Enough rows, and fresh statistics, for the planner to choose as in production.
            await db.execute(
                "INSERT INTO chatloom_threads (id, user_id, created_us, data) "
                "SELECT 'thr_' || n, 'u' || (n % 50), n, '{}' FROM generate_series(1, 20000) n"
            )
            await db.execute(
                "INSERT INTO chatloom_items (thread_id, id, created_us, data) "
                "SELECT 'thr_a', 'msg_' || n, n, '{}' FROM generate_series(1, 20000) n"
            )
            await db.execute("ANALYZE")
            scope = "thr_a" if table == "chatloom_items" else "u7"
            for (name, order, cursor), query in _QUERIES.items():
                if name != table:
                    continue
                params = {"scope": scope, "user": "alice", "after": "x", "limit": 21}
                rows = await (await db.execute(f"EXPLAIN {query}", params)).fetchall()
                plan = "\n".join(row[0] for row in rows)
                assert f"{table}_by_" in plan and "Sort" not in plan, (order, cursor, plan)
                assert "Seq Scan" not in plan, (order, cursor, plan)
    finally:
        await store.close()


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import datetime
    from chatloom.store.postgres import PostgresStore
    from chatloom.types import InferenceOptions, UserMessageItem, UserMessageTextContent

    async def main(url, n):
        store = PostgresStore(url, max_size=4)
        async def one(k):
            await store.add_thread_item("thr_shared", UserMessageItem(
                id=f"msg_{n}_{k}", thread_id="thr_shared", created_at=datetime(2025, 1, 1),
                content=[UserMessageTextContent(text=str(k))],
                inference_options=InferenceOptions()), {"user_id": "alice"})
        await asyncio.gather(*(one(k) for k in range(50)))
        await store.close()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_writers_in_several_processes_share_one_thread(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    try:
        await store.save_thread(thread("thr_shared"), ALICE)
        writers = [
            await asyncio.create_subprocess_exec(sys.executable, "-c", WRITER, postgres_url, str(n))
            for n in range(3)
        ]
        # Meanwhile this process renames the thread over and over.
        for n in range(20):
            await store.save_thread(thread("thr_shared", title=f"t{n}"), ALICE)
        assert [await writer.wait() for writer in writers] == [0, 0, 0]
        ids: list[str] = []
        after = None
        while True:
            page = await store.load_thread_items("thr_shared", after, 37, "asc", ALICE)
            ids += [item.id for item in page.data]
            if not page.has_more:
                break
            after = page.after
        # All 150 items, each once; all share one timestamp, so insertion order decides.
        assert len(ids) == 150 and len(set(ids)) == 150
        newest = await store.load_thread_items("thr_shared", None, 150, "desc", ALICE)
        assert [i.id for i in newest.data] == ids[::-1]
        assert (await store.load_thread("thr_shared", ALICE)).title == "t19"
    finally:
        await store.close()


async def test_nul_characters_are_stored_as_replacement_characters(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    try:
        await store.save_thread(thread("thr_a", title="a\x00b"), ALICE)
        await store.add_thread_item("thr_a", message("msg_1", "thr_a", text="x\x00\\u0000y"), ALICE)
        assert (await store.load_thread("thr_a", ALICE)).title == "a\ufffdb"
        item: Any = await store.load_item("thr_a", "msg_1", ALICE)
        # The literal text "\\u0000" (backslash, u, 0000) is not a NUL and is kept.
        assert item.content[0].text == "x\ufffd\\u0000y"
    finally:
        await store.close()


def test_jsonb_text_only_touches_real_nul_escapes() -> None:
    assert jsonb_text('"a\\u0000b"') == '"a\\ufffdb"'
    assert jsonb_text('"a\\\\u0000b"') == '"a\\\\u0000b"'
    assert jsonb_text('"a\\\\\\u0000b"') == '"a\\\\\\ufffdb"'
    assert jsonb_text('"plain"') == '"plain"'


async def test_a_restarted_database_fails_calls_cleanly_then_recovers(
    postgres_cluster: Cluster, postgres_url: str
) -> None:
    database = PostgresDatabase(postgres_url, min_size=2, max_size=4, timeout=2)
    store: PostgresStore[Any] = PostgresStore(database)
    try:
        await store.save_thread(thread("thr_a", title="kept"), ALICE)
        postgres_cluster.stop()
        try:
            with pytest.raises(StoreUnavailable):
                await store.load_thread("thr_a", ALICE)
            with pytest.raises(StoreUnavailable):
                await database.ping(timeout=1)
        finally:
            postgres_cluster.start()

        async def recovered() -> ThreadMetadata | None:
            try:
                return await store.load_thread("thr_a", ALICE)
            except StoreUnavailable:
                return None

        # The pool replaces the connections the restart broke; no new store needed.
        loaded = await eventually_async(recovered, what="the store answers again")
        assert loaded.title == "kept"
        for _ in range(6):  # every pooled connection is a working one again
            assert (await store.load_thread("thr_a", ALICE)).title == "kept"
    finally:
        await store.close()
