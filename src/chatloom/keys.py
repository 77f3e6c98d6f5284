"""Secret keys for HMAC signatures (signed URLs, the anonymous user cookie)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_KEY_BYTES = 16


def load_or_create_key(path: Path) -> bytes:
    """The key stored at ``path``, made (random, owner-only) the first time.

    Several processes may start at once: each writes a candidate aside and links it
    into place, which succeeds for one of them; all then read the winner's key.
    """
    if not path.exists():
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(secrets.token_bytes(32))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    key = path.read_bytes()
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{path} holds no usable signing key")
    return key


__all__ = ["MIN_KEY_BYTES", "load_or_create_key"]
