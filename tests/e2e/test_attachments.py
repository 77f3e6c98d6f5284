"""Attachments: two-phase upload (attachments.create, then the bytes to the upload
descriptor), limits, and the attachment shown on the sent message."""

from __future__ import annotations

import email
import email.policy
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import obstore
import pytest
from playwright.sync_api import expect
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chatloom.http import create_app
from chatloom.store import AttachmentStore
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    Attachment,
    AttachmentCreateParams,
    AttachmentUploadDescriptor,
    FileAttachment,
    ImageAttachment,
)
from tests.e2e.conftest import Live
from tests.e2e.helpers import open_chat, send, set_options
from tests.e2e.scripted import ScriptedServer
from tests.live_server import free_port, serve

pytestmark = pytest.mark.e2e


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG (stdlib only)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = png()


def multipart_file(content_type: str, body: bytes) -> bytes:
    """The `file` part of a multipart/form-data body (stdlib parser; no extra dependency)."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.HTTP
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise AssertionError("no file part")


class BytesStore(AttachmentStore[Any]):
    """Keeps uploaded bytes in memory; uploads go to /upload/<id> on this app."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.uploaded: dict[str, bytes] = {}

    async def create_attachment(self, input: AttachmentCreateParams, context: Any) -> Attachment:
        id = self.generate_attachment_id(input.mime_type, context)
        upload = AttachmentUploadDescriptor(
            url=f"{self.base}/upload/{id}", method="POST", headers={"X-Upload": "1"}
        )
        if input.mime_type.startswith("image/"):
            return ImageAttachment(
                id=id,
                name=input.name,
                mime_type=input.mime_type,
                preview_url=f"{self.base}/preview/{id}",
                upload_descriptor=upload,
            )
        return FileAttachment(
            id=id, name=input.name, mime_type=input.mime_type, upload_descriptor=upload
        )

    async def delete_attachment(self, attachment_id: str, context: Any) -> None:
        self.uploaded.pop(attachment_id, None)


def establish_user(page: Any) -> None:
    """One request first, so the app's anonymous-user cookie is set before the parallel
    uploads (parallel first requests would each get a new anonymous user)."""
    page.evaluate(
        "async () => { const el = document.querySelector('openai-chatkit');"
        " await el.showHistory(); await el.hideHistory(); }"
    )


@pytest.fixture
def uploads() -> Iterator[tuple[Live, BytesStore]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    files = BytesStore(base)
    server = ScriptedServer(MemoryStore())
    server.attachment_store = files

    async def upload(request: Request) -> Response:
        assert request.headers.get("x-upload") == "1"
        files.uploaded[request.path_params["id"]] = multipart_file(
            request.headers["content-type"], await request.body()
        )
        return JSONResponse({})

    async def preview(request: Request) -> Response:
        return Response(files.uploaded.get(request.path_params["id"], b""), media_type="image/png")

    app = create_app(
        server,
        routes=[
            Route("/upload/{id}", upload, methods=["POST"]),
            Route("/preview/{id}", preview, methods=["GET"]),
        ],
    )
    with serve(app, port) as url:
        yield Live(url, server), files


def test_two_phase_upload_and_send(page: Any, uploads: tuple[Live, BytesStore]) -> None:
    live, files = uploads
    chat = open_chat(page, live.url)
    set_options(
        page,
        """{api: {url: '/chatkit', domainKey: 'x', uploadStrategy: {type: 'two_phase'}},
            composer: {attachments: {enabled: true, maxCount: 2}}}""",
    )
    establish_user(page)
    picker = chat.locator("input[type=file]")
    picker.set_input_files(
        [
            {"name": "dot.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello file"},
        ]
    )
    expect(chat.locator(".ck-upload-done")).to_have_count(2)
    assert sorted(files.uploaded.values(), key=len) == [b"hello file", PNG]
    send(chat, "see attached")
    sent = chat.locator(".ck-user")
    expect(sent.locator(".ck-attachment-file")).to_contain_text("notes.txt")
    expect(sent.locator("img.ck-attachment-image")).to_have_attribute("alt", "dot.png")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: see attached")
    expect(chat.locator(".ck-uploads")).to_have_count(0)  # the draft is cleared


def test_attachment_limits(page: Any, uploads: tuple[Live, BytesStore]) -> None:
    live, files = uploads
    chat = open_chat(page, live.url)
    set_options(
        page,
        """{api: {url: '/chatkit', domainKey: 'x', uploadStrategy: {type: 'two_phase'}},
            composer: {attachments: {enabled: true, maxSize: {'image/*': 10, '*': 1000},
                                     accept: {'image/*': ['.png'], 'text/plain': ['.txt']}}}}""",
    )
    picker = chat.locator("input[type=file]")
    picker.set_input_files([{"name": "big.png", "mimeType": "image/png", "buffer": PNG}])
    expect(chat.locator(".ck-toast")).to_contain_text("big.png is too large.")
    picker.set_input_files([{"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}])
    expect(chat.locator(".ck-toast")).to_contain_text("x.pdf is not a supported file type.")
    assert files.uploaded == {}
    picker.set_input_files([{"name": "ok.txt", "mimeType": "text/plain", "buffer": b"fine"}])
    expect(chat.locator(".ck-upload-done")).to_have_count(1)
    chat.get_by_role("button", name="Remove ok.txt").click()
    expect(chat.locator(".ck-upload")).to_have_count(0)


@pytest.fixture
def disk_live(tmp_path: Any) -> Iterator[Live]:
    """The app with chatloom's own disk attachment store (its routes mount themselves)."""
    from chatloom.attachments.disk import DiskAttachmentStore

    server = ScriptedServer(MemoryStore())
    server.attachment_store = DiskAttachmentStore(tmp_path)
    with serve(create_app(server)) as url:
        yield Live(url, server)


@pytest.mark.parametrize(
    "strategy", ["{type: 'two_phase'}", "{type: 'direct', uploadUrl: '/chatkit/files'}"]
)
def test_uploads_with_the_disk_store(page: Any, disk_live: Live, strategy: str) -> None:
    chat = open_chat(page, disk_live.url)
    set_options(
        page,
        f"""{{api: {{url: '/chatkit', domainKey: 'x', uploadStrategy: {strategy}}},
            composer: {{attachments: {{enabled: true}}}}}}""",
    )
    establish_user(page)
    chat.locator("input[type=file]").set_input_files(
        [
            {"name": "dot.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello file"},
        ]
    )
    expect(chat.locator(".ck-upload-done")).to_have_count(2)
    send(chat, "see attached")
    sent = chat.locator(".ck-user")
    expect(sent.locator(".ck-attachment-file")).to_contain_text("notes.txt")
    image = sent.locator("img.ck-attachment-image")
    expect(image).to_have_attribute("alt", "dot.png")
    page.wait_for_function(
        "() => document.querySelector('openai-chatkit').shadowRoot"
        ".querySelector('.ck-user img').naturalWidth > 0"
    )  # the server's preview URL serves the thumbnail
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: see attached")


@pytest.fixture
def s3_live(s3_settings: Any) -> Iterator[tuple[Live, Any]]:
    """The app with the S3 store: two-phase uploads go from Chromium to SeaweedFS (another
    origin, so a CORS preflight first), checked by the app when the message is sent."""
    from chatloom.attachments.s3 import S3AttachmentStore

    files: S3AttachmentStore[Any] = S3AttachmentStore(s3_settings)
    server = ScriptedServer(MemoryStore())
    server.attachment_store = files
    with serve(create_app(server)) as url:
        yield Live(url, server), files


@pytest.mark.s3
@pytest.mark.parametrize(
    "strategy", ["{type: 'two_phase'}", "{type: 'direct', uploadUrl: '/chatkit/files'}"]
)
def test_uploads_with_the_s3_store(page: Any, s3_live: tuple[Live, Any], strategy: str) -> None:
    live, files = s3_live
    chat = open_chat(page, live.url)
    set_options(
        page,
        f"""{{api: {{url: '/chatkit', domainKey: 'x', uploadStrategy: {strategy}}},
            composer: {{attachments: {{enabled: true}}}}}}""",
    )
    establish_user(page)
    chat.locator("input[type=file]").set_input_files(
        [
            {"name": "dot.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello file"},
        ]
    )
    expect(chat.locator(".ck-upload-done")).to_have_count(2)
    send(chat, "see attached")
    sent = chat.locator(".ck-user")
    expect(sent.locator(".ck-attachment-file")).to_contain_text("notes.txt")
    expect(sent.locator("img.ck-attachment-image")).to_have_attribute("alt", "dot.png")
    page.wait_for_function(
        "() => document.querySelector('openai-chatkit').shadowRoot"
        ".querySelector('.ck-user img').naturalWidth > 0"
    )  # the app's preview URL redirects to the thumbnail in the bucket
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: see attached")
    # Both files were verified and moved where clients cannot write.
    keys = [m["path"] for c in obstore.list(files.bucket, prefix=files.prefix) for m in c]
    assert sum("/files/" in key for key in keys) == 2
    assert not any("/uploads/" in key for key in keys)
