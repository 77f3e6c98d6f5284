"""Opaque credentials: client secrets for browsers and admin API keys for servers.

Only SHA-256 digests are kept, so a copy of the database or the config reveals no live
credential; a presented credential is hashed and compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

CLIENT_SECRET_PREFIX = "ek_"
MIN_ADMIN_KEY_CHARS = 32
# Placeholders people paste from examples and never change.
_PLACEHOLDERS = ("changeme", "change-me", "password", "example", "your-key", "yourkey", "xxxx")


def digest(credential: str) -> str:
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()


def new_client_secret() -> str:
    """``ek_`` + 256 random bits, base64url without padding."""
    token = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")
    return CLIENT_SECRET_PREFIX + token


def new_id(prefix: str) -> str:
    """An id shaped like the hosted API's: ``<prefix>_`` + 48 hex digits."""
    return f"{prefix}_{secrets.token_hex(24)}"


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if that is what it is."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class AdminKeys:
    """The API keys allowed to create sessions and manage threads (server side only)."""

    def __init__(self, digests: Iterable[str]) -> None:
        self._digests = [d.removeprefix("sha256:").lower() for d in digests]
        if not self._digests:
            raise ValueError("at least one admin key is required")

    @classmethod
    def from_keys(cls, keys: Iterable[str]) -> AdminKeys:
        """From plaintext keys (e.g. an environment variable); only digests are kept.

        A weak key (shorter than :data:`MIN_ADMIN_KEY_CHARS`, few distinct characters,
        a known placeholder) is refused with ``ValueError``.
        """
        present = [key for key in keys if key]
        for key in present:
            check_admin_key(key)
        return cls(digest(key) for key in present)

    def accepts(self, key: str | None) -> bool:
        if not key:
            return False
        presented = digest(key)
        # Compare against every key, so timing tells nothing about which one matched.
        matched = False
        for known in self._digests:
            matched |= hmac.compare_digest(presented, known)
        return matched


def check_admin_key(key: str) -> None:
    """Refuse (``ValueError``) a key that could be guessed."""
    hint = "make one with: python -c 'import secrets; print(\"sk-\" + secrets.token_urlsafe(32))'"
    if len(key) < MIN_ADMIN_KEY_CHARS:
        raise ValueError(f"An admin key needs at least {MIN_ADMIN_KEY_CHARS} characters; {hint}")
    lowered = key.lower()
    if len(set(key)) < 12 or any(word in lowered for word in _PLACEHOLDERS):
        raise ValueError(f"The admin key is too easy to guess; {hint}")


__all__ = [
    "CLIENT_SECRET_PREFIX",
    "MIN_ADMIN_KEY_CHARS",
    "AdminKeys",
    "bearer_token",
    "check_admin_key",
    "digest",
    "new_client_secret",
    "new_id",
]
