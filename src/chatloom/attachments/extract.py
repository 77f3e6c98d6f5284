"""Stored files as model input: OpenAI Chat Completions content parts.

Images become ``image_url`` parts with a ``data:`` URL (downscaled when huge), text
files and PDFs become ``text`` parts (decoded or extracted, truncated with a note), and
anything else a short note, so the model at least knows a file was attached. Every
function here blocks: call it in a worker thread.
"""

from __future__ import annotations

import base64
import codecs
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .images import InvalidImage, has_preview, model_image
from .policy import UploadPolicy
from .sniffing import is_text_type

logger = logging.getLogger("chatloom.attachments")

ContentPart = dict[str, Any]


@dataclass(frozen=True)
class ModelContentLimits:
    """How much of an attachment a model is shown."""

    max_text_chars: int = 50_000
    """Text and PDF text beyond this is cut, with a note saying so."""
    max_image_side: int = 2048
    max_image_bytes: int = 4 * 1024 * 1024
    """Images larger (in pixels or bytes) are sent as a smaller copy."""
    max_pdf_pages: int = 200


def content_parts(
    path: Path | None, name: str, mime_type: str, limits: ModelContentLimits, policy: UploadPolicy
) -> list[ContentPart]:
    """The parts for one attachment; ``path`` is ``None`` if its bytes never arrived."""
    if path is None:
        return [_note(f"[The attachment {name} ({mime_type}) was never uploaded.]")]
    if has_preview(mime_type):
        try:
            kind, data = model_image(
                path, mime_type, limits.max_image_side, limits.max_image_bytes, policy
            )
        except InvalidImage:
            return [_note(f"[The image {name} could not be decoded.]")]
        url = f"data:{kind};base64,{base64.b64encode(data).decode()}"
        return [{"type": "image_url", "image_url": {"url": url}}]
    if is_text_type(mime_type):
        text, complete = _read_text(path, limits.max_text_chars)
        cut = f"the first {len(text)} characters of a {path.stat().st_size}-byte file"
        return [_file_text(name, mime_type, text, None if complete else cut)]
    if mime_type == "application/pdf":
        return [_pdf_part(path, name, limits)]
    size = path.stat().st_size
    return [_note(f"[Attached file {name} ({mime_type}, {size} bytes) cannot be shown here.]")]


def _note(text: str) -> ContentPart:
    return {"type": "text", "text": text}


def _file_text(name: str, mime_type: str, text: str, cut: str | None) -> ContentPart:
    """The text of a file, headed by its name; ``cut`` says what was kept if not all."""
    body = f"Attached file {name} ({mime_type}):\n\n{text}"
    if cut is not None:
        body += f"\n\n[Truncated: this is {cut}.]"
    return _note(body)


def _read_text(path: Path, max_chars: int) -> tuple[str, bool]:
    """At most ``max_chars`` of the file as text, and whether that is all of it.

    UTF-8 (a BOM is dropped); a file that is not UTF-8 is read as Latin-1, which
    decodes any byte, so legacy encodings come through mostly readable.
    """
    with path.open("rb") as file:
        # A character is at most four UTF-8 bytes; one more byte tells if there is more.
        raw = file.read(max_chars * 4 + 1)
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if len(text) > max_chars:
        return text[:max_chars], False
    return text, len(raw) <= max_chars * 4


def _pdf_part(path: Path, name: str, limits: ModelContentLimits) -> ContentPart:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")  # many "protected" PDFs only restrict printing
        pages: list[str] = []
        length = 0
        for page in reader.pages[: limits.max_pdf_pages]:
            pages.append(page.extract_text())
            length += len(pages[-1])
            if length > limits.max_text_chars:
                break
        total_pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError) as error:
        logger.info("Could not extract text from %s: %s", path, error)
        return _note(f"[The PDF {name} could not be read.]")
    text = "\n\n".join(pages).strip()
    if not text:
        return _note(f"[The PDF {name} has no extractable text (it may be scanned).]")
    if len(pages) == total_pages and len(text) <= limits.max_text_chars:
        return _file_text(name, "application/pdf", text, None)
    kept = text[: limits.max_text_chars]
    cut = f"at most {len(kept)} characters from the first {len(pages)} of {total_pages} pages"
    return _file_text(name, "application/pdf", kept, cut)
