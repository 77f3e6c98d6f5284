"""Upload throughput through the chatloom app against a plain disk write of the same bytes.

The app (ChatKitServer + SQLiteStore + DiskAttachmentStore) runs under uvicorn in a
child process on loopback; this process uploads N files of S MiB as the element does
(direct: a multipart POST; two-phase: ``attachments.create`` then a POST to the signed
URL), one after another, and compares with writing the same bytes to files in the
same directory. Neither side fsyncs.

    python bench/upload_bench.py [--count 20] [--size-mb 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx

MiB = 1024 * 1024


def serve(port: int, directory: Path, max_bytes: int) -> None:
    """The child process: the app, with an attachment store that takes any blob."""
    import uvicorn

    from chatloom.attachments import DiskAttachmentStore, UploadPolicy
    from chatloom.http import RequestContext, create_app
    from chatloom.server import ChatKitServer
    from chatloom.store.sqlite import SQLiteStore

    class NoReply(ChatKitServer[Any]):
        async def respond(self, thread: Any, item: Any, context: Any) -> AsyncIterator[Any]:
            return
            yield

    async def bench_user(request: Any) -> RequestContext:
        return RequestContext(user_id="bench", request=request)

    policy = UploadPolicy(
        max_bytes=max_bytes,
        allowed_types=("application/octet-stream",),
        user_quota_bytes=None,
        user_quota_count=None,
    )
    files: DiskAttachmentStore[Any] = DiskAttachmentStore(directory / "app", policy=policy)
    server = NoReply(SQLiteStore(directory / "app.sqlite3"), files)
    app = create_app(server, context=bench_user, serve_element=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError("the app exited before serving")
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the app did not start")


def timed(count: int, upload: Callable[[int], None]) -> float:
    upload(-1)  # warm-up, not timed
    start = time.perf_counter()
    for index in range(count):
        upload(index)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = int(args.size_mb * MiB)
    if args.serve:
        serve(int(args.serve[0]), Path(args.serve[1]), size + MiB)
        return

    data = os.urandom(size)
    with tempfile.TemporaryDirectory(prefix="chatloom-upload-bench-") as temp:
        plain = Path(temp) / "plain"
        plain.mkdir()
        port = free_port()
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), temp, "--size-mb", str(args.size_mb)]
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, child)
            with httpx.Client(base_url=url, timeout=120) as client:

                def write(index: int) -> None:
                    (plain / f"blob{index}").write_bytes(data)

                def direct(index: int) -> None:
                    files = {"file": (f"blob{index}.bin", data, "application/octet-stream")}
                    client.post("/chatkit/files", files=files).raise_for_status()

                def two_phase(index: int) -> None:
                    params = {
                        "name": "b.bin",
                        "size": size,
                        "mime_type": "application/octet-stream",
                    }
                    created = client.post(
                        "/chatkit", json={"type": "attachments.create", "params": params}
                    )
                    upload_url = created.json()["upload_descriptor"]["url"]
                    files = {"file": ("b.bin", data, "application/octet-stream")}
                    client.post(upload_url, files=files).raise_for_status()

                modes = {
                    "plain disk write": write,
                    "app, direct": direct,
                    "app, two-phase": two_phase,
                }
                # Rounds interleave the modes, so a busy moment of the machine does not
                # land on one mode only; the median round is reported.
                seconds: dict[str, list[float]] = {label: [] for label in modes}
                for _ in range(args.rounds):
                    for label, upload in modes.items():
                        seconds[label].append(timed(args.count, upload))
        finally:
            child.terminate()
            child.wait(10)

    total_mb = args.count * size / 1e6
    rates = {label: total_mb / statistics.median(times) for label, times in seconds.items()}
    print(
        f"upload_bench: {args.count} x {args.size_mb:g} MiB one at a time over loopback, "
        f"median of {args.rounds} rounds"
    )
    plain_rate = rates.pop("plain disk write")
    print(f"  {'plain disk write':<16}  {plain_rate:7.1f} MB/s")
    for label, rate in rates.items():
        print(f"  {label:<16}  {rate:7.1f} MB/s   {rate / plain_rate:.2f} of plain")


if __name__ == "__main__":
    main()
