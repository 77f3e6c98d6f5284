"""S3AttachmentStore against a real, signature-checking S3 server (SeaweedFS): two-phase
uploads straight to the bucket, what the bucket refuses, verification before sending,
direct uploads, downloads and previews by presigned redirect, deletion and cleanup."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
import obstore
import pytest
from PIL import Image

from chatloom.attachments import UploadPolicy
from chatloom.attachments.s3 import S3AttachmentStore
from chatloom.config import S3Settings
from chatloom.http import create_app
from chatloom.shared.redis import RedisOnceMarks, RedisUsageLedger, connect
from chatloom.store.sqlite import SQLiteStore

from ..live_server import serve
from ..services.redis import RedisServer
from .conftest import (
    ModelInputServer,
    error_of,
    image_bytes,
    sse_events,
    user_from_header,
    user_item,
)

pytestmark = pytest.mark.s3

MiB = 1024 * 1024


@dataclass
class S3App:
    url: str
    files: S3AttachmentStore[Any]
    store: SQLiteStore[Any]
    server: ModelInputServer
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    def client(self, user: str = "alice") -> httpx.Client:
        if user not in self.clients:
            self.clients[user] = httpx.Client(
                base_url=self.url, headers={"X-User": user}, timeout=30
            )
        return self.clients[user]

    def call(self, type: str, params: dict[str, Any], user: str = "alice") -> httpx.Response:
        return self.client(user).post("/chatkit", json={"type": type, "params": params})

    def create(self, name: str, size: int, mime_type: str, user: str = "alice") -> dict[str, Any]:
        response = self.call(
            "attachments.create", {"name": name, "size": size, "mime_type": mime_type}, user
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def send(self, attachment_ids: list[str], user: str = "alice") -> httpx.Response:
        message = {
            "content": [{"type": "input_text", "text": "see attached"}],
            "attachments": attachment_ids,
            "inference_options": {},
        }
        return self.call("threads.create", {"input": message}, user)

    def objects(self) -> list[str]:
        """Every object under this test's prefix, without the prefix."""
        prefix = self.files.prefix
        found = [
            meta["path"]
            for chunk in obstore.list(self.files.bucket, prefix=prefix)
            for meta in chunk
        ]
        return sorted(path[len(prefix) :] for path in found)


def put(descriptor: dict[str, Any], data: bytes, **headers: str) -> httpx.Response:
    """What the element does with a PUT descriptor: the raw bytes, its headers."""
    assert descriptor["method"] == "PUT"
    return httpx.put(
        descriptor["url"], content=data, headers={**descriptor["headers"], **headers}, timeout=30
    )


def s3_error(response: httpx.Response) -> str:
    """The ``<Code>`` of an S3 XML error."""
    return response.text.split("<Code>", 1)[1].split("</Code>", 1)[0]


@pytest.fixture
def make_s3_app(tmp_path: Path, s3_settings: S3Settings) -> Iterator[Callable[..., S3App]]:
    with ExitStack() as stack:

        def make(policy: UploadPolicy | None = None, **options: Any) -> S3App:
            files: S3AttachmentStore[Any] = S3AttachmentStore(
                s3_settings, policy=policy or UploadPolicy(max_bytes=1 * MiB), **options
            )
            store: SQLiteStore[Any] = SQLiteStore(tmp_path / "threads.sqlite3")
            stack.callback(store.close)
            server = ModelInputServer(store, files)  # type: ignore[arg-type]
            url = stack.enter_context(
                serve(create_app(server, context=user_from_header, serve_element=False))
            )
            app = S3App(url, files, store, server)
            stack.callback(lambda: [client.close() for client in app.clients.values()])
            return app

        yield make


@pytest.fixture
def app(make_s3_app: Callable[..., S3App]) -> S3App:
    return make_s3_app()


def test_a_two_phase_upload_goes_to_the_bucket_and_is_verified_before_sending(app: S3App) -> None:
    data = image_bytes()
    created = app.create("photo.png", len(data), "image/png")
    descriptor = created["upload_descriptor"]
    assert descriptor["url"].startswith(app.files.endpoint + "/chatloom-test/")
    assert descriptor["headers"] == {"Content-Type": "image/png"}
    assert put(descriptor, data).status_code == 200
    assert app.objects() == [
        f"records/{created['id']}.json",
        f"unsent/{created['id']}",
        f"uploads/{created['id']}",
    ]

    item = user_item(sse_events(app.send([created["id"]])))
    (sent,) = item["attachments"]
    assert sent["id"] == created["id"] and sent.get("upload_descriptor") is None
    assert (
        f"files/{created['id']}" in app.objects()
        and f"uploads/{created['id']}" not in app.objects()
    )
    assert f"previews/{created['id']}.webp" in app.objects()
    # The model was shown the image itself.
    assert app.server.model_inputs[0][0]["type"] == "image_url"

    download = app.client().get(f"/chatkit/files/{created['id']}")
    assert download.status_code == 302 and download.headers["cache-control"] == "no-store"
    assert download.headers["location"].startswith(app.files.endpoint)
    fetched = httpx.get(download.headers["location"])
    assert fetched.content == data
    assert fetched.headers["content-type"] == "image/png"
    assert fetched.headers["content-disposition"].startswith('attachment; filename="photo.png"')

    preview = httpx.get(sent["preview_url"], follow_redirects=True)
    assert preview.status_code == 200
    assert Image.open(io.BytesIO(preview.content)).format == "WEBP"


def test_the_preview_url_finishes_an_upload_not_yet_sent(app: S3App) -> None:
    data = image_bytes((64, 64))
    created = app.create("a.png", len(data), "image/png")
    assert put(created["upload_descriptor"], data).status_code == 200
    preview = httpx.get(created["preview_url"], follow_redirects=True)
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/webp"
    tampered = created["preview_url"].replace("sig=", "sig=x")
    assert error_of(httpx.get(tampered)) == (403, "invalid_signature")


def test_the_bucket_refuses_another_size_or_type_than_declared(app: S3App) -> None:
    created = app.create("notes.txt", 5, "text/plain")
    descriptor = created["upload_descriptor"]
    longer = put(descriptor, b"hello, and much more")
    assert longer.status_code == 403 and s3_error(longer) == "SignatureDoesNotMatch"
    other_type = put(descriptor, b"<b>!</b>", **{"Content-Type": "text/html"})
    assert other_type.status_code == 403
    assert app.objects() == [f"records/{created['id']}.json", f"unsent/{created['id']}"]
    # What the policy refuses never gets an upload URL.
    assert error_of(
        app.call(
            "attachments.create", {"name": "big.txt", "size": 2 * MiB, "mime_type": "text/plain"}
        )
    ) == (413, "invalid_request")
    assert error_of(
        app.call(
            "attachments.create",
            {"name": "x.exe", "size": 10, "mime_type": "application/x-msdownload"},
        )
    ) == (415, "invalid_request")


def test_a_tampered_or_expired_upload_url_is_refused(app: S3App) -> None:
    created = app.create("notes.txt", 5, "text/plain")
    url = created["upload_descriptor"]["url"]
    for tampered in (
        url.replace("X-Amz-Expires=900", "X-Amz-Expires=9000"),
        url.replace(f"uploads/{created['id']}", "files/" + created["id"]),
        url[:-4] + ("0000" if not url.endswith("0000") else "1111"),
    ):
        refused = httpx.put(tampered, content=b"hello", headers={"Content-Type": "text/plain"})
        assert refused.status_code == 403, tampered
    assert app.objects() == [f"records/{created['id']}.json", f"unsent/{created['id']}"]


def test_a_replayed_upload_url_cannot_change_a_sent_file(app: S3App) -> None:
    created = app.create("notes.txt", 5, "text/plain")
    assert put(created["upload_descriptor"], b"hello").status_code == 200
    sse_events(app.send([created["id"]]))
    # The URL is still within its lifetime: the bucket takes the bytes, but only into
    # uploads/, which is never read again.
    assert put(created["upload_descriptor"], b"HACKD").status_code == 200
    location = app.client().get(f"/chatkit/files/{created['id']}").headers["location"]
    assert httpx.get(location).content == b"hello"


def test_content_that_is_not_the_declared_type_cannot_be_sent(app: S3App) -> None:
    fake = b"MZ\x90\x00" + bytes(200)  # an executable named .png
    created = app.create("cat.png", len(fake), "image/png")
    assert put(created["upload_descriptor"], fake).status_code == 200
    assert error_of(app.send([created["id"]])) == (415, "invalid_request")
    assert app.objects() == []  # the bytes and the record are gone, the quota given back
    assert app.send([created["id"]]).status_code == 404


def test_an_upload_that_never_completes_cannot_be_sent_and_is_cleaned_up(app: S3App) -> None:
    created = app.create("later.txt", 5, "text/plain")
    refused = app.send([created["id"]])
    assert refused.status_code == 400
    assert "has not finished uploading" in refused.json()["error"]["message"]
    removed = anyio.run(lambda: app.files.cleanup(app.store, older_than=-1))
    assert removed == 1
    assert app.objects() == []
    assert app.send([created["id"]]).status_code == 404


def test_a_direct_upload_streams_to_the_bucket_and_is_deleted_with_its_thread(app: S3App) -> None:
    uploaded = app.client().post(
        "/chatkit/files", files={"file": ("report.txt", b"quarterly numbers", "text/plain")}
    )
    assert uploaded.status_code == 200, uploaded.text
    attachment_id = uploaded.json()["id"]
    assert app.objects() == [
        f"files/{attachment_id}",
        f"records/{attachment_id}.json",
        f"unsent/{attachment_id}",
    ]
    thread_id = sse_events(app.send([attachment_id]))[0]["thread"]["id"]
    # Another user cannot download it.
    assert error_of(app.client("mallory").get(f"/chatkit/files/{attachment_id}")) == (
        404,
        "not_found",
    )
    location = app.client().get(f"/chatkit/files/{attachment_id}").headers["location"]
    assert httpx.get(location).content == b"quarterly numbers"
    assert app.call("threads.delete", {"thread_id": thread_id}).status_code == 200
    assert app.objects() == []


def test_deleting_an_attachment_deletes_its_objects_and_frees_the_quota(
    make_s3_app: Callable[..., S3App],
) -> None:
    app = make_s3_app(policy=UploadPolicy(max_bytes=MiB, user_quota_count=1))
    created = app.create("a.txt", 5, "text/plain")
    assert error_of(
        app.call("attachments.create", {"name": "b.txt", "size": 5, "mime_type": "text/plain"})
    ) == (429, "invalid_request")
    assert put(created["upload_descriptor"], b"hello").status_code == 200
    assert app.call("attachments.delete", {"attachment_id": created["id"]}).status_code == 200
    assert app.objects() == []
    app.create("b.txt", 5, "text/plain")


@pytest.mark.redis
def test_quotas_in_redis_fail_closed_while_redis_is_down(
    make_s3_app: Callable[..., S3App], redis_factory: Callable[[], RedisServer]
) -> None:
    redis = redis_factory()
    client = connect(redis.url, timeout=1.0)
    app = make_s3_app(ledger=RedisUsageLedger(client), marks=RedisOnceMarks(client))
    app.create("a.txt", 5, "text/plain")
    redis.stop()
    refused = app.call(
        "attachments.create", {"name": "b.txt", "size": 5, "mime_type": "text/plain"}
    )
    assert refused.status_code == 503
    assert "try again" in refused.json()["error"]["message"]
    direct = app.client().post("/chatkit/files", files={"file": ("c.txt", b"hi", "text/plain")})
    assert error_of(direct) == (503, "service_unavailable")
    assert direct.headers["Retry-After"] == "5"
    assert [key.split("/")[0] for key in app.objects()] == ["records", "unsent"]  # nothing lost
