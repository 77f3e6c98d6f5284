"""Ownership, deletion, cleanup of unsent uploads and per-user quotas."""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx
import pytest

from chatloom.attachments import UploadPolicy
from chatloom.http import RequestContext
from chatloom.store import NotFoundError

from ..polling import eventually
from .conftest import App, AppFactory, MiB, error_of, image_bytes, sse_events


def upload_image(app: App, user: str = "alice") -> dict[str, Any]:
    response = app.upload("pic.png", image_bytes((64, 48)), "image/png", user=user)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_another_users_attachment_is_not_found(app: App) -> None:
    mine = upload_image(app, "alice")
    attempt = app.send("Look", [mine["id"]], user="bob")
    assert error_of(attempt) == (404, "not_found")
    delete = app.call("attachments.delete", {"attachment_id": mine["id"]}, user="bob")
    assert error_of(delete) == (404, "not_found")
    assert error_of(app.client("bob").get(f"/chatkit/files/{mine['id']}")) == (404, "not_found")
    # The bytes side checks the owner too, not only the server in front of it.
    with pytest.raises(NotFoundError):
        anyio.run(app.files.delete_attachment, mine["id"], RequestContext("bob"))
    assert len(app.stored_files()) == 2
    # Still there for its owner.
    assert app.client("alice").get(f"/chatkit/files/{mine['id']}").status_code == 200
    assert sse_events(app.send("Look", [mine["id"]], user="alice"))


def test_deleting_an_attachment_deletes_its_bytes_and_thumbnail(app: App) -> None:
    attachment = upload_image(app)
    assert app.stored_files() == [f"files/{attachment['id']}", f"previews/{attachment['id']}.webp"]
    deleted = app.call("attachments.delete", {"attachment_id": attachment["id"]})
    assert deleted.status_code == 200 and deleted.json() == {}
    assert app.stored_files() == []
    assert error_of(httpx.get(attachment["preview_url"])) == (404, "not_found")
    assert error_of(app.send("gone?", [attachment["id"]])) == (404, "not_found")


def test_deleting_a_thread_deletes_its_attachments(app: App) -> None:
    kept = upload_image(app)
    sent = [upload_image(app), upload_image(app)]
    events = sse_events(app.send("two pictures", [a["id"] for a in sent]))
    thread_id = events[0]["thread"]["id"]
    assert len(app.stored_files()) == 6

    assert app.call("threads.delete", {"thread_id": thread_id}).status_code == 200
    assert app.stored_files() == [f"files/{kept['id']}", f"previews/{kept['id']}.webp"]
    for attachment in sent:
        assert error_of(httpx.get(attachment["preview_url"])) == (404, "not_found")
        with pytest.raises(NotFoundError):
            anyio.run(app.store.load_attachment, attachment["id"], RequestContext("alice"))


def test_cleanup_removes_only_attachments_never_sent(app: App) -> None:
    sent = upload_image(app)
    sse_events(app.send("this one", [sent["id"]]))
    orphan = upload_image(app)
    reserved = app.call(
        "attachments.create", {"name": "later.txt", "size": 3, "mime_type": "text/plain"}
    ).json()

    # Not old enough yet: nothing goes.
    assert anyio.run(app.files.cleanup, app.store) == 0
    removed = anyio.run(lambda: app.files.cleanup(app.store, older_than=0))

    assert removed == 2
    assert app.stored_files() == [f"files/{sent['id']}", f"previews/{sent['id']}.webp"]
    alice = RequestContext("alice")
    for gone in (orphan, reserved):
        with pytest.raises(NotFoundError):
            anyio.run(app.store.load_attachment, gone["id"], alice)
    assert anyio.run(app.store.load_attachment, sent["id"], alice).thread_id is not None
    # A sent attachment is remembered as such and never looked up again.
    assert anyio.run(app.files.index.unsent_before, time.time() + 1) == []
    # An abandoned partial upload (a crashed process) goes too.
    partial = app.directory / "incoming" / "leftover"
    partial.write_bytes(b"half")
    anyio.run(lambda: app.files.cleanup(app.store, older_than=0))
    assert not partial.exists()


def test_the_app_runs_cleanup_on_a_timer(make_app: AppFactory) -> None:
    app = make_app(lifespan="on", orphan_ttl=0.2, cleanup_interval=0.1)
    orphan = upload_image(app)
    eventually(lambda: app.stored_files() == [], what="the timer removed the orphan")
    assert error_of(httpx.get(orphan["preview_url"])) == (404, "not_found")


def test_quota_on_the_number_of_files(make_app: AppFactory) -> None:
    app = make_app(UploadPolicy(user_quota_count=2))
    first, _ = upload_image(app), upload_image(app)
    assert error_of(app.upload("c.txt", b"three", "text/plain")) == (429, "quota_exceeded")
    reserve = app.call(
        "attachments.create", {"name": "d.txt", "size": 1, "mime_type": "text/plain"}
    )
    assert error_of(reserve) == (429, "invalid_request")
    # Quotas are per user, and deleting frees room.
    assert app.upload("c.txt", b"three", "text/plain", user="bob").status_code == 200
    app.call("attachments.delete", {"attachment_id": first["id"]})
    assert app.upload("c.txt", b"three", "text/plain").status_code == 200


def test_quota_on_bytes_is_enforced_while_streaming(make_app: AppFactory) -> None:
    app = make_app(UploadPolicy(max_bytes=4 * MiB, user_quota_bytes=3 * MiB))
    assert app.upload("a.txt", b"a" * (2 * MiB), "text/plain").status_code == 200
    over = app.upload("b.txt", b"b" * (2 * MiB), "text/plain")
    assert error_of(over) == (429, "quota_exceeded")
    assert len(app.stored_files()) == 1
    assert app.upload("c.txt", b"c" * MiB, "text/plain").status_code == 200

    # A reservation counts its announced size; its upload may bring no more than that.
    other = "carol"
    reserved = app.call(
        "attachments.create",
        {"name": "r.txt", "size": 2 * MiB, "mime_type": "text/plain"},
        user=other,
    ).json()
    big = app.call(
        "attachments.create",
        {"name": "s.txt", "size": 2 * MiB, "mime_type": "text/plain"},
        user=other,
    )
    assert error_of(big) == (429, "invalid_request")
    url = reserved["upload_descriptor"]["url"]
    assert error_of(httpx.put(url, content=b"r" * (2 * MiB + 1))) == (413, "file_too_large")
    assert httpx.put(url, content=b"r" * 100).status_code == 200
    assert app.upload("t.txt", b"t" * (2 * MiB), "text/plain", user=other).status_code == 200


def test_new_identities_from_one_address_share_its_allowance(make_app: AppFactory) -> None:
    # Anonymous mode: a client without a cookie is a new user on every request.
    app = make_app(UploadPolicy(client_quota_count=3, client_quota_bytes=3 * MiB))
    statuses = [
        app.upload("a.txt", b"a" * 10, "text/plain", user=f"fresh{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    app2 = make_app(UploadPolicy(client_quota_count=None, client_quota_bytes=3 * MiB))
    assert app2.upload("a.txt", b"a" * (2 * MiB), "text/plain", user="x1").status_code == 200
    over = app2.upload("b.txt", b"b" * (2 * MiB), "text/plain", user="x2")
    assert error_of(over) == (429, "quota_exceeded")
    assert "per address" in over.json()["error"]["message"]
    # A reservation counts against the address too.
    reserved = app2.call(
        "attachments.create", {"name": "c.txt", "size": 2 * MiB, "mime_type": "text/plain"}
    )
    assert error_of(reserved) == (429, "invalid_request")
