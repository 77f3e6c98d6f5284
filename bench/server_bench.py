"""Server throughput and list latency: chatloom vs the reference SDK vs a floor.

    make bench            (or: .venv-bench/bin/python bench/server_bench.py [--quick])

Prints, in one run:

* events/s of one streamed reply of 2,000 text deltas, measured at the ``process()``
  level (iterating the SSE bytes in-process) and over HTTP (each app under its own
  uvicorn process on loopback, read by a raw socket client);
* ``items.list`` and ``threads.list`` latency for threads of 500, 5,000 and 50,000
  items, through ``process()``.

Contenders: chatloom (MemoryStore / SQLiteStore), the reference ``openai-chatkit``
(installed only in the bench environment) with the in-memory store its docs show, and
a floor: a bare generator doing ``json.dumps`` of the same events (no models, no store).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

DELTAS = 2000
CREATE = json.dumps(
    {
        "type": "threads.create",
        "params": {
            "input": {
                "content": [{"type": "input_text", "text": "Tell me a long story"}],
                "attachments": [],
                "inference_options": {},
            }
        },
    }
).encode()


# --- the three contenders -----------------------------------------------------------------


def _story(t: Any) -> Any:
    """``respond`` of a long streamed reply, built from a types module (ours or the
    reference's: the two share their names, so both servers yield the same events).
    ``bench/paced_bench.py`` passes its own, paced like a model."""

    async def respond(self: Any, thread: Any, item: Any, context: Any) -> AsyncIterator[Any]:
        message = t.AssistantMessageItem(
            id="msg_story", thread_id=thread.id, created_at=datetime.now(), content=[]
        )
        yield t.ThreadItemAddedEvent(item=message)
        empty = t.AssistantMessageContent(text="")
        yield t.ThreadItemUpdatedEvent(
            item_id=message.id,
            update=t.AssistantMessageContentPartAdded(content_index=0, content=empty),
        )
        for n in range(DELTAS):
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


def chatloom_server(
    store_kind: str = "memory", path: str | None = None, story: Callable[[Any], Any] = _story
) -> Any:
    from chatloom import types as t
    from chatloom.server import ChatKitServer
    from chatloom.store.memory import MemoryStore
    from chatloom.store.sqlite import SQLiteStore

    class Story(ChatKitServer[Any]):
        respond = story(t)

    store = SQLiteStore(path or ":memory:") if store_kind == "sqlite" else MemoryStore()
    return Story(store)


def reference_server(story: Callable[[Any], Any] = _story) -> Any:
    from chatkit import types as t
    from chatkit.server import ChatKitServer
    from chatkit.store import NotFoundError, Store

    class DocsMemoryStore(Store[Any]):
        """The in-memory store of the reference's quickstart docs."""

        def __init__(self) -> None:
            self.threads: dict[str, Any] = {}
            self.items: dict[str, list[Any]] = {}
            self.attachments: dict[str, Any] = {}

        async def load_thread(self, thread_id: str, context: Any) -> Any:
            if thread_id not in self.threads:
                raise NotFoundError(thread_id)
            return self.threads[thread_id]

        async def save_thread(self, thread: Any, context: Any) -> None:
            self.threads[thread.id] = thread

        async def load_thread_items(
            self, thread_id: str, after: Any, limit: int, order: str, context: Any
        ) -> Any:
            items = sorted(
                self.items.get(thread_id, []), key=lambda i: i.created_at, reverse=order == "desc"
            )
            start = 0
            if after:
                start = next(n for n, i in enumerate(items) if i.id == after) + 1
            data = items[start : start + limit]
            has_more = start + limit < len(items)
            return t.Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)

        async def load_threads(self, limit: int, after: Any, order: str, context: Any) -> Any:
            threads = sorted(
                self.threads.values(), key=lambda x: x.created_at, reverse=order == "desc"
            )
            start = 0
            if after:
                start = next(n for n, x in enumerate(threads) if x.id == after) + 1
            data = threads[start : start + limit]
            has_more = start + limit < len(threads)
            return t.Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)

        async def add_thread_item(self, thread_id: str, item: Any, context: Any) -> None:
            self.items.setdefault(thread_id, []).append(item)

        async def save_item(self, thread_id: str, item: Any, context: Any) -> None:
            items = self.items.setdefault(thread_id, [])
            for n, existing in enumerate(items):
                if existing.id == item.id:
                    items[n] = item
                    return
            items.append(item)

        async def load_item(self, thread_id: str, item_id: str, context: Any) -> Any:
            return next(i for i in self.items.get(thread_id, []) if i.id == item_id)

        async def delete_thread(self, thread_id: str, context: Any) -> None:
            self.threads.pop(thread_id, None)
            self.items.pop(thread_id, None)

        async def delete_thread_item(self, thread_id: str, item_id: str, context: Any) -> None:
            self.items[thread_id] = [i for i in self.items[thread_id] if i.id != item_id]

        async def save_attachment(self, attachment: Any, context: Any) -> None:
            self.attachments[attachment.id] = attachment

        async def load_attachment(self, attachment_id: str, context: Any) -> Any:
            return self.attachments[attachment_id]

        async def delete_attachment(self, attachment_id: str, context: Any) -> None:
            self.attachments.pop(attachment_id, None)

    class Story(ChatKitServer[Any]):
        respond = story(t)

    return Story(DocsMemoryStore())


def floor_frames(deltas: int = DELTAS) -> Iterator[bytes]:
    """The same events as plain dicts through ``json.dumps``: what any server must pay."""
    now = datetime.now().isoformat()
    thread = {"id": "thr_1", "created_at": now, "status": {"type": "active"}, "metadata": {}}
    user = {
        "id": "msg_1",
        "thread_id": "thr_1",
        "created_at": now,
        "type": "user_message",
        "content": [{"type": "input_text", "text": "Tell me a long story"}],
        "attachments": [],
        "inference_options": {},
    }
    message = {
        "id": "msg_story",
        "thread_id": "thr_1",
        "created_at": now,
        "type": "assistant_message",
        "content": [],
    }
    events: list[dict[str, Any]] = [
        {"type": "thread.created", "thread": {**thread, "items": {"data": [], "has_more": False}}},
        {"type": "thread.item.done", "item": user},
        {"type": "stream_options", "stream_options": {"allow_cancel": True}},
        {"type": "thread.item.added", "item": message},
    ]
    for event in events:
        yield b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"
    empty = {"annotations": [], "text": "", "type": "output_text"}
    update = {"type": "assistant_message.content_part.added", "content_index": 0, "content": empty}
    yield _floor_frame({"type": "thread.item.updated", "item_id": "msg_story", "update": update})
    for n in range(deltas):
        delta = {
            "type": "assistant_message.content_part.text_delta",
            "content_index": 0,
            "delta": f"w{n} ",
        }
        yield _floor_frame({"type": "thread.item.updated", "item_id": "msg_story", "update": delta})
    final = {**empty, "text": "".join(f"w{n} " for n in range(deltas))}
    done = {"type": "assistant_message.content_part.done", "content_index": 0, "content": final}
    yield _floor_frame({"type": "thread.item.updated", "item_id": "msg_story", "update": done})
    yield _floor_frame({"type": "thread.item.done", "item": {**message, "content": [final]}})


def _floor_frame(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"


# --- process() level -------------------------------------------------------------------


async def _drain(server: Any) -> int:
    result = await server.process(CREATE, {})
    return sum([1 async for _ in result])


async def _floor_stream() -> AsyncIterator[bytes]:
    for frame in floor_frames():
        yield frame


async def _floor_async() -> int:
    return sum([1 async for _ in _floor_stream()])


def events_per_second(run: Callable[[], Any], repeats: int) -> float:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        frames = asyncio.run(run())
        rates.append(frames / (time.perf_counter() - start))
    return statistics.median(rates)


# --- over HTTP -------------------------------------------------------------------------

_APP_SOURCE = {
    "chatloom": """
from bench.server_bench import chatloom_server
from chatloom.http import create_app
app = create_app(chatloom_server(), serve_element=False)
""",
    "reference": """
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from bench.server_bench import reference_server
from chatkit.server import StreamingResult
server = reference_server()
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
from bench.server_bench import floor_frames
async def frames():
    for frame in floor_frames():
        yield frame
async def endpoint(request):
    await request.body()
    return StreamingResponse(frames(), media_type="text/event-stream")
app = Starlette(routes=[Route("/chatkit", endpoint, methods=["POST"])])
""",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post_and_count(port: int) -> tuple[int, float]:
    request = (
        f"POST /chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(CREATE)}\r\nConnection: close\r\n\r\n"
    ).encode() + CREATE
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(request)
        received = bytearray()
        while chunk := conn.recv(1 << 16):
            received += chunk
    elapsed = time.perf_counter() - start
    return received.count(b"data: "), elapsed


def http_events_per_second(name: str, repeats: int) -> float:
    port = _free_port()
    with tempfile.TemporaryDirectory() as workdir:
        (Path(workdir) / "app.py").write_text(_APP_SOURCE[name])
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app:app",
                "--port",
                str(port),
                "--log-level",
                "error",
            ],
            cwd=workdir,
            env={"PYTHONPATH": f"{workdir}:{Path(__file__).resolve().parent.parent}", "PATH": ""},
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port)).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            _post_and_count(port)  # warm-up
            rates = []
            for _ in range(repeats):
                frames, elapsed = _post_and_count(port)
                assert frames >= DELTAS, f"{name} sent {frames} frames"
                rates.append(frames / elapsed)
            return statistics.median(rates)
        finally:
            process.terminate()
            process.wait()


# --- list latency ----------------------------------------------------------------------


async def _fill(server: Any, types: Any, thread_id: str, count: int, context: Any) -> None:
    base = datetime(2025, 1, 1)
    await server.store.save_thread(types.ThreadMetadata(id=thread_id, created_at=base), context)
    for n in range(count):
        item = types.AssistantMessageItem(
            id=f"msg_{n:06}",
            thread_id=thread_id,
            created_at=base + timedelta(seconds=n),
            content=[types.AssistantMessageContent(text=f"reply number {n} " * 8)],
        )
        await server.store.add_thread_item(thread_id, item, context)


async def _latency(server: Any, body: bytes, context: Any, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        await server.process(body, context)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def list_latency(name: str, factory: Callable[[], Any], types: Any, sizes: list[int]) -> list[str]:
    rows = []
    for size in sizes:

        async def run(size: int = size) -> tuple[float, float]:
            server = factory()
            context = {"user_id": "bench"}
            await _fill(server, types, "thr_big", size, context)
            for n in range(50):
                await server.store.save_thread(
                    types.ThreadMetadata(id=f"thr_{n}", created_at=datetime(2024, 1, 1, 0, n)),
                    context,
                )
            items = json.dumps(
                {"type": "items.list", "params": {"thread_id": "thr_big", "limit": 20}}
            ).encode()
            threads = json.dumps({"type": "threads.list", "params": {"limit": 20}}).encode()
            return (
                await _latency(server, items, context, 30),
                await _latency(server, threads, context, 30),
            )

        items_ms, threads_ms = asyncio.run(run())
        rows.append(
            f"  {name:<26} {size:>7} items   items.list {items_ms:7.3f} ms   "
            f"threads.list {threads_ms:7.3f} ms"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller threads")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    sizes = [500, 5_000] if args.quick else [500, 5_000, 50_000]

    import chatkit.types as reference_types

    import chatloom.types as chatloom_types

    print(
        f"One streamed reply of {DELTAS} text deltas ({DELTAS + 7} SSE frames); median of "
        f"{repeats} runs.\n"
    )
    print("process() level, events/s")
    floor = events_per_second(_floor_async, repeats)
    results = {
        "chatloom (MemoryStore)": events_per_second(lambda: _drain(chatloom_server()), repeats),
        "chatloom (SQLiteStore)": events_per_second(
            lambda: _drain(chatloom_server("sqlite")), repeats
        ),
        "reference openai-chatkit": events_per_second(lambda: _drain(reference_server()), repeats),
    }
    reference = results["reference openai-chatkit"]
    for name, rate in results.items():
        print(
            f"  {name:<26} {rate:>10,.0f}   {rate / reference:5.2f}x reference   "
            f"{rate / floor:6.0%} of the floor"
        )
    print(f"  {'floor (json.dumps)':<26} {floor:>10,.0f}")

    print("\nover HTTP (uvicorn on loopback, one process per app), events/s")
    http = {
        name: http_events_per_second(name, repeats) for name in ("chatloom", "reference", "floor")
    }
    for name in ("chatloom", "reference"):
        print(
            f"  {name:<26} {http[name]:>10,.0f}   {http[name] / http['reference']:5.2f}x reference"
            f"   {http[name] / http['floor']:6.0%} of the floor"
        )
    print(
        f"  {'floor':<26} {http['floor']:>10,.0f}   (one write per frame, as Starlette's "
        "StreamingResponse does)"
    )

    print("\nlist latency through process(), median of 30 calls (page of 20)")
    with tempfile.TemporaryDirectory() as workdir:
        rows = [
            *list_latency(
                "chatloom SQLiteStore (file)",
                lambda: chatloom_server(
                    "sqlite", str(Path(workdir) / f"{time.monotonic_ns()}.sqlite3")
                ),
                chatloom_types,
                sizes,
            ),
            *list_latency("chatloom MemoryStore", chatloom_server, chatloom_types, sizes),
            *list_latency("reference, docs store", reference_server, reference_types, sizes),
        ]
    print("\n".join(rows))


if __name__ == "__main__":
    main()
