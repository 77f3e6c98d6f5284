"""File names from clients: shown to people, never used as paths.

Bytes are stored under generated ids; the name the client gave is kept only to
display it and to suggest it when downloading, cleaned of anything that could reach
the file system, spoof an extension or break a header.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME_CHARS = 255
FALLBACK_NAME = "file"
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""Attachment ids name files on disk: only these can, and none can leave the folder."""


def display_name(raw: str | None) -> str:
    r"""The last path segment, without control or bidi-format characters, at most 255 long.

    ``../../etc/passwd`` -> ``passwd``; ``C:\x\a.txt`` -> ``a.txt``; an invisible
    right-to-left override (which makes ``gpj.exe`` read as ``exe.jpg``) is dropped.
    """
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: format characters such as U+202E (bidi override).
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf"))
    name = name.strip()
    if name in ("", ".", ".."):
        return FALLBACK_NAME
    if len(name) > MAX_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) < 16:
            name = stem[: MAX_NAME_CHARS - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME_CHARS]
    return name


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """A header value that names the download, safe for any ``name``.

    An ASCII ``filename`` for old clients (quotes, backslashes, separators and
    non-ASCII replaced) and the exact name as RFC 5987 ``filename*``.
    """
    fallback = "".join(char if " " <= char <= "~" and char not in '"\\;%' else "_" for char in name)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
