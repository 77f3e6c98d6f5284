"""``POST /v1/chatkit/files`` and two-phase uploads, behind the client secret and the
session's ``file_upload`` settings (with the disk attachment store of ``[files]``)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from chatloom.agents import OpenAICompatibleProvider
from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.attachments import DiskAttachmentStore
from chatloom.hosted import WorkflowRepository, create_hosted_app

from ..live_server import serve
from .conftest import ADMIN_KEY, HELLO, done_items, user_input


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def files_app(tmp_path: Path, endpoint_url: str) -> Iterator[str]:
    (tmp_path / "hello.yaml").write_text(HELLO)
    repository = WorkflowRepository(tmp_path)
    repository.publish("wf_hello")
    disk: DiskAttachmentStore[object] = DiskAttachmentStore(
        tmp_path / "files", path="/v1/chatkit/files"
    )
    app = create_hosted_app(
        repository,
        admin_keys=[ADMIN_KEY],
        provider=OpenAICompatibleProvider("scripted", base_url=endpoint_url),
        attachment_store=disk,
        serve_element=False,
    )
    with serve(app) as url:
        yield url
    disk.close()


def session(url: str, **upload: object) -> str:
    body = {
        "user": "u1",
        "workflow": {"id": "wf_hello"},
        "chatkit_configuration": {
            "file_upload": upload,
            "automatic_thread_titling": {"enabled": False},
        },
    }
    response = httpx.post(
        url + "/v1/chatkit/sessions", json=body, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["client_secret"])


def upload(url: str, secret: str | None, name: str = "dot.png") -> httpx.Response:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return httpx.post(
        url + "/v1/chatkit/files", files={"file": (name, PNG, "image/png")}, headers=headers
    )


def test_direct_upload_then_a_message_with_it(files_app: str, endpoint: ScriptedEndpoint) -> None:
    secret = session(files_app, enabled=True)
    response = upload(files_app, secret)
    assert response.status_code == 200, response.text
    attachment = response.json()
    assert attachment["type"] == "image" and attachment["mime_type"] == "image/png"
    assert attachment["preview_url"].startswith(files_app + "/v1/chatkit/files/")

    endpoint.script([Say("A tiny image.")])
    body = {
        "type": "threads.create",
        "params": {"input": {**user_input("what is this?"), "attachments": [attachment["id"]]}},
    }
    events = httpx.post(
        files_app + "/v1/chatkit/conversation",
        json=body,
        headers={"Authorization": f"Bearer {secret}"},
    )
    frames = [json.loads(f[6:]) for f in events.text.split("\n\n") if f.startswith("data: ")]
    [message] = done_items(frames, "user_message")
    assert message["attachments"][0]["id"] == attachment["id"]


def test_uploads_follow_the_session(files_app: str) -> None:
    assert upload(files_app, None).status_code == 401
    assert upload(files_app, "ek_forged").json()["error"]["code"] == "invalid_client_secret"
    off = session(files_app)  # file_upload.enabled defaults to false
    refused = upload(files_app, off)
    assert refused.status_code == 403 and "not enabled" in refused.json()["error"]["message"]
    two = session(files_app, enabled=True, max_files=2)
    assert [upload(files_app, two).status_code for _ in range(3)] == [200, 200, 400]
    create = {
        "type": "attachments.create",
        "params": {"name": "big.pdf", "size": 2 * 1024 * 1024, "mime_type": "application/pdf"},
    }
    small = session(files_app, enabled=True, max_file_size=1)
    response = httpx.post(
        files_app + "/v1/chatkit/conversation",
        json=create,
        headers={"Authorization": f"Bearer {small}"},
    )
    assert response.status_code == 413


def test_two_phase_uploads_through_the_conversation(files_app: str) -> None:
    secret = session(files_app, enabled=True)
    create = {
        "type": "attachments.create",
        "params": {"name": "dot.png", "size": len(PNG), "mime_type": "image/png"},
    }
    created = httpx.post(
        files_app + "/v1/chatkit/conversation",
        json=create,
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    descriptor = created["upload_descriptor"]
    assert descriptor["url"].startswith(files_app + "/v1/chatkit/files/")
    uploaded = httpx.post(descriptor["url"], files={"file": ("dot.png", PNG, "image/png")})
    assert uploaded.status_code == 200 and uploaded.json()["id"] == created["id"]


def test_the_session_size_limit_holds_on_the_bytes_received(files_app: str) -> None:
    secret = session(files_app, enabled=True, max_file_size=1)  # 1 MiB
    auth = {"Authorization": f"Bearer {secret}"}
    big = b"x" * (3 * 1024 * 1024)

    def create(size: object) -> httpx.Response:
        body = {"type": "attachments.create", "params": {"name": "a.txt", "size": size}}
        body["params"]["mime_type"] = "text/plain"  # type: ignore[index]
        return httpx.post(files_app + "/v1/chatkit/conversation", json=body, headers=auth)

    # Declared 10 bytes, sent 3 MiB to the signed URL.
    url = create(10).json()["upload_descriptor"]["url"]
    refused = httpx.put(url, content=big, headers={"Content-Type": "text/plain"})
    assert refused.status_code == 413 and refused.json()["error"]["type"] == "file_too_large"
    # A size written as a float is still a size.
    assert create(float(2 * 1024 * 1024)).status_code == 413

    # A chunked direct upload declares no length at all.
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:
        yield head
        for start in range(0, len(big), 256 * 1024):
            yield big[start : start + 256 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()

    direct = httpx.post(
        files_app + "/v1/chatkit/files",
        content=chunks(),
        headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert direct.status_code == 413, direct.text
    assert direct.json()["error"]["type"] == "file_too_large"
