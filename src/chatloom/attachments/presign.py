"""Presigned S3 URLs (AWS Signature Version 4, query-string form).

Written here rather than taken from a client library because the upload URL must also
sign ``Content-Type`` and ``Content-Length``: S3 then refuses an upload of another size
or type, so the limits checked when the upload was reserved hold for the bytes that
arrive. (obstore, the data-plane client, signs only the method and path.)

The URL is signed for the host the browser will send it to (``endpoint``), path-style
(``/bucket/key``), which every S3-compatible service accepts.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_EXPIRES = 7 * 24 * 3600  # S3's own limit


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    region: str


def _encode(value: str, safe: str = "") -> str:
    """RFC 3986 encoding as SigV4 wants it: only unreserved characters stay."""
    return quote(value, safe="-_.~" + safe)


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def presign(
    method: str,
    endpoint: str,
    bucket: str,
    key: str,
    credentials: Credentials,
    *,
    expires_in: int,
    headers: Mapping[str, str] | None = None,
    query: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> str:
    """A URL allowing ``method`` on ``bucket/key`` for ``expires_in`` seconds.

    ``headers`` must be sent exactly as given (they are signed); ``query`` adds signed
    parameters such as ``response-content-disposition``.
    """
    if not 1 <= expires_in <= MAX_EXPIRES:
        raise ValueError(f"expires_in must be between 1 and {MAX_EXPIRES} seconds")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp, day = moment.strftime("%Y%m%dT%H%M%SZ"), moment.strftime("%Y%m%d")
    scope = f"{day}/{credentials.region}/s3/aws4_request"
    parts = urlsplit(endpoint.rstrip("/"))
    signed_headers = {
        "host": parts.netloc,
        **{k.lower(): v.strip() for k, v in (headers or {}).items()},
    }
    names = ";".join(sorted(signed_headers))
    params = {
        **(query or {}),
        "X-Amz-Algorithm": ALGORITHM,
        "X-Amz-Credential": f"{credentials.access_key_id}/{scope}",
        "X-Amz-Date": stamp,
        "X-Amz-Expires": str(expires_in),
        "X-Amz-SignedHeaders": names,
    }
    canonical_query = "&".join(
        f"{_encode(name)}={_encode(value)}" for name, value in sorted(params.items())
    )
    path = f"{parts.path}/{_encode(bucket)}/{_encode(key, safe='/')}"
    canonical_request = "\n".join(
        [
            method,
            path,
            canonical_query,
            "".join(f"{name}:{signed_headers[name]}\n" for name in sorted(signed_headers)),
            names,
            "UNSIGNED-PAYLOAD",
        ]
    )
    to_sign = "\n".join(
        [ALGORITHM, stamp, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    signing_key = _hmac(("AWS4" + credentials.secret_access_key).encode(), day)
    for part in (credentials.region, "s3", "aws4_request"):
        signing_key = _hmac(signing_key, part)
    signature = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{parts.netloc}{path}?{canonical_query}&X-Amz-Signature={signature}"
