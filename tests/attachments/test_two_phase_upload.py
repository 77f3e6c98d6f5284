"""Two-phase uploads: ``attachments.create`` hands out a signed, expiring, single-use URL."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
import httpx
from PIL import Image

from ..polling import eventually
from .conftest import App, MiB, error_of, image_bytes, sse_events, user_item


def create(app: App, name: str, size: int, mime_type: str, user: str = "alice") -> httpx.Response:
    return app.call(
        "attachments.create", {"name": name, "size": size, "mime_type": mime_type}, user
    )


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return parts._replace(query=urlencode({**query, **changes})).geturl()


def test_create_upload_send_and_preview(app: App) -> None:
    png = image_bytes((300, 600))
    created = create(app, "scan.png", len(png), "image/png")
    assert created.status_code == 200, created.text
    attachment = created.json()
    descriptor = attachment["upload_descriptor"]
    assert descriptor["method"] == "POST" and descriptor["headers"] == {}
    assert descriptor["url"].startswith(f"{app.url}/chatkit/files/{attachment['id']}/upload?")
    assert attachment["preview_url"].startswith(app.url)
    assert "metadata" not in attachment
    # Reserved, not uploaded: no preview yet.
    assert error_of(httpx.get(attachment["preview_url"])) == (404, "not_found")

    # The element uploads with a plain fetch: no cookie, no user header.
    uploaded = httpx.post(descriptor["url"], files={"file": ("scan.png", png, "image/png")})
    assert uploaded.status_code == 200, uploaded.text
    assert "upload_descriptor" not in uploaded.json()

    preview = httpx.get(attachment["preview_url"])
    assert Image.open(io.BytesIO(preview.content)).size == (256, 512)

    events = sse_events(app.send("What is this?", [attachment["id"]]))
    (embedded,) = user_item(events)["attachments"]
    # Saved without the spent upload URL, with the thread it was sent in.
    assert embedded == {
        "id": attachment["id"],
        "name": "scan.png",
        "mime_type": "image/png",
        "thread_id": events[0]["thread"]["id"],
        "type": "image",
        "preview_url": attachment["preview_url"],
    }
    assert app.server.model_inputs[0][0]["type"] == "image_url"


def test_put_with_the_raw_body_is_accepted(app: App) -> None:
    attachment = create(app, "notes.txt", 11, "text/plain").json()
    uploaded = httpx.put(
        attachment["upload_descriptor"]["url"],
        content=b"hello world",
        headers={"Content-Type": "text/plain"},
    )
    assert uploaded.status_code == 200, uploaded.text
    download = app.client().get(f"/chatkit/files/{attachment['id']}")
    assert download.content == b"hello world"


def test_an_upload_url_works_once(app: App) -> None:
    attachment = create(app, "a.txt", 5, "text/plain").json()
    url = attachment["upload_descriptor"]["url"]
    assert httpx.post(url, files={"file": ("a.txt", b"first", "text/plain")}).status_code == 200
    replay = httpx.post(url, files={"file": ("a.txt", b"evil!", "text/plain")})
    assert error_of(replay) == (410, "upload_url_used")
    assert error_of(httpx.put(url, content=b"evil!")) == (410, "upload_url_used")
    assert app.client().get(f"/chatkit/files/{attachment['id']}").content == b"first"


def test_a_concurrent_second_use_is_refused_while_the_first_is_streaming(app: App) -> None:
    attachment = create(app, "slow.txt", 4 * 65536, "text/plain").json()
    url = attachment["upload_descriptor"]["url"]
    started, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def slow_body() -> Iterator[bytes]:
        yield b"a" * 65536
        started.set()
        release.wait(10)
        yield b"b" * 65536

    def first() -> None:
        results["first"] = httpx.put(url, content=slow_body(), timeout=30)

    uploader = threading.Thread(target=first)
    uploader.start()
    assert started.wait(10)
    eventually(
        lambda: (
            getattr(anyio.run(app.files.index.get, attachment["id"]), "state", "") == "uploading"
        ),
        what="the server claimed the URL for the first upload",
    )
    second = httpx.put(url, content=b"c" * 10)
    release.set()
    uploader.join(10)
    assert error_of(second) == (410, "upload_url_used")
    assert results["first"].status_code == 200, results["first"].text


def test_a_failed_upload_can_be_retried_with_the_same_url(app: App) -> None:
    attachment = create(app, "photo.png", 1000, "image/png").json()
    url = attachment["upload_descriptor"]["url"]
    wrong = httpx.post(url, files={"file": ("photo.png", b"not an image", "image/png")})
    assert error_of(wrong) == (415, "unsupported_file_type")
    right = httpx.post(url, files={"file": ("photo.png", image_bytes((50, 50)), "image/png")})
    assert right.status_code == 200


def test_expired_and_tampered_urls_are_forbidden(app: App) -> None:
    png = image_bytes((64, 64))
    attachment = create(app, "a.png", len(png), "image/png").json()
    other = create(app, "b.png", len(png), "image/png").json()
    url = attachment["upload_descriptor"]["url"]

    def post(url: str) -> httpx.Response:
        return httpx.post(url, files={"file": ("a.png", png, "image/png")})

    # Signed correctly, but its time is up.
    past = int(time.time()) - 1
    expired = with_query(url, **app.files.signer.query("upload", attachment["id"], past))
    assert error_of(post(expired)) == (403, "url_expired")

    tampered = [
        with_query(url, exp=str(int(time.time()) + 10**6)),  # a later expiry
        with_query(url, sig="A" * 43),
        url.split("?")[0],  # no signature at all
        url.replace(attachment["id"], other["id"]),  # another attachment's slot
        with_query(url, exp="soon"),
    ]
    for forged in tampered:
        assert error_of(post(forged)) == (403, "invalid_signature"), forged
    # A preview signature does not open the upload, nor the other way round.
    preview_sig = parse_qs(urlsplit(attachment["preview_url"]).query)["sig"][0]
    as_upload = with_query(url.split("?")[0], sig=preview_sig)
    assert error_of(post(as_upload)) == (403, "invalid_signature")
    upload_sig = parse_qs(urlsplit(url).query)["sig"][0]
    as_preview = with_query(attachment["preview_url"], sig=upload_sig)
    assert error_of(httpx.get(as_preview)) == (403, "invalid_signature")

    # None of it used the URL up.
    assert post(url).status_code == 200


def test_declared_type_and_size_are_checked_when_reserving(app: App) -> None:
    assert error_of(create(app, "huge.txt", 2 * MiB, "text/plain")) == (413, "invalid_request")
    assert error_of(create(app, "run.sh", 10, "application/x-sh")) == (415, "invalid_request")
    too_big = create(app, "a.txt", 10, "text/plain").json()
    # The bytes are held to the limit, whatever size was announced.
    response = httpx.put(too_big["upload_descriptor"]["url"], content=b"x" * (2 * MiB))
    assert error_of(response) == (413, "file_too_large")
    assert app.stored_files() == []
