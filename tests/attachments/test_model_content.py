"""``model_content``: what the agent runtime sends a model for each attachment."""

from __future__ import annotations

import base64
import io
from typing import Any

import anyio
from PIL import Image

from chatloom.attachments import ModelContentLimits
from chatloom.http import RequestContext
from chatloom.types import FileAttachment

from .conftest import App, AppFactory, image_bytes, pdf_bytes, sse_events


def sent_content(app: App, name: str, data: bytes, mime_type: str) -> list[dict[str, Any]]:
    """Upload, send in a message, and return the parts the server's respond() got."""
    attachment = app.upload(name, data, mime_type).json()
    sse_events(app.send("see attached", [attachment["id"]]))
    return app.server.model_inputs[-1]


def data_url_image(part: dict[str, Any]) -> tuple[str, Image.Image]:
    assert part["type"] == "image_url"
    header, encoded = part["image_url"]["url"].split(",", 1)
    mime_type = header.removeprefix("data:").removesuffix(";base64")
    return mime_type, Image.open(io.BytesIO(base64.b64decode(encoded)))


def test_a_small_image_is_sent_as_is(app: App) -> None:
    png = image_bytes((300, 200))
    (part,) = sent_content(app, "chart.png", png, "image/png")
    mime_type, image = data_url_image(part)
    assert (mime_type, image.size) == ("image/png", (300, 200))
    assert part["image_url"]["url"] == f"data:image/png;base64,{base64.b64encode(png).decode()}"


def test_a_huge_image_is_downscaled(make_app: AppFactory) -> None:
    app = make_app(model_limits=ModelContentLimits(max_image_side=256))
    (part,) = sent_content(app, "poster.jpg", image_bytes((1000, 500), "JPEG"), "image/jpeg")
    mime_type, image = data_url_image(part)
    assert (mime_type, image.size) == ("image/jpeg", (256, 128))


def test_text_is_decoded_and_truncated_with_a_note(make_app: AppFactory) -> None:
    app = make_app(model_limits=ModelContentLimits(max_text_chars=100))
    (short,) = sent_content(app, "note.md", "# Café\nshort".encode(), "text/markdown")
    assert short == {
        "type": "text",
        "text": "Attached file note.md (text/markdown):\n\n# Café\nshort",
    }
    (long,) = sent_content(app, "log.txt", b"0123456789" * 50, "text/plain")
    assert long["text"] == (
        "Attached file log.txt (text/plain):\n\n"
        + "0123456789" * 10
        + "\n\n[Truncated: this is the first 100 characters of a 500-byte file.]"
    )
    (legacy,) = sent_content(app, "old.csv", "naïve;prix\n".encode("latin-1"), "text/csv")
    assert legacy["text"].endswith("naïve;prix\n")


def test_pdf_text_is_extracted(make_app: AppFactory) -> None:
    app = make_app(model_limits=ModelContentLimits(max_text_chars=40))
    (part,) = sent_content(app, "a.pdf", pdf_bytes("Quarterly revenue rose"), "application/pdf")
    assert part["text"] == "Attached file a.pdf (application/pdf):\n\nQuarterly revenue rose"
    pages = pdf_bytes("First page text here", "Second page text here", "Third page")
    (cut,) = sent_content(app, "long.pdf", pages, "application/pdf")
    assert cut["text"].startswith("Attached file long.pdf (application/pdf):\n\nFirst page")
    assert cut["text"].endswith(
        "[Truncated: this is at most 40 characters from the first 2 of 3 pages.]"
    )


def test_a_missing_or_foreign_attachment_becomes_a_note(app: App) -> None:
    attachment = app.upload("a.txt", b"secret", "text/plain").json()
    model_attachment = FileAttachment.model_validate(attachment)

    async def content_for(user: str) -> list[dict[str, Any]]:
        return await app.files.model_content(model_attachment, RequestContext(user))

    assert anyio.run(content_for, "alice")[0]["text"].endswith("secret")
    assert anyio.run(content_for, "bob") == [
        {"type": "text", "text": "[The attachment a.txt is no longer available.]"}
    ]
    reserved = app.call(
        "attachments.create", {"name": "b.txt", "size": 3, "mime_type": "text/plain"}
    ).json()
    pending = FileAttachment.model_validate(reserved)
    parts = anyio.run(app.files.model_content, pending, RequestContext("alice"))
    assert parts == [
        {"type": "text", "text": "[The attachment b.txt (text/plain) was never uploaded.]"}
    ]
