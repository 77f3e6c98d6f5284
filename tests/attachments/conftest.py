"""A chatloom app with a DiskAttachmentStore under a real uvicorn, and real files to send it."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from PIL import Image
from starlette.requests import Request

from chatloom.attachments import DiskAttachmentStore, UploadPolicy
from chatloom.http import RequestContext, create_app
from chatloom.server import ChatKitServer
from chatloom.store.sqlite import SQLiteStore
from chatloom.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)

from ..live_server import serve

MiB = 1024 * 1024


class ModelInputServer(ChatKitServer[Any]):
    """Answers "ok" and keeps what a model would be shown of each attachment sent."""

    def __init__(self, store: SQLiteStore[Any], files: DiskAttachmentStore[Any]) -> None:
        super().__init__(store, files)
        self.files = files
        self.model_inputs: list[list[dict[str, Any]]] = []

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        for attachment in input_user_message.attachments if input_user_message else []:
            self.model_inputs.append(await self.files.model_content(attachment, context))
        yield ThreadItemDoneEvent(
            item=AssistantMessageItem(
                id="msg_reply",
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[AssistantMessageContent(text="ok")],
            )
        )


async def user_from_header(request: Request) -> RequestContext:
    """Tests name the user in ``X-User`` (an app would authenticate here)."""
    return RequestContext(user_id=request.headers.get("x-user", "alice"), request=request)


@dataclass
class App:
    url: str
    directory: Path
    files: DiskAttachmentStore[Any]
    store: SQLiteStore[Any]
    server: ModelInputServer
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    def client(self, user: str = "alice") -> httpx.Client:
        if user not in self.clients:
            self.clients[user] = httpx.Client(
                base_url=self.url, headers={"X-User": user}, timeout=30
            )
        return self.clients[user]

    def close_clients(self) -> None:
        for client in self.clients.values():
            client.close()

    def upload(
        self,
        name: str,
        data: bytes,
        mime_type: str,
        user: str = "alice",
        url: str = "/chatkit/files",
        method: str = "POST",
    ) -> httpx.Response:
        """What the element does: a multipart POST with the bytes in a ``file`` field."""
        return self.client(user).request(method, url, files={"file": (name, data, mime_type)})

    def call(self, type: str, params: dict[str, Any], user: str = "alice") -> httpx.Response:
        return self.client(user).post("/chatkit", json={"type": type, "params": params})

    def send(
        self,
        text: str,
        attachment_ids: list[str],
        thread_id: str | None = None,
        user: str = "alice",
    ) -> httpx.Response:
        """``threads.create`` or ``threads.add_user_message`` (a streamed response)."""
        message = {
            "content": [{"type": "input_text", "text": text}],
            "attachments": attachment_ids,
            "inference_options": {},
        }
        if thread_id is None:
            return self.call("threads.create", {"input": message}, user)
        return self.call(
            "threads.add_user_message", {"thread_id": thread_id, "input": message}, user
        )

    def stored_files(self) -> list[str]:
        """Names of everything under files/, previews/ and incoming/."""
        return sorted(
            str(path.relative_to(self.directory))
            for folder in ("files", "previews", "incoming")
            for path in (self.directory / folder).iterdir()
        )


def sse_events(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return [
        json.loads(line[len("data: ") :])
        for line in response.text.splitlines()
        if line.startswith("data: ")
    ]


def user_item(events: list[dict[str, Any]]) -> dict[str, Any]:
    (item,) = [
        event["item"]
        for event in events
        if event["type"] == "thread.item.done" and event["item"]["type"] == "user_message"
    ]
    return item


def error_of(response: httpx.Response) -> tuple[int, str]:
    """``(status, error type)`` of a JSON error response."""
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    return response.status_code, body["error"]["type"]


def image_bytes(size: tuple[int, int] = (1200, 800), format: str = "PNG") -> bytes:
    """A real image: a gradient, so it does not compress to nothing."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format)
    return buffer.getvalue()


def pdf_bytes(*pages: str) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * index} 0 R" for index in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for index, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * index} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


AppFactory = Callable[..., App]


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[AppFactory]:
    """``make_app(policy=..., lifespan="off", **DiskAttachmentStore options)``, served live."""
    numbers = itertools.count()
    with ExitStack() as stack:

        def make(
            policy: UploadPolicy | None = None,
            lifespan: Literal["on", "off"] = "off",
            **options: Any,
        ) -> App:
            directory = tmp_path / f"files{next(numbers)}"
            files: DiskAttachmentStore[Any] = DiskAttachmentStore(
                directory, policy=policy or UploadPolicy(max_bytes=1 * MiB), **options
            )
            stack.callback(files.close)
            store: SQLiteStore[Any] = SQLiteStore(directory.with_suffix(".sqlite3"))
            stack.callback(store.close)
            server = ModelInputServer(store, files)
            url = stack.enter_context(
                serve(
                    create_app(server, context=user_from_header, serve_element=False),
                    lifespan=lifespan,
                )
            )
            app = App(url, directory, files, store, server)
            stack.callback(app.close_clients)
            return app

        yield make


@pytest.fixture
def app(make_app: AppFactory) -> App:
    return make_app()
