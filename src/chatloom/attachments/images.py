"""Images with Pillow: proving an upload decodes, thumbnails, copies sized for a model.

Only the web formats become image attachments (with a preview); another image type
an operator allows is kept as a plain file. Every function here blocks: call it in a
worker thread.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps

PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
PREVIEW_TYPE = "image/webp"
PREVIEW_SIDE = 512
# Everything Pillow raises for a file that is not the image it claims to be.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


class InvalidImage(Exception):
    """The bytes do not decode as the declared image type."""


class TooManyPixels(InvalidImage):
    """The image is larger than allowed, found from its header before decoding."""


def has_preview(mime_type: str) -> bool:
    return mime_type in PILLOW_FORMATS


def make_preview(source: Path, mime_type: str, destination: Path, max_pixels: int) -> None:
    """Decode the whole image (so a broken or disguised file fails) and save a thumbnail.

    The thumbnail is upright (EXIF orientation applied), carries no EXIF data (no GPS
    position leaks through a preview URL) and fits in 512x512.
    """
    try:
        with _open(source, mime_type, max_pixels) as image:
            thumbnail = _shrunk(image, PREVIEW_SIDE)
            thumbnail.save(destination, "WEBP", quality=80)
    except _DECODE_ERRORS as error:
        raise InvalidImage(str(error)) from error


def model_image(
    source: Path, mime_type: str, max_side: int, max_bytes: int, max_pixels: int
) -> tuple[str, bytes]:
    """``(mime_type, bytes)`` to send a model: the original if small, else a smaller copy."""
    try:
        with _open(source, mime_type, max_pixels) as image:
            if max(image.size) <= max_side and source.stat().st_size <= max_bytes:
                return mime_type, source.read_bytes()
            smaller = _shrunk(image, max_side)
    except _DECODE_ERRORS as error:
        raise InvalidImage(str(error)) from error
    buffer = BytesIO()
    if smaller.mode == "RGBA":
        smaller.save(buffer, "PNG", optimize=True)
        return "image/png", buffer.getvalue()
    smaller.save(buffer, "JPEG", quality=85)
    return "image/jpeg", buffer.getvalue()


def _open(source: Path, mime_type: str, max_pixels: int) -> Image.Image:
    # Only the declared format's decoder runs: no guessing between formats.
    image = Image.open(source, formats=[PILLOW_FORMATS[mime_type]])
    if image.width * image.height > max_pixels:
        image.close()
        raise TooManyPixels(f"The image is larger than {max_pixels / 1e6:g} megapixels")
    return image


def _shrunk(image: Image.Image, side: int) -> Image.Image:
    image.draft("RGB", (side, side))  # JPEG decodes straight at a fraction of the size
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((side, side))
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    return upright.convert("RGBA" if has_alpha else "RGB")
