"""Streaming cost under real load: many concurrent replies paced like a model.

    .venv-bench/bin/python bench/paced_bench.py [--concurrency 100 500] [--rounds 2]
        [--deltas 100] [--pace-ms 10] [--http h11|httptools] [--loop asyncio|uvloop]

``server_bench.py`` measures one reply produced as fast as possible. Real replies are
paced by the model (tens of ms between deltas) and arrive hundreds at a time, which
costs differently: every event wakes the event loop on its own, so per-event fixed
costs (task switches, timers, allocations) dominate, and every open stream holds memory.

For each concurrency C, each contender runs under its own fresh uvicorn process (one
worker, in-memory store) and serves C simultaneous ``threads.create`` requests whose
replies are ``--deltas`` text deltas ``--pace-ms`` apart. The load generator is a
separate process (raw sockets, asyncio), so its CPU is not the server's; its own CPU is
printed to show it is not the bottleneck. Printed per contender, as ranges over rounds:

* server CPU per SSE event: the server process's user+system time during the run
  (``/proc/<pid>/stat``) divided by the events the clients received;
* first-event latency p50/p99: request written -> first ``data:`` frame read;
* completed streams (every frame, a clean end) and errors;
* memory per open stream: peak RSS during the run minus RSS before it, over C.

Contenders: chatloom (``create_app``, MemoryStore), chatloom with resumable responses
(the client opts in: each reply runs in its own task through the in-memory event log,
which is the log's cost per event), the reference ``openai-chatkit`` (Starlette
``StreamingResponse``, the in-memory store of its docs) and a floor: bare Starlette
streaming the same frames at the same pace with no SDK at all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `python bench/paced_bench.py`
    sys.path.insert(0, str(ROOT))

from bench.server_bench import CREATE, _free_port, floor_frames  # noqa: E402

DELTAS = int(os.environ.get("PACED_DELTAS", "100"))
PACE = float(os.environ.get("PACED_PACE_MS", "10")) / 1000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def paced_story(t: Any) -> Any:
    """``respond`` of a reply paced like a model: ``DELTAS`` deltas, ``PACE`` s apart."""

    async def respond(self: Any, thread: Any, item: Any, context: Any) -> AsyncIterator[Any]:
        message = t.AssistantMessageItem(
            id="msg_" + thread.id, thread_id=thread.id, created_at=datetime.now(), content=[]
        )
        yield t.ThreadItemAddedEvent(item=message)
        empty = t.AssistantMessageContent(text="")
        yield t.ThreadItemUpdatedEvent(
            item_id=message.id,
            update=t.AssistantMessageContentPartAdded(content_index=0, content=empty),
        )
        for n in range(DELTAS):
            await asyncio.sleep(PACE)
            yield t.ThreadItemUpdatedEvent(
                item_id=message.id,
                update=t.AssistantMessageContentPartTextDelta(content_index=0, delta=f"w{n} "),
            )
        final = t.AssistantMessageContent(text="".join(f"w{n} " for n in range(DELTAS)))
        yield t.ThreadItemUpdatedEvent(
            item_id=message.id,
            update=t.AssistantMessageContentPartDone(content_index=0, content=final),
        )
        message.content = [final]
        yield t.ThreadItemDoneEvent(item=message)

    return respond


async def paced_floor_frames() -> AsyncIterator[bytes]:
    """The floor's frames (see ``server_bench.floor_frames``) with the same pacing."""
    for n, frame in enumerate(floor_frames(DELTAS)):
        if 5 <= n < 5 + DELTAS:
            await asyncio.sleep(PACE)
        yield frame


_APP_SOURCE = {
    "chatloom": """
from bench.paced_bench import paced_story
from bench.server_bench import chatloom_server
from chatloom.http import create_app
app = create_app(chatloom_server(story=paced_story), serve_element=False)
""",
    "chatloom-resumable": """
from bench.paced_bench import paced_story
from bench.server_bench import chatloom_server
from chatloom.http import create_app
from chatloom.responses import Responses
server = chatloom_server(story=paced_story)
server.responses = Responses()
app = create_app(server, serve_element=False)
""",
    "reference": """
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from bench.paced_bench import paced_story
from bench.server_bench import reference_server
from chatkit.server import StreamingResult
server = reference_server(story=paced_story)
async def endpoint(request: Request):
    result = await server.process(await request.body(), {})
    if isinstance(result, StreamingResult):
        return StreamingResponse(result, media_type="text/event-stream")
    return Response(result.json, media_type="application/json")
app = Starlette(routes=[Route("/chatkit", endpoint, methods=["POST"])])
""",
    "floor": """
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route
from bench.paced_bench import paced_floor_frames
async def endpoint(request):
    await request.body()
    return StreamingResponse(paced_floor_frames(), media_type="text/event-stream")
app = Starlette(routes=[Route("/chatkit", endpoint, methods=["POST"])])
""",
}
CONTENDERS = ("reference", "chatloom", "chatloom-resumable", "floor")
# The request body per contender: the resumable one opts in (docs/server.md).
RESUMABLE_CREATE = CREATE[:-1] + b',"metadata":{"chatloom.resumable":true}}'


# --- the server process ----------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _rss_kb(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB


@contextmanager
def serve(name: str, http: str, loop: str) -> Iterator[tuple[int, int]]:
    """(pid, port) of a fresh uvicorn process serving contender ``name``."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as workdir:
        (Path(workdir) / "app.py").write_text(_APP_SOURCE[name])
        env = {
            "PYTHONPATH": f"{workdir}:{ROOT}",
            "PATH": "",
            "PACED_DELTAS": str(DELTAS),
            "PACED_PACE_MS": str(PACE * 1000),
        }
        command = [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port)]
        command += ["--log-level", "error", "--http", http, "--loop", loop, "--backlog", "4096"]
        process = subprocess.Popen(command, cwd=workdir, env=env)
        try:
            _wait_for_port(port, process)
            yield process.pid, port
        finally:
            process.terminate()
            process.wait()


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    import socket

    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.05)


# --- the load generator (its own process) ----------------------------------------------


async def _one_stream(port: int, body: bytes) -> tuple[float | None, int, bool]:
    """(first-event latency s, frames read, completed) of one streamed reply.

    Each client is a browser that already has its user cookie (chatloom's default
    context reads it; the others ignore it)."""
    request = (
        f"POST /chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Cookie: chatloom_uid={secrets.token_hex(16)}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    first: float | None = None
    frames = 0
    tail = b""  # the end of what was read: frame counts across reads, the final check
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return None, 0, False
    try:
        start = time.perf_counter()
        writer.write(request)
        while chunk := await reader.read(1 << 16):
            seen = tail[-5:] + chunk
            found = seen.count(b"data: ")
            if found and first is None:
                first = time.perf_counter() - start
            frames += found
            tail = (tail + chunk)[-4000:]
        completed = tail.endswith(b"0\r\n\r\n") and b'"thread.item.done"' in tail
        return first, frames, completed and frames >= DELTAS + 2
    except OSError:
        return first, frames, False
    finally:
        writer.close()


async def _load(port: int, concurrency: int, body: bytes) -> dict[str, Any]:
    results = await asyncio.gather(*(_one_stream(port, body) for _ in range(concurrency)))
    firsts = sorted(first for first, _, _ in results if first is not None)
    return {
        "firsts": firsts,
        "frames": sum(frames for _, frames, _ in results),
        "completed": sum(1 for _, _, done in results if done),
    }


def run_load(
    port: int, concurrency: int, resumable: bool = False
) -> tuple[dict[str, Any], float, float]:
    """(results, the load generator's CPU seconds, wall seconds), from a child process."""
    command = [sys.executable, __file__, "--load-port", str(port), "--load-c", str(concurrency)]
    command += ["--load-resumable"] if resumable else []
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env={**os.environ})
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"load generator failed ({status})")
    return json.loads(output), usage.ru_utime + usage.ru_stime, wall


# --- one measurement -------------------------------------------------------------------


def measure(name: str, concurrency: int, http: str, loop: str) -> dict[str, float]:
    resumable = name.endswith("-resumable")
    with serve(name, http, loop) as (pid, port):
        run_load(port, 20, resumable)  # warm-up: imports, first allocations
        baseline = _rss_kb(pid)
        peak = baseline
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.wait(0.02):
                peak = max(peak, _rss_kb(pid))

        sampler = threading.Thread(target=sample)
        sampler.start()
        cpu_before = _cpu_seconds(pid)
        try:
            result, load_cpu, wall = run_load(port, concurrency, resumable)
        finally:
            stop.set()
            sampler.join()
        cpu = _cpu_seconds(pid) - cpu_before
    firsts = result["firsts"] or [float("nan")]
    frames = max(result["frames"], 1)
    return {
        "cpu_us": cpu / frames * 1e6,
        "p50_ms": statistics.median(firsts) * 1000,
        "p99_ms": firsts[min(len(firsts) - 1, int(len(firsts) * 0.99))] * 1000,
        "completed": result["completed"],
        "errors": concurrency - result["completed"],
        "kb_per_stream": (peak - baseline) / concurrency,
        "growth_mb": (peak - baseline) / 1024,
        "server_cpu_pct": cpu / wall * 100,
        "load_cpu_pct": load_cpu / wall * 100,
        "load_us": load_cpu / frames * 1e6,
    }


def _span(values: list[float], fmt: str) -> str:
    low, high = min(values), max(values)
    if format(low, fmt) == format(high, fmt):
        return format(low, fmt)
    return f"{format(low, fmt)}-{format(high, fmt)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--contenders", nargs="+", default=list(CONTENDERS))
    parser.add_argument("--http", default="h11")
    parser.add_argument("--loop", default="asyncio")
    parser.add_argument("--load-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load-c", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load-resumable", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_port:
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        body = RESUMABLE_CREATE if args.load_resumable else CREATE
        print(json.dumps(asyncio.run(_load(args.load_port, args.load_c, body))))
        return

    print(
        f"{DELTAS} text deltas {PACE * 1000:g} ms apart per reply, C concurrent replies, one "
        f"uvicorn process (--http {args.http} --loop {args.loop}); ranges over "
        f"{args.rounds} rounds, contenders interleaved.\n"
    )
    for concurrency in args.concurrency:
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in args.contenders}
        for _ in range(args.rounds):
            for name in args.contenders:
                runs[name].append(measure(name, concurrency, args.http, args.loop))
        print(f"C = {concurrency}")
        print(
            f"  {'':<18} {'CPU/event':>11} {'x floor':>9} {'first p50':>11} {'first p99':>13} "
            f"{'done':>9} {'err':>4} {'KB/stream':>11} {'x floor':>9} {'server CPU':>11} "
            f"{'loader CPU':>11}"
        )
        floor = runs.get("floor")
        for name, samples in runs.items():

            def col(key: str, fmt: str, samples: list[dict[str, float]] = samples) -> str:
                return _span([s[key] for s in samples], fmt)

            ratio_cpu = ratio_mem = "-"
            if floor and name != "floor":
                ratio_cpu = _span(
                    [s["cpu_us"] / f["cpu_us"] for s, f in zip(samples, floor, strict=True)],
                    ".2f",
                )
                ratio_mem = _span(
                    [
                        s["kb_per_stream"] / max(f["kb_per_stream"], 0.1)
                        for s, f in zip(samples, floor, strict=True)
                    ],
                    ".2f",
                )
            print(
                f"  {name:<18} {col('cpu_us', '.0f') + ' us':>11} {ratio_cpu:>9} "
                f"{col('p50_ms', '.0f') + ' ms':>11} {col('p99_ms', '.0f') + ' ms':>13} "
                f"{col('completed', '.0f'):>9} {col('errors', '.0f'):>4} "
                f"{col('kb_per_stream', '.0f'):>11} {ratio_mem:>9} "
                f"{col('server_cpu_pct', '.0f') + ' %':>11} {col('load_cpu_pct', '.0f') + ' %':>11}"
            )
        print()
    print(
        "CPU/event: server process CPU over events received. KB/stream: peak RSS growth "
        "over C.\nserver/loader CPU: share of one core over the run's wall time (the loader "
        "runs in its own process)."
    )


if __name__ == "__main__":
    main()
