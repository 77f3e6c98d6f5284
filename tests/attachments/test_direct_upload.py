"""Direct uploads: the element POSTs multipart ``file`` to ``uploadStrategy.uploadUrl``."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
from PIL import Image

from chatloom.attachments import UploadPolicy
from chatloom.http import USER_COOKIE, create_app

from ..live_server import serve
from ..polling import eventually
from .conftest import App, AppFactory, MiB, error_of, image_bytes, sse_events, user_item


def test_image_upload_embeds_in_the_message_with_a_real_thumbnail(app: App) -> None:
    uploaded = app.upload("holiday.png", image_bytes((1200, 800)), "image/png")

    assert uploaded.status_code == 200, uploaded.text
    attachment = uploaded.json()
    assert attachment["type"] == "image"
    assert attachment["name"] == "holiday.png"
    assert attachment["mime_type"] == "image/png"
    assert "metadata" not in attachment and "upload_descriptor" not in attachment
    assert attachment["preview_url"].startswith(f"{app.url}/chatkit/files/{attachment['id']}/")

    # The preview is a signed URL: no cookie or header needed, as for an <img src>.
    preview = httpx.get(attachment["preview_url"])
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "image/webp"
    thumbnail = Image.open(io.BytesIO(preview.content))
    assert thumbnail.format == "WEBP" and thumbnail.size == (512, 341)

    events = sse_events(app.send("Look at this", [attachment["id"]]))
    thread_id = events[0]["thread"]["id"]
    (embedded,) = user_item(events)["attachments"]
    assert embedded == {**attachment, "thread_id": thread_id}
    stored = app.call("threads.get_by_id", {"thread_id": thread_id}).json()
    assert stored["items"]["data"][0]["attachments"] == [embedded]


def test_a_file_downloads_for_its_owner_only_with_a_safe_disposition(app: App) -> None:
    data = "naïve résumé\n".encode() * 100
    attachment = app.upload("naïve; CV.txt", data, "text/plain").json()
    assert attachment["type"] == "file" and "preview_url" not in attachment

    download = app.client("alice").get(f"/chatkit/files/{attachment['id']}")
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"] == "text/plain; charset=utf-8"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"na_ve_ CV.txt\"; filename*=UTF-8''na%C3%AFve%3B%20CV.txt"
    )

    other = app.client("bob").get(f"/chatkit/files/{attachment['id']}")
    assert error_of(other) == (404, "not_found")


def test_oversize_upload_is_refused_while_streaming_and_leaves_nothing(app: App) -> None:
    # 1 MiB limit; the client sends 3 MiB and still gets the JSON error.
    refused = app.upload("big.txt", b"x" * (3 * MiB), "text/plain")
    assert error_of(refused) == (413, "file_too_large")
    assert app.stored_files() == []

    # Without a Content-Length (chunked) the limit is met mid-stream: the partial
    # file is gone while the client is still sending.
    refused_mid_stream = []

    def chunks() -> Iterator[bytes]:
        yield b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        yield b"Content-Type: text/plain\r\n\r\n"
        for index in range(24):
            yield b"y" * (128 * 1024)
            if index == 15:  # 2 MiB sent
                eventually(lambda: app.stored_files() == [], what="the partial file is gone")
                refused_mid_stream.append(True)
        yield b"\r\n--b0undary--\r\n"

    chunked = app.client().post(
        "/chatkit/files",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=b0undary"},
    )
    assert "content-length" not in chunked.request.headers
    assert error_of(chunked) == (413, "file_too_large")
    assert refused_mid_stream == [True]
    assert app.stored_files() == []

    just_fits = app.upload("fits.txt", b"z" * MiB, "text/plain")
    assert just_fits.status_code == 200


def test_an_image_with_too_many_pixels_is_refused_before_decoding(make_app: AppFactory) -> None:
    app = make_app(UploadPolicy(max_image_pixels=100 * 100))
    assert app.upload("ok.png", image_bytes((100, 100)), "image/png").status_code == 200
    # A small file can declare a huge canvas (a decompression bomb).
    refused = app.upload("bomb.png", image_bytes((101, 100)), "image/png")
    assert error_of(refused) == (413, "file_too_large")
    assert refused.json()["error"]["message"] == "The image is larger than 0.01 megapixels"
    assert len(app.stored_files()) == 2


def test_content_must_match_the_declared_type(app: App) -> None:
    cases = [
        ("not-really.png", b"just some text, not a PNG", "image/png"),
        ("photo.png", image_bytes(format="JPEG"), "image/png"),
        ("readme.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "text/plain"),
        ("tool.bin", b"\x7fELF\x02\x01\x01" + bytes(200), "application/octet-stream"),
        ("setup.exe", b"MZ\x90\x00" + bytes(200), "application/x-msdownload"),
        ("notes.txt", b"text\x00with NUL", "text/plain"),
        ("report.pdf", b"not a pdf at all", "application/pdf"),
        ("page.html", b"<script>alert(1)</script>", "text/html"),
    ]
    for name, data, mime_type in cases:
        refused = app.upload(name, data, mime_type)
        assert error_of(refused) == (415, "unsupported_file_type"), name
    # A PNG signature on bytes that do not decode is caught by decoding them.
    truncated = image_bytes()[:200]
    assert error_of(app.upload("cut.png", truncated, "image/png")) == (
        415,
        "unsupported_file_type",
    )
    assert app.stored_files() == []


def test_a_missing_or_generic_type_is_inferred_then_checked(app: App) -> None:
    png = app.upload("scan", image_bytes((40, 40)), "application/octet-stream").json()
    assert (png["type"], png["mime_type"]) == ("image", "image/png")
    markdown = app.upload("notes.md", b"# Title\n", "").json()
    assert markdown["mime_type"] == "text/markdown"
    jpg_alias = app.upload("a.jpg", image_bytes((40, 40), "JPEG"), "image/jpg").json()
    assert jpg_alias["mime_type"] == "image/jpeg"


def test_names_are_display_only_and_cannot_reach_the_file_system(app: App) -> None:
    names = {
        "../../../etc/passwd.txt": "passwd.txt",
        "..\\..\\windows\\win.ini.txt": "win.ini.txt",
        "invoice\u202efdp.txt": "invoicefdp.txt",
        "..": "file",
    }
    ids = []
    for raw, shown in names.items():
        attachment = app.upload(raw, b"harmless", "text/plain").json()
        assert attachment["name"] == shown
        ids.append(attachment["id"])
    assert app.stored_files() == sorted(f"files/{id}" for id in ids)
    assert not (app.directory.parent / "etc").exists()

    # Ids in URLs are checked before any path is built from them.
    for sneaky in ("..%2Fsigning.key", "..%2F..%2Fetc%2Fpasswd", "atc_x%00"):
        response = app.client().get(f"/chatkit/files/{sneaky}")
        assert response.status_code == 404


def test_malformed_uploads_are_bad_requests(app: App) -> None:
    client = app.client()
    no_file = client.post("/chatkit/files", files={"other": ("a.txt", b"hi", "text/plain")})
    assert error_of(no_file) == (400, "bad_upload")
    two_files = client.post(
        "/chatkit/files",
        files=[("file", ("a.txt", b"a", "text/plain")), ("file", ("b.txt", b"b", "text/plain"))],
    )
    assert error_of(two_files) == (400, "bad_upload")
    not_multipart = client.post(
        "/chatkit/files", content=b"raw", headers={"Content-Type": "text/plain"}
    )
    assert error_of(not_multipart) == (400, "bad_upload")
    cut_short = client.post(
        "/chatkit/files",
        content=b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc',
        headers={"Content-Type": "multipart/form-data; boundary=xx"},
    )
    assert error_of(cut_short) == (400, "bad_upload")
    empty = app.upload("empty.txt", b"", "text/plain")
    assert error_of(empty) == (400, "bad_upload")
    assert app.stored_files() == []


def test_a_new_browser_is_given_its_identity_cookie_on_upload(app: App) -> None:
    # With the default context each anonymous browser is a user named by a cookie:
    # an upload may be its first request, and must name it like the endpoint does.
    with serve(create_app(app.server)) as url:
        response = httpx.post(
            f"{url}/chatkit/files", files={"file": ("a.txt", b"hello", "text/plain")}
        )
    assert response.status_code == 200
    assert USER_COOKIE in response.cookies
