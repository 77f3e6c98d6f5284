"""Anonymous users: ids the server issues and signs, so a client cannot choose one.

:func:`chatloom.http.anonymous_browser_context` keeps such an id in a cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets

from .keys import MIN_KEY_BYTES

logger = logging.getLogger("chatloom.http")

USER_COOKIE_SECRET_ENV = "CHATLOOM_COOKIE_SECRET"


class AnonymousUsers:
    """Issues and recognises anonymous user ids: a random part and its HMAC, in hex.

    Only ids this server issued are accepted, so a client cannot plant a chosen id
    (another user's, or a fresh one per request to escape per-user quotas).
    """

    NONCE_CHARS = 24
    MAC_CHARS = 24

    def __init__(self, key: bytes) -> None:
        self._key = key

    def issue(self) -> str:
        nonce = secrets.token_hex(self.NONCE_CHARS // 2)
        return nonce + self._mac(nonce)

    def recognises(self, user_id: str) -> bool:
        if len(user_id) != self.NONCE_CHARS + self.MAC_CHARS or not user_id.isascii():
            return False
        nonce, mac = user_id[: self.NONCE_CHARS], user_id[self.NONCE_CHARS :]
        return hmac.compare_digest(mac, self._mac(nonce))

    def _mac(self, nonce: str) -> str:
        message = b"chatloom anonymous user\n" + nonce.encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[: self.MAC_CHARS]


# For an app that uses anonymous_browser_context without create_app (which configures
# the key): ids stay valid while the process runs.
PROCESS_USERS = AnonymousUsers(secrets.token_bytes(32))


def user_cookie_key(secret: str | bytes | None) -> bytes:
    """The key signing anonymous user ids: given, else from the environment, else one
    for this process only (every anonymous user then starts afresh at a restart)."""
    if secret is None:
        secret = os.environ.get(USER_COOKIE_SECRET_ENV) or None
    if secret is None:
        logger.warning(
            "No user cookie secret (create_app(user_cookie_secret=...) or $%s): anonymous "
            "users get new ids when the server restarts",
            USER_COOKIE_SECRET_ENV,
        )
        return secrets.token_bytes(32)
    key = secret.encode() if isinstance(secret, str) else secret
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"The user cookie secret needs at least {MIN_KEY_BYTES} bytes")
    return key


__all__ = ["PROCESS_USERS", "USER_COOKIE_SECRET_ENV", "AnonymousUsers", "user_cookie_key"]
