"""Resume latency: how fast a client whose connection dropped gets its reply back.

    .venv-bench/bin/python bench/resume_bench.py [--concurrency 100 300] [--cut-after 30]

One uvicorn process serves chatloom with resumable responses (in-memory log) and the
paced replies of ``paced_bench.py`` (100 deltas, 10 ms apart). C clients in a separate
process each start a reply, drop the connection after ``--cut-after`` frames, and at
once resume with ``responses.resume`` and the last event id they saw. Printed: resume
latency (request written -> first frame back) p50/p99, next to the first-event latency
of the original requests under the same load; and how many transcripts came out whole
(every id exactly once, in order, ending with the finished item).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `python bench/resume_bench.py`
    sys.path.insert(0, str(ROOT))

from bench.paced_bench import DELTAS, RESUMABLE_CREATE, serve  # noqa: E402


async def _post(port: int, body: bytes, cookie: str) -> tuple[asyncio.StreamReader, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST /chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Cookie: chatloom_uid={cookie}\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n\r\n".encode()
        + body
    )
    return reader, writer


async def _frames(reader: asyncio.StreamReader, limit: int | None) -> tuple[list[bytes], float]:
    """Complete SSE frames (id lines and data) until the end or ``limit``; first-frame time."""
    start = time.perf_counter()
    first = 0.0
    buffer = b""
    frames: list[bytes] = []
    while chunk := await reader.read(1 << 16):
        buffer += chunk
        while b"\n\n" in buffer:
            frame, buffer = buffer.split(b"\n\n", 1)
            if b"id: " not in frame:
                continue  # the status line, headers and chunk sizes precede the frames
            frame = frame[frame.index(b"id: ") :]
            if not frames:
                first = time.perf_counter() - start
            frames.append(frame)
            if limit is not None and len(frames) >= limit:
                return frames, first
    return frames, first


async def _client(port: int, cut_after: int) -> tuple[float, float, bool]:
    cookie = secrets.token_hex(16)
    reader, writer = await _post(port, RESUMABLE_CREATE, cookie)
    before, first_event = await _frames(reader, cut_after)
    writer.transport.abort()  # the network blips
    last_id = before[-1].split(b"\n", 1)[0][4:].decode()
    resume = json.dumps({"type": "responses.resume", "params": {"last_event_id": last_id}}).encode()
    reader, writer = await _post(port, resume, cookie)
    after, resume_latency = await _frames(reader, None)
    writer.close()
    ids = [frame.split(b"\n", 1)[0] for frame in before + after]
    expected = [b"id: %s:%d" % (last_id.split(":")[0].encode(), n) for n in range(1, len(ids) + 1)]
    whole = ids == expected and len(ids) >= DELTAS + 2 and b"thread.item.done" in after[-1]
    return first_event, resume_latency, whole


async def _load(port: int, concurrency: int, cut_after: int) -> list[tuple[float, float, bool]]:
    return await asyncio.gather(*(_client(port, cut_after) for _ in range(concurrency)))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--cut-after", type=int, default=30)
    parser.add_argument("--load-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load-c", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_port:
        print(json.dumps(asyncio.run(_load(args.load_port, args.load_c, args.cut_after))))
        return
    print(
        f"Each of C clients drops its reply after {args.cut_after} frames and resumes at once "
        f"(replies of {DELTAS} deltas, 10 ms apart; one uvicorn process).\n"
    )
    print(f"  {'C':>5} {'first event p50/p99':>22} {'resume p50/p99':>20} {'whole':>9}")
    for concurrency in args.concurrency:
        with serve("chatloom-resumable", "h11", "asyncio") as (_pid, port):
            command = [sys.executable, __file__, "--load-port", str(port)]
            command += ["--load-c", str(concurrency), "--cut-after", str(args.cut_after)]
            results = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
        firsts = [first for first, _, _ in results]
        resumes = [resumed for _, resumed, _ in results]
        whole = sum(1 for _, _, ok in results if ok)
        print(
            f"  {concurrency:>5} {_p(firsts, 0.5):>10.0f} /{_p(firsts, 0.99):>6.0f} ms "
            f"{_p(resumes, 0.5):>8.0f} /{_p(resumes, 0.99):>6.0f} ms "
            f"{whole:>5}/{concurrency}"
        )


if __name__ == "__main__":
    main()
