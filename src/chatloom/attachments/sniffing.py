"""What a file really is, from its first bytes: the declared type must match them.

Browsers derive ``File.type`` from the name's extension, so a renamed executable
arrives as ``image/png`` or ``text/plain``. Known signatures settle it; text must not
look binary. Only the first :data:`HEAD_BYTES` are needed, so a mismatch is refused
while the upload is still streaming.
"""

from __future__ import annotations

import mimetypes

HEAD_BYTES = 8192

GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "text/x-markdown": "text/markdown",
}
TEXT_TYPES = frozenset({"application/json", "application/xml", "application/x-ndjson"})
# Extensions some browsers leave without a type (an empty ``File.type``).
EXTENSION_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".csv": "text/csv"}

# (offset, bytes, type): signatures of the formats we accept and of the ones we refuse.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (8, b"WEBP", "image/webp"),  # after "RIFF" and a length; checked below
    (0, b"%PDF-", "application/pdf"),
    (0, b"MZ", "application/x-msdownload"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (0, b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (0, b"\xca\xfe\xba\xbe", "application/x-mach-binary"),
    (0, b"\x00asm", "application/wasm"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
)
_SIGNED_TYPES = frozenset(kind for _, _, kind in _SIGNATURES)
# Control bytes that text never holds (tab, newlines, form feed and escape are fine).
_BINARY_BYTES = frozenset(set(range(32)) - set(b"\t\n\r\f\v\x1b"))
_TEXT_BYTES = bytes(byte for byte in range(256) if byte not in _BINARY_BYTES)


def normalize(mime_type: str) -> str:
    """``Image/JPG; q=1`` -> ``image/jpeg``: the bare type, lower case, aliases resolved."""
    bare = mime_type.split(";", 1)[0].strip().lower()
    return ALIASES.get(bare, bare)


def sniff(head: bytes) -> str | None:
    """The type a known signature at the start of ``head`` names, if any."""
    for offset, magic, kind in _SIGNATURES:
        if head.startswith(magic, offset):
            if kind == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return kind
    return None


def is_text_type(mime_type: str) -> bool:
    return mime_type.startswith("text/") or mime_type in TEXT_TYPES


def resolve_type(declared: str | None, name: str, head: bytes) -> str:
    """The type to check and store: the declared one, unless it says nothing.

    A missing or generic type is inferred from the bytes, then from the extension;
    the result is still checked against the policy and :func:`matches`.
    """
    mime_type = normalize(declared or "")
    if mime_type not in GENERIC_TYPES:
        return mime_type
    sniffed = sniff(head)
    if sniffed is not None:
        return sniffed
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    guessed = EXTENSION_TYPES.get(extension) or mimetypes.guess_type(f"x{extension}")[0]
    return normalize(guessed or "application/octet-stream")


def matches(mime_type: str, head: bytes) -> bool:
    """Whether bytes starting with ``head`` can be a file of ``mime_type``.

    Text must hold no control byte that only binary data has (executables, archives
    and images all do, early on); otherwise a recognised signature must name exactly
    that type, and a type we know a signature for must have it.
    """
    if is_text_type(mime_type):
        return not head.translate(None, _TEXT_BYTES)
    sniffed = sniff(head)
    if sniffed is not None:
        return sniffed == mime_type
    return mime_type not in _SIGNED_TYPES
