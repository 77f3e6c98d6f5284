"""Image decoding within a memory budget: bombs refused from the header, thumbnails made
without full-size copies, upright and without EXIF; a bounded pool of decoders."""

from __future__ import annotations

import io
import struct
import threading
import time
import zlib
from pathlib import Path

import anyio
import pytest
from PIL import Image

from chatloom.attachments import workers
from chatloom.attachments.images import TooManyPixels, make_preview, model_image
from chatloom.attachments.policy import UploadPolicy

from .conftest import AppFactory, error_of


def png_16bit_rgba(side: int) -> bytes:
    """A blank 16-bit RGBA PNG: a few hundred KB that decode to side x side x 4 bytes."""

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


def test_a_deep_colour_image_under_the_pixel_cap_is_refused_by_its_memory_cost(
    make_app: AppFactory,
) -> None:
    app = make_app()
    bomb = png_16bit_rgba(7000)  # 49 MP, under the 50 MP cap; ~190 MiB once decoded
    assert len(bomb) < 400_000
    refused = app.upload("deep.png", bomb, "image/png")
    assert error_of(refused) == (413, "file_too_large")
    assert "of memory to open" in refused.json()["error"]["message"]
    assert app.stored_files() == []


def test_the_budget_counts_bytes_per_pixel(tmp_path: Path) -> None:
    grey = tmp_path / "grey.png"
    Image.new("L", (2000, 2000)).save(grey)
    colour = tmp_path / "colour.png"
    Image.new("RGBA", (2000, 2000)).save(colour)
    budget = UploadPolicy(max_image_decode_bytes=8_000_000)  # 4 MP of grey, 2 MP of colour
    make_preview(grey, "image/png", tmp_path / "grey.webp", budget)
    with pytest.raises(TooManyPixels):
        make_preview(colour, "image/png", tmp_path / "colour.webp", budget)


def test_large_alpha_images_shrink_in_bands_to_the_same_thumbnail(tmp_path: Path) -> None:
    source = tmp_path / "alpha.png"
    gradient = Image.linear_gradient("L").resize((3000, 2000))
    Image.merge(
        "RGBA", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient, gradient)
    ).save(source)
    kind, data = model_image(source, "image/png", 512, 1, UploadPolicy())
    with Image.open(io.BytesIO(data)) as made, Image.open(source) as original:
        original.thumbnail((512, 512))  # Pillow's own, through a full-size copy
        assert kind == "image/png" and made.size == original.size == (512, 341)
        pairs = zip(made.get_flattened_data(), original.get_flattened_data(), strict=True)
        assert max(abs(a - b) for x, y in pairs for a, b in zip(x, y, strict=True)) <= 2


def test_previews_are_upright_and_carry_no_exif(tmp_path: Path) -> None:
    source = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (1200, 600), "red").save(source, "JPEG", exif=exif)
    make_preview(source, "image/jpeg", tmp_path / "p.webp", UploadPolicy())
    with Image.open(tmp_path / "p.webp") as preview:
        assert preview.size == (256, 512)  # turned upright
        assert not preview.getexif()
    kind, data = model_image(source, "image/jpeg", 400, 10**9, UploadPolicy())
    with Image.open(io.BytesIO(data)) as copy:
        assert kind == "image/jpeg" and copy.size == (200, 400) and not copy.getexif()


async def test_at_most_a_few_decodes_run_at_once() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def job() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # stands for a decode holding its memory
        with lock:
            running -= 1

    async with anyio.create_task_group() as tasks:
        for _ in range(6):
            tasks.start_soon(workers.run, job)
    assert most == workers.MAX_CONCURRENT_JOBS


def test_sixteen_bit_images_count_their_deeper_samples(tmp_path: Path) -> None:
    deep = tmp_path / "deep.png"
    deep.write_bytes(png_16bit_rgba(1000))  # 4 MB kept as 8-bit RGBA, 8 MB of samples
    shallow = tmp_path / "shallow.png"
    Image.new("RGBA", (1000, 1000)).save(shallow)
    budget = UploadPolicy(max_image_decode_bytes=6_000_000)
    make_preview(shallow, "image/png", tmp_path / "shallow.webp", budget)
    with pytest.raises(TooManyPixels):
        make_preview(deep, "image/png", tmp_path / "deep.webp", budget)
