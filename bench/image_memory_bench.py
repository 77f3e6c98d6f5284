"""Memory of image previews: peak and retained RSS while six uploads' previews run at once.

    .venv/bin/python bench/image_memory_bench.py [--side 6000]

Each contender runs in a fresh process: a blank 16-bit RGBA PNG of side x side (a few
hundred KB on disk, side*side*4 bytes decoded) is previewed six times concurrently,
as six parallel uploads would. Prints peak RSS, RSS after the burst, and the time.
"baseline" is the naive pipeline the attachment store used before (every preview in its
own thread, ``exif_transpose`` + ``thumbnail`` on the full image); "chatloom" is the
current one (the bounded worker pool, band-wise shrinking, memory handed back).
"""

from __future__ import annotations

import argparse
import json
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

JOBS = 6


def _png(side: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + side * 8)
    pixels = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 16, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _baseline_preview(source: Path, destination: Path) -> None:
    from PIL import Image, ImageOps

    with Image.open(source, formats=["PNG"]) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((512, 512))
        upright.convert("RGBA").save(destination, "WEBP", quality=80)


def _child(contender: str, source: Path, out: Path) -> None:
    import anyio
    import anyio.to_thread

    from chatloom.attachments import workers
    from chatloom.attachments.images import make_preview
    from chatloom.attachments.policy import UploadPolicy

    policy = UploadPolicy(max_image_decode_bytes=10**10)  # measure the pipeline, not the refusal
    start_rss = _rss_mb()

    async def one(n: int) -> None:
        target = out / f"{n}.webp"
        if contender == "baseline":
            await anyio.to_thread.run_sync(_baseline_preview, source, target)
        else:
            await workers.run(make_preview, source, "image/png", target, policy)

    async def burst() -> None:
        async with anyio.create_task_group() as tasks:
            for n in range(JOBS):
                tasks.start_soon(one, n)

    began = time.perf_counter()
    anyio.run(burst)
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"start": start_rss, "peak": peak, "after": _rss_mb(), "seconds": elapsed}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=6000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "deep.png"
        source.write_bytes(_png(args.side))
        decoded = args.side * args.side * 4 / 2**20
        print(f"{JOBS} previews at once of a {args.side}x{args.side} 16-bit RGBA PNG")
        print(f"({source.stat().st_size / 1024:.0f} KiB on disk, {decoded:.0f} MiB decoded)\n")
        print(f"{'':10} {'peak RSS':>10} {'RSS after':>10} {'time':>8}")
        for contender in ("baseline", "chatloom"):
            run = subprocess.run(
                [sys.executable, __file__, "--child", contender, str(source), folder],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(run.stdout)
            print(
                f"{contender:10} {figures['peak']:8.0f} MB {figures['after']:8.0f} MB"
                f" {figures['seconds']:7.2f}s"
            )


if __name__ == "__main__":
    main()
