"""Deployment settings read from the environment: one function per concern.

``chatloom demo``, ``chatloom serve``, ``chatloom hosted serve`` and applications call
these, so every process of a deployment is configured the same way (``docs/deploy.md``
lists the variables). Each function takes the environment as a mapping so tests and
embedding applications can pass their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(ValueError):
    """A setting is present but unusable; the message names the variable."""


def redis_url(env: Mapping[str, str] = os.environ) -> str | None:
    """``REDIS_URL`` (``redis://[:password@]host:port/db`` or ``rediss://``), or ``None``.

    When set, the state every instance must share (rate limits, upload quotas, the
    single use of upload URLs) lives in Redis instead of in each process.
    """
    url = env.get("REDIS_URL", "").strip()
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix://, not {url!r}")
    return url


@dataclass(frozen=True)
class S3Settings:
    """Where attachments go when ``CHATLOOM_S3_BUCKET`` is set (``S3AttachmentStore``)."""

    bucket: str
    endpoint: str | None = None
    """An S3-compatible service's URL (MinIO, SeaweedFS, R2...); ``None`` is AWS."""
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    public_endpoint: str | None = None
    """The endpoint as browsers reach it, when it differs from the one the app uses
    (e.g. ``http://s3:8333`` inside compose, ``https://files.example.com`` outside)."""
    prefix: str = ""
    """Keys are made under this prefix, so one bucket can serve several deployments."""


def s3_settings(env: Mapping[str, str] = os.environ) -> S3Settings | None:
    """``CHATLOOM_S3_*`` as :class:`S3Settings`, or ``None`` without a bucket.

    Credentials may also come from the usual ``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY``; the ``CHATLOOM_`` ones win.
    """
    bucket = env.get("CHATLOOM_S3_BUCKET", "").strip()
    if not bucket:
        return None
    key = env.get("CHATLOOM_S3_ACCESS_KEY_ID") or env.get("AWS_ACCESS_KEY_ID")
    secret = env.get("CHATLOOM_S3_SECRET_ACCESS_KEY") or env.get("AWS_SECRET_ACCESS_KEY")
    if bool(key) != bool(secret):
        raise ConfigError(
            "Set both CHATLOOM_S3_ACCESS_KEY_ID and CHATLOOM_S3_SECRET_ACCESS_KEY, or neither"
        )
    return S3Settings(
        bucket=bucket,
        endpoint=env.get("CHATLOOM_S3_ENDPOINT") or None,
        region=env.get("CHATLOOM_S3_REGION") or env.get("AWS_REGION") or "us-east-1",
        access_key_id=key or None,
        secret_access_key=secret or None,
        public_endpoint=env.get("CHATLOOM_S3_PUBLIC_ENDPOINT") or None,
        prefix=env.get("CHATLOOM_S3_PREFIX", "").strip("/"),
    )


__all__ = ["ConfigError", "S3Settings", "redis_url", "s3_settings"]
