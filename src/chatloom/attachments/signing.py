"""Signed URLs: an HMAC over what the URL may do, to which attachment, until when.

A signed URL is a capability: whoever holds it may use it without logging in, which
is what the element needs for ``<img src>`` previews and two-phase uploads. The
signature binds the purpose (``upload``, ``preview``), the attachment id and the
expiry, so none of them can be changed without invalidating it.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
from collections.abc import Mapping

from starlette.requests import Request

from ..keys import MIN_KEY_BYTES, load_or_create_key
from ..untrusted import parse_count

__all__ = ["MIN_KEY_BYTES", "UrlSigner", "Verdict", "app_base_url", "load_or_create_key"]


def app_base_url(configured: str | None, request: Request | None, store: str) -> str:
    """The app's external URL for the URLs handed to clients: ``configured``, or that
    of the request being served."""
    if configured is not None:
        return configured
    if request is None:
        raise RuntimeError(
            f"{store} needs public_base_url when the request context carries no HTTP request"
        )
    return str(request.base_url).rstrip("/")


class Verdict(enum.Enum):
    VALID = "valid"
    INVALID = "invalid"
    EXPIRED = "expired"


class UrlSigner:
    """Signs and checks the ``exp`` and ``sig`` query parameters of attachment URLs."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"A signing key needs at least {MIN_KEY_BYTES} bytes")
        self._key = key

    def _signature(self, purpose: str, attachment_id: str, expires: int | None) -> str:
        message = f"{purpose}\n{attachment_id}\n{'' if expires is None else expires}"
        digest = hmac.new(self._key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def query(self, purpose: str, attachment_id: str, expires: int | None) -> dict[str, str]:
        """Query parameters granting ``purpose`` on the attachment (until ``expires``)."""
        params = {} if expires is None else {"exp": str(expires)}
        params["sig"] = self._signature(purpose, attachment_id, expires)
        return params

    def check(
        self, purpose: str, attachment_id: str, params: Mapping[str, str], now: float
    ) -> Verdict:
        """Whether ``params`` grant ``purpose`` on the attachment at time ``now``."""
        raw_expiry = params.get("exp")
        expires = parse_count(raw_expiry)
        if raw_expiry is not None and expires is None:
            return Verdict.INVALID
        expected = self._signature(purpose, attachment_id, expires)
        # Constant time: a timing difference would let a client guess it byte by byte.
        if not hmac.compare_digest(expected, params.get("sig", "")):
            return Verdict.INVALID
        if expires is not None and now > expires:
            return Verdict.EXPIRED
        return Verdict.VALID
