"""An app on PostgreSQL under a real uvicorn: readiness, a database that goes away
(503 with a JSON error, /healthz still answering), and recovery without a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from chatloom.http import RequestContext, create_app
from chatloom.postgres import PostgresDatabase
from chatloom.server import ChatKitServer
from chatloom.store.postgres import PostgresStore
from chatloom.types import ThreadMetadata, ThreadStreamEvent, UserMessageItem

from .live_server import serve
from .polling import eventually
from .services.postgres import Cluster
from .test_store_contract import thread

pytestmark = pytest.mark.postgres
LIST = {"type": "threads.list", "params": {"limit": 10, "order": "desc"}}


class Quiet(ChatKitServer[Any]):
    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        return
        yield


async def alice(request: Any) -> RequestContext:
    return RequestContext(user_id="alice")


@pytest.fixture
def base_url(postgres_url: str) -> Iterator[str]:
    database = PostgresDatabase(postgres_url, min_size=2, max_size=4, timeout=1)
    store: PostgresStore[Any] = PostgresStore(database)
    with serve(create_app(Quiet(store), context=alice)) as url:
        yield url


def thread_ids(base_url: str) -> list[str]:
    response = httpx.post(f"{base_url}/chatkit", json=LIST, timeout=10)
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["data"]]


def test_database_down_gives_503_then_recovers_without_restart(
    base_url: str, postgres_cluster: Cluster, postgres_url: str
) -> None:
    assert httpx.get(f"{base_url}/readyz").json() == {"status": "ready"}
    with psycopg.connect(postgres_url) as db:
        db.execute("SELECT 1")  # the schema exists: the app migrated it at start
    assert thread_ids(base_url) == []

    postgres_cluster.stop()
    try:
        refused = httpx.post(f"{base_url}/chatkit", json=LIST, timeout=10)
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.json() == {
            "error": {
                "type": "service_unavailable",
                "message": "The database is unavailable; try again shortly.",
            }
        }
        not_ready = httpx.get(f"{base_url}/readyz", timeout=10)
        assert not_ready.status_code == 503
        assert not_ready.json()["error"]["type"] == "service_unavailable"
        # Liveness is not readiness: the process itself is fine.
        assert httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
    finally:
        postgres_cluster.start()

    eventually(
        lambda: httpx.get(f"{base_url}/readyz", timeout=10).status_code == 200,
        what="/readyz recovers",
    )
    assert thread_ids(base_url) == []


async def test_connections_killed_under_the_pool_are_replaced(
    base_url: str, postgres_url: str
) -> None:
    store: PostgresStore[Any] = PostgresStore(postgres_url)
    await store.save_thread(thread("thr_a"), {"user_id": "alice"})
    await store.close()
    assert thread_ids(base_url) == ["thr_a"]
    with psycopg.connect(postgres_url, autocommit=True) as db:
        killed = db.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert killed is not None and killed[0] >= 1
    # The pool checks a connection before lending it: no request sees the dead ones.
    for _ in range(5):
        assert thread_ids(base_url) == ["thr_a"]


def test_a_restart_in_the_middle_of_a_request_is_a_503(
    base_url: str, postgres_cluster: Cluster, postgres_url: str
) -> None:
    assert thread_ids(base_url) == []
    # Hold the request inside its query: it waits on a table lock taken here.
    holder = psycopg.connect(postgres_url)
    holder.execute("LOCK TABLE chatloom_threads IN ACCESS EXCLUSIVE MODE")

    def request_waits() -> bool:
        # This database's sessions only: the cluster is shared by the whole test session.
        row = holder.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
        return row is not None and row[0] > 0

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(httpx.post, f"{base_url}/chatkit", json=LIST, timeout=30)
        eventually(request_waits, what="the request waits inside its query")
        postgres_cluster.stop()  # the database goes away under the running query
        try:
            response = pending.result()
        finally:
            holder.close()
            postgres_cluster.start()
    assert response.status_code == 503, response.text
    assert response.json()["error"]["type"] == "service_unavailable"
    eventually(
        lambda: httpx.get(f"{base_url}/readyz", timeout=10).status_code == 200,
        what="/readyz recovers",
    )
    assert thread_ids(base_url) == []
