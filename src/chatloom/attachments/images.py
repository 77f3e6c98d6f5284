"""Images with Pillow: proving an upload decodes, thumbnails, copies sized for a model.

Only the web formats become image attachments (with a preview); another image type
an operator allows is kept as a plain file. Every function here blocks and holds a
decoded image in memory: run it through :func:`chatloom.attachments.workers.run`,
which bounds how many run at once.

Decoding stays within the policy's memory budget: JPEG decodes straight at a fraction
of its size (``draft``); other formats decode whole, so an image whose decoded pixels
would need more than ``max_image_decode_bytes`` is refused from its header. The budget
counts the bytes Pillow keeps per pixel (1 for grey or palette, 2 for 16-bit grey, 4
for colour with or without alpha), or a 16-bit file's samples (2 bytes per channel)
when they are more, so colour and 16-bit images reach it with fewer pixels than
``max_image_pixels``. No full-size
copy is made: the thumbnail is shrunk in place, then turned upright.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import ExifTags, Image, ImageFile

from . import errors
from .policy import UploadPolicy

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
_NARROW_MODES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class InvalidImage(Exception):
    """The bytes do not decode as the declared image type."""


class TooManyPixels(InvalidImage):
    """The image is larger than allowed, found from its header before decoding."""


def has_preview(mime_type: str) -> bool:
    return mime_type in PILLOW_FORMATS


def decoded_bytes(image: Image.Image) -> int:
    """The cost of decoding an image: the memory Pillow keeps for its pixels, or the
    samples the decoder works through when the file holds more (16-bit channels)."""
    pixels = image.width * image.height
    kept = pixels * _NARROW_MODES.get(image.mode, 4)
    tiles = image.tile if isinstance(image, ImageFile.ImageFile) else []
    deep = any(";16" in str(tile.args) for tile in tiles)
    return max(kept, pixels * len(image.getbands()) * 2) if deep else kept


def make_preview(source: Path, mime_type: str, destination: Path, policy: UploadPolicy) -> None:
    """Decode the whole image (so a broken or disguised file fails) and save a thumbnail.

    The thumbnail is upright (EXIF orientation applied), carries no EXIF data (no GPS
    position leaks through a preview URL) and fits in 512x512.
    """
    try:
        with _open(source, mime_type, policy, PREVIEW_SIDE) as image:
            _shrunk(image, PREVIEW_SIDE).save(destination, "WEBP", quality=80)
    except _DECODE_ERRORS as error:
        raise InvalidImage(str(error)) from error


def model_image(
    source: Path, mime_type: str, max_side: int, max_bytes: int, policy: UploadPolicy
) -> tuple[str, bytes]:
    """``(mime_type, bytes)`` to send a model: the original if small, else a smaller copy."""
    try:
        with _open(source, mime_type, policy, max_side) as image:
            if max(image.size) <= max_side and source.stat().st_size <= max_bytes:
                image.load()  # prove it decodes before a model is shown it
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


def _open(source: Path, mime_type: str, policy: UploadPolicy, side: int) -> Image.Image:
    # Only the declared format's decoder runs: no guessing between formats.
    image = Image.open(source, formats=[PILLOW_FORMATS[mime_type]])
    try:
        if image.width * image.height > policy.max_image_pixels:
            limit = f"{policy.max_image_pixels / 1e6:g} megapixels"
            raise TooManyPixels(f"The image is larger than {limit}")
        image.draft("RGB", (side, side))  # JPEG only: decode at a fraction of the size
        if decoded_bytes(image) > policy.max_image_decode_bytes:
            limit = errors.human_size(policy.max_image_decode_bytes)
            raise TooManyPixels(f"The image needs more than {limit} of memory to open")
    except BaseException:
        image.close()
        raise
    return image


def _shrunk(image: Image.Image, side: int) -> Image.Image:
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    small = _reduced_in_bands(image, side)
    small.thumbnail((side, side))
    transpose = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    upright = small.transpose(transpose) if transpose is not None else small
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    converted = upright.convert("RGBA" if has_alpha else "RGB")
    converted.info.pop("exif", None)  # never carried into a copy that leaves the server
    return converted


def _reduced_in_bands(image: Image.Image, side: int) -> Image.Image:
    """``image`` shrunk by a whole factor to about twice ``side`` (what ``thumbnail``
    does first), a band of rows at a time for images with alpha: Pillow scales those
    through a premultiplied copy, which for the whole image would double its memory."""
    factor = max(image.size) // (2 * side)
    if factor < 2 or image.mode not in ("RGBA", "LA"):
        return image
    image.load()
    width, height = image.size
    reduced = Image.new(image.mode, (-(-width // factor), -(-height // factor)))
    rows = factor * 32
    for top in range(0, height, rows):
        band = image.crop((0, top, width, min(top + rows, height)))
        reduced.paste(band.reduce(factor), (0, top // factor))
    return reduced
