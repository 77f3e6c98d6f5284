"""Scale-out benchmarks, one section each (run all, or name some with ``--section``).

``lists``: ``items.list`` and ``threads.list`` latency at the store, SQLite against
PostgreSQL in the same run, on threads of 500 / 5,000 / 50,000 items (and users with as
many threads). Each call reads a page of 20: the newest (what opening a thread does)
and one from a cursor in the middle (what scrolling back does). p50 and p99 of 300
calls, after a warm-up; both stores on this machine's disk, PostgreSQL over loopback
TCP through the pool (one empty query checks each borrowed connection). The goal:
PostgreSQL within 1 ms of SQLite at p50, and flat as threads grow.

PostgreSQL is ``$DATABASE_URL`` when it names one (its chatloom tables are emptied
first), else a throwaway cluster started as the tests start theirs.

``streams``: 500 concurrent streamed conversations (``threads.create``; the reply is 100
deltas 10 ms apart, see ``bench/stream_app.py``) against one instance, then against
three instances behind nginx (a real proxy, SSE-friendly settings as in
``deploy/nginx.conf``), all on one PostgreSQL. Each instance is a separate
``python -m chatloom serve`` process. Reported: completed streams, errors (goal 0),
first-event p50/p99 (from sending the request to the first SSE event), wall time, and
peak memory (VmHWM) of each instance. The client is one httpx process on the same
2 cores, so the figures compare the two set-ups, not absolute capacity.

    python bench/scale_bench.py [--section lists] [--section streams] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
USER = {"user_id": "bench"}
PAGE = 20
CALLS = 300
T0 = datetime(2025, 1, 1)


# --- lists: items.list / threads.list, SQLite vs PostgreSQL ------------------------------


@contextmanager
def postgres_url() -> Iterator[str]:
    """``$DATABASE_URL`` if it is PostgreSQL, else a throwaway cluster's database."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgresql://", "postgres://")):
        yield configured
        return
    sys.path.insert(0, str(ROOT))
    from tests.services.postgres import start_cluster

    cluster = start_cluster()
    try:
        yield cluster.create_database()
    finally:
        cluster.stop()


def rows(count: int, kind: str) -> list[tuple[str, int, str]]:
    """``(id, created_us, json)`` for ``count`` messages (or threads) a second apart."""
    from chatloom.types import (
        InferenceOptions,
        ThreadMetadata,
        UserMessageItem,
        UserMessageTextContent,
    )

    made = []
    for n in range(count):
        created = T0 + timedelta(seconds=n)
        if kind == "item":
            model: Any = UserMessageItem(
                id=f"msg_{n}",
                thread_id="thr_big",
                created_at=created,
                content=[UserMessageTextContent(text=f"message number {n} " * 8)],
                inference_options=InferenceOptions(),
            )
        else:
            model = ThreadMetadata(id=f"thr_{n}", created_at=created, title=f"thread {n}")
        made.append((model.id, round(created.timestamp() * 1_000_000), model.model_dump_json()))
    return made


async def fill_sqlite(store: Any, items: list[Any], threads: list[Any]) -> None:
    def work(db: Any) -> None:
        db.execute("DELETE FROM items")
        db.execute("DELETE FROM threads")
        db.executemany(
            "INSERT INTO threads (id, user_id, created_us, data) VALUES (?, 'bench', ?, ?)",
            threads,
        )
        db.executemany(
            "INSERT INTO items (thread_id, id, created_us, data) VALUES ('thr_big', ?, ?, ?)",
            items,
        )

    await store._write(work)


async def fill_postgres(store: Any, items: list[Any], threads: list[Any]) -> None:
    async with store.database.connection() as db, db.transaction():
        await db.execute("TRUNCATE chatloom_items, chatloom_threads")
        async with db.cursor().copy(
            "COPY chatloom_threads (id, user_id, created_us, data) FROM STDIN"
        ) as copy:
            for row in threads:
                await copy.write_row((row[0], "bench", row[1], row[2]))
        async with db.cursor().copy(
            "COPY chatloom_items (thread_id, id, created_us, data) FROM STDIN"
        ) as copy:
            for row in items:
                await copy.write_row(("thr_big", *row))
    async with store.database.connection() as db:
        await db.execute("VACUUM ANALYZE chatloom_items")
        await db.execute("VACUUM ANALYZE chatloom_threads")


async def latencies(call: Callable[[], Awaitable[Any]], calls: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    for _ in range(20):
        await call()
    spent = []
    for _ in range(calls):
        start = time.perf_counter()
        await call()
        spent.append((time.perf_counter() - start) * 1000)
    quantiles = statistics.quantiles(spent, n=100)
    return quantiles[49], quantiles[98]


async def list_timings(store: Any, size: int, calls: int) -> dict[str, tuple[float, float]]:
    middle = f"msg_{size // 2}"
    middle_thread = f"thr_{size // 2}"
    return {
        "items.list newest": await latencies(
            lambda: store.load_thread_items("thr_big", None, PAGE, "desc", USER), calls
        ),
        "items.list mid-cursor": await latencies(
            lambda: store.load_thread_items("thr_big", middle, PAGE, "asc", USER), calls
        ),
        "threads.list newest": await latencies(
            lambda: store.load_threads(PAGE, None, "desc", USER), calls
        ),
        "threads.list mid-cursor": await latencies(
            lambda: store.load_threads(PAGE, middle_thread, "desc", USER), calls
        ),
    }


async def lists_section(sizes: list[int], calls: int) -> None:
    from chatloom.store.postgres import PostgresStore
    from chatloom.store.sqlite import SQLiteStore

    print(
        f"lists: page of {PAGE}, p50 / p99 of {calls} calls in ms "
        f"(a thread of N items; a user with N threads)"
    )
    print(f"  {'N':>6}  {'call':<24} {'SQLite':>15}  {'PostgreSQL':>15}  {'p50 diff':>9}")
    with tempfile.TemporaryDirectory() as folder, postgres_url() as url:
        sqlite: Any = SQLiteStore(Path(folder) / "bench.sqlite3")
        postgres: Any = PostgresStore(url, min_size=2, max_size=4)
        try:
            for size in sizes:
                items, threads = rows(size, "item"), rows(size, "thread")
                threads.append(
                    ("thr_big", 0, '{"id": "thr_big", "created_at": "2025-01-01T00:00:00"}')
                )
                await fill_sqlite(sqlite, items, threads)
                await fill_postgres(postgres, items, threads)
                lite = await list_timings(sqlite, size, calls)
                pg = await list_timings(postgres, size, calls)
                for name in lite:
                    (l50, l99), (p50, p99) = lite[name], pg[name]
                    print(
                        f"  {size:>6,}  {name:<24} {l50:6.3f} / {l99:6.3f}  "
                        f"{p50:6.3f} / {p99:6.3f}  {p50 - l50:+8.3f}"
                    )
        finally:
            sqlite.close()
            await postgres.close()


# --- streams: 500 concurrent conversations, one instance vs three behind nginx --------------

NGINX_CONF = """
pid {folder}/nginx.pid;
error_log {folder}/nginx.log warn;
worker_processes 1;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    upstream chatloom {{ {servers} keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://chatloom;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 1h;
        }}
    }}
}}
"""


def start_instances(count: int, database: str, folder: Path) -> list[tuple[Any, int]]:
    import subprocess

    from tests.live_server import free_port

    env = {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(ROOT)}
    started = []
    for number in range(count):
        port = free_port()
        log = (folder / f"instance{number}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "chatloom", "serve", "bench.stream_app:server",
             "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((process, port))
    for process, port in started:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
    return started


def wait_for(url: str, process: Any) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def nginx_in_front(ports: list[int], folder: Path) -> Iterator[int]:
    import shutil
    import subprocess

    from tests.live_server import free_port

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("streams: needs nginx as the proxy (apt-get install nginx-light)")
    port = free_port()
    servers = " ".join(f"server 127.0.0.1:{p};" for p in ports)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, servers=servers, port=port))
    subprocess.run([nginx, "-c", str(conf), "-e", str(folder / "nginx.log")], check=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", None)
        yield port
    finally:
        subprocess.run([nginx, "-c", str(conf), "-e", str(folder / "nginx.log"), "-s", "stop"])


def server_errors(folder: Path, instances: int) -> list[str]:
    """The distinct exception lines the instances logged (why a stream failed)."""
    found: set[str] = set()
    for number in range(instances):
        log = folder / f"instance{number}.log"
        for line in log.read_text(errors="replace").splitlines():
            if re.match(r"^[\w.]+(Error|Exception|Timeout)\b", line):
                found.add(line[:120])
        log.write_text("")  # the next set-up starts with an empty log
    return sorted(found)


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_streams(url: str, count: int) -> dict[str, Any]:
    import httpx

    body = {
        "type": "threads.create",
        "params": {
            "input": {
                "content": [{"type": "input_text", "text": "hi"}],
                "attachments": [],
                "inference_options": {},
            }
        },
    }
    first: list[float] = []
    errors: list[str] = []
    completed = 0
    limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=count + 10)

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal completed
        started = time.perf_counter()
        seen_first = False
        try:
            async with client.stream("POST", url + "/chatkit", json=body) as response:
                if response.status_code != 200:
                    errors.append(f"HTTP {response.status_code}")
                    return
                done, error = 0, "stream ended early"
                async for line in response.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    if not seen_first:
                        first.append(time.perf_counter() - started)
                        seen_first = True
                    event = json.loads(line[6:])
                    if event["type"] == "thread.item.done":
                        done += 1
                    elif event["type"] == "error":
                        error = f"error event {event.get('code', '')} {event.get('message', '')}"
                if done >= 2:  # the user's message and the finished reply
                    completed += 1
                else:
                    errors.append(error)
        except httpx.HTTPError as error:
            errors.append(type(error).__name__)

    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        await asyncio.gather(*(one(client) for _ in range(count)))
    wall = time.perf_counter() - started
    first.sort()
    return {
        "completed": completed,
        "errors": errors,
        "p50": first[len(first) // 2] * 1000 if first else float("nan"),
        "p99": first[int(len(first) * 0.99) - 1] * 1000 if first else float("nan"),
        "wall": wall,
    }


async def streams_section(count: int) -> None:
    sys.path.insert(0, str(ROOT))
    print(f"streams: {count} concurrent conversations, 100 deltas 10 ms apart each")
    print(
        f"  {'set-up':<24} {'completed':>9} {'errors':>6} {'first p50':>10} "
        f"{'first p99':>10} {'wall':>7}  peak memory per instance"
    )
    with tempfile.TemporaryDirectory() as name, postgres_url() as database:
        folder = Path(name)
        for instances in (1, 3):
            started = start_instances(instances, database, folder)
            try:
                ports = [port for _, port in started]
                if instances == 1:
                    result = await run_streams(f"http://127.0.0.1:{ports[0]}", count)
                    label = "1 instance"
                else:
                    with nginx_in_front(ports, folder) as proxy:
                        result = await run_streams(f"http://127.0.0.1:{proxy}", count)
                    label = f"{instances} instances + nginx"
                memory = ", ".join(f"{peak_memory_mib(p.pid):.0f}" for p, _ in started)
                kinds = sorted(set(result["errors"])) + server_errors(folder, instances)
                print(
                    f"  {label:<24} {result['completed']:>9} {len(result['errors']):>6} "
                    f"{result['p50']:>8.0f}ms {result['p99']:>8.0f}ms {result['wall']:>6.1f}s"
                    f"  {memory} MiB" + (f"  errors: {kinds}" if kinds else "")
                )
            finally:
                for process, _ in started:
                    process.terminate()
                    process.wait(timeout=30)


# --- entry point ---------------------------------------------------------------------------

SECTIONS: dict[str, Callable[[argparse.Namespace], Awaitable[None]]] = {
    "lists": lambda args: lists_section(
        [500, 5_000] if args.quick else [500, 5_000, 50_000], 100 if args.quick else CALLS
    ),
    "streams": lambda args: streams_section(100 if args.quick else 500),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--section", action="append", choices=list(SECTIONS))
    parser.add_argument("--quick", action="store_true", help="smaller threads, fewer calls")
    args = parser.parse_args()
    for name in args.section or list(SECTIONS):
        asyncio.run(SECTIONS[name](args))


if __name__ == "__main__":
    main()
