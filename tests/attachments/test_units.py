"""The small pieces on their own: names, signatures, type sniffing, the signing key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chatloom.attachments.naming import content_disposition, display_name
from chatloom.attachments.signing import UrlSigner, Verdict, load_or_create_key
from chatloom.attachments.sniffing import matches, resolve_type, sniff

from .conftest import image_bytes, pdf_bytes


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\a.txt", "a.txt"),
        ("line\r\nbreak\x00.txt", "linebreak.txt"),
        ("gpj\u202eexe.txt", "gpjexe.txt"),
        ("  spaced  ", "spaced"),
        ("..", "file"),
        (None, "file"),
        ("a" * 300 + ".png", "a" * 251 + ".png"),
    ],
)
def test_display_name(raw: str | None, shown: str) -> None:
    assert display_name(raw) == shown


def test_content_disposition_survives_any_name() -> None:
    header = content_disposition('evil"; filename="x.html')
    assert header == (
        'attachment; filename="evil__ filename=_x.html"; '
        "filename*=UTF-8''evil%22%3B%20filename%3D%22x.html"
    )
    assert content_disposition("日本.txt") == (
        "attachment; filename=\"__.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt"
    )


def test_signatures_bind_purpose_id_and_expiry() -> None:
    signer = UrlSigner(b"k" * 32)
    params = signer.query("upload", "atc_1", 1000)
    assert signer.check("upload", "atc_1", params, now=999) is Verdict.VALID
    assert signer.check("upload", "atc_1", params, now=1001) is Verdict.EXPIRED
    assert signer.check("preview", "atc_1", params, now=999) is Verdict.INVALID
    assert signer.check("upload", "atc_2", params, now=999) is Verdict.INVALID
    assert signer.check("upload", "atc_1", {**params, "exp": "2000"}, now=999) is Verdict.INVALID
    other_key = UrlSigner(b"j" * 32)
    assert other_key.check("upload", "atc_1", params, now=999) is Verdict.INVALID
    forever = signer.query("preview", "atc_1", None)
    assert set(forever) == {"sig"}
    assert signer.check("preview", "atc_1", forever, now=10**12) is Verdict.VALID
    with pytest.raises(ValueError):
        UrlSigner(b"short")


@pytest.mark.parametrize("expiry", ["²", "1²", "١٢٣", "9" * 5000, "-1", "+5", " 5", ""])
def test_an_expiry_that_is_not_plain_digits_is_invalid_not_an_error(expiry: str) -> None:
    signer = UrlSigner(b"k" * 32)
    params = {"exp": expiry, "sig": signer.query("upload", "atc_1", 10)["sig"]}
    assert signer.check("upload", "atc_1", params, now=1) is Verdict.INVALID


def test_the_generated_key_is_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    assert list(tmp_path.iterdir()) == [path]


def test_sniffing() -> None:
    assert sniff(image_bytes((8, 8))) == "image/png"
    assert sniff(image_bytes((8, 8), "JPEG")) == "image/jpeg"
    assert sniff(image_bytes((8, 8), "GIF")) == "image/gif"
    assert sniff(image_bytes((8, 8), "WEBP")) == "image/webp"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert sniff(pdf_bytes("x")) == "application/pdf"
    assert sniff(b"plain words") is None

    assert matches("text/plain", b"MZ is how this sentence starts")
    assert not matches("text/plain", b"MZ\x90\x00\x03\x00")
    assert not matches("application/json", b"\x1f\x8b\x08\x00")
    assert not matches("image/webp", image_bytes((8, 8)))
    assert matches("application/vnd.custom", b"\x00\x01anything")
    assert not matches("application/vnd.custom", b"\x7fELF\x02")

    assert resolve_type("IMAGE/JPG; q=1", "x", b"") == "image/jpeg"
    assert resolve_type("", "data.csv", b"a,b") == "text/csv"
    assert resolve_type(None, "mystery", b"\x00\x01") == "application/octet-stream"
