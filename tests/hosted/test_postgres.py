"""Hosted mode on PostgreSQL: two instances (two apps, one database) serve the same
sessions, threads and published workflow versions; secrets are stored hashed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest
from starlette.applications import Starlette

from chatloom.agents import OpenAICompatibleProvider
from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.config import parse_database_url
from chatloom.hosted import create_hosted_app
from chatloom.hosted.app import workflow_repository
from chatloom.hosted.credentials import digest
from chatloom.hosted.ratelimit import SlidingWindowLimiter

from ..live_server import free_port, serve
from ..polling import eventually
from ..services.postgres import Cluster
from .conftest import ADMIN_KEY, Hosted, create, done_items, thread_id_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def instances(
    workflow_dir: Path, endpoint_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Hosted, Hosted]]:
    """Publish with the CLI (DATABASE_URL set), then start two instances on the database."""
    from chatloom.cli import main

    monkeypatch.setenv("DATABASE_URL", postgres_url)
    with pytest.raises(SystemExit) as exit:
        main(["workflow", "publish", str(workflow_dir / "hello.yaml")])
    assert exit.value.code == 0
    database = parse_database_url(postgres_url)
    repository = workflow_repository(workflow_dir, database)
    with (
        serve(_app(workflow_dir, endpoint_url, postgres_url)) as first,
        serve(_app(workflow_dir, endpoint_url, postgres_url)) as second,
    ):
        yield (
            Hosted(first, repository, SlidingWindowLimiter()),
            Hosted(second, repository, SlidingWindowLimiter()),
        )


def _app(workflow_dir: Path, endpoint_url: str, postgres_url: str) -> Starlette:
    return create_hosted_app(
        workflow_dir,
        admin_keys=[ADMIN_KEY],
        provider=OpenAICompatibleProvider("scripted", base_url=endpoint_url, api_key="sk"),
        serve_element=False,
        database=parse_database_url(postgres_url),
    )


def test_two_instances_share_sessions_threads_and_versions(
    instances: tuple[Hosted, Hosted],
    endpoint: ScriptedEndpoint,
    workflow_dir: Path,
    postgres_url: str,
) -> None:
    a, b = instances
    # Published into the database, not the folder.
    assert not (workflow_dir / "versions").exists()
    session = a.session(user="ada")
    assert session["workflow"]["version"] == "1"
    endpoint.script([Say("Hello from B")])
    events = b.events(session["client_secret"], create("hi"))
    reply = done_items(events, "assistant_message")
    assert reply[0]["content"][0]["text"] == "Hello from B"
    thread_id = thread_id_of(events)

    with a.admin() as client:
        listed = client.get("/v1/chatkit/threads", params={"user": "ada"}).json()
        assert [t["id"] for t in listed["data"]] == [thread_id]
        items = client.get(f"/v1/chatkit/threads/{thread_id}/items", params={"order": "asc"})
        assert [i["type"] for i in items.json()["data"]] == [
            "chatkit.user_message",
            "chatkit.assistant_message",
        ]
    with b.admin() as client:
        cancelled = client.post(f"/v1/chatkit/sessions/{session['id']}/cancel").json()
        assert cancelled["status"] == "cancelled"
    refused = a.post(session["client_secret"], create("again"))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "session_cancelled"

    # Only the secret's digest is stored, in no column and no JSON field the secret.
    with psycopg.connect(postgres_url) as db:
        row = db.execute("SELECT id, secret_digest, data::text FROM chatloom_sessions").fetchone()
    assert row is not None and row[1] == digest(session["client_secret"])
    assert session["client_secret"] not in "".join(row)


def test_concurrent_publishers_get_distinct_numbers(workflow_dir: Path, postgres_url: str) -> None:
    repository = workflow_repository(workflow_dir, parse_database_url(postgres_url))
    with ThreadPoolExecutor(4) as pool:
        versions = list(
            pool.map(lambda _: repository.publish("wf_hello", make_default=False).version, range(8))
        )
    assert sorted(versions, key=int) == [str(n) for n in range(1, 9)]
    assert repository.default_version("wf_hello") is None
    repository.set_default("wf_hello", "3")
    assert repository.resolve("wf_hello", None).version == "3"


def test_database_down_is_a_503_in_the_openai_envelope(
    instances: tuple[Hosted, Hosted], postgres_cluster: Cluster
) -> None:
    a, _ = instances
    postgres_cluster.stop()
    try:
        with a.admin() as client:
            response = client.post(
                "/v1/chatkit/sessions", json={"user": "ada", "workflow": {"id": "wf_hello"}}
            )
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json()["error"]["code"] == "service_unavailable"
        assert httpx.get(f"{a.url}/readyz", timeout=10).status_code == 503
    finally:
        postgres_cluster.start()
    eventually(lambda: httpx.get(f"{a.url}/readyz", timeout=10).status_code == 200)
    assert a.session(user="ada")["status"] == "active"


def test_hosted_serve_reads_database_url(workflow_dir: Path, postgres_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": postgres_url, "CHATLOOM_ADMIN_KEY": ADMIN_KEY}
    publish = [sys.executable, "-m", "chatloom", "workflow", "publish"]
    published = subprocess.run(
        [*publish, str(workflow_dir / "hello.yaml")], env=env, capture_output=True, timeout=60
    )
    assert published.returncode == 0, published.stderr
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chatloom",
            "hosted",
            "serve",
            str(workflow_dir),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert process.poll() is None, "the server exited"
        try:
            return httpx.get(base + "/readyz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    try:
        eventually(ready, timeout=60, what="chatloom hosted serve is ready")
        response = httpx.post(
            base + "/v1/chatkit/sessions",
            json={"user": "u", "workflow": {"id": "wf_hello"}},
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        )
        assert response.status_code == 200 and response.json()["workflow"]["version"] == "1"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert not (workflow_dir / "versions").exists()
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT count(*) FROM chatloom_sessions").fetchone() == (1,)
