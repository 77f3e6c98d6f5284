"""Deployment settings from the environment, one function per concern.

Every entry point (``chatloom demo``, ``chatloom serve``, ``chatloom hosted serve``)
and any Python app read the same variables through these functions. With nothing set,
everything stays embedded (SQLite files, memory).

``DATABASE_URL``
    Where threads, items and attachment metadata (and, in hosted mode, sessions, the
    thread directory and published workflow versions) live: a SQLite file path,
    ``sqlite:///relative.db`` / ``sqlite:////absolute.db``, ``sqlite:///:memory:``, or
    ``postgresql://user:password@host:5432/dbname`` (``postgres://`` too; needs
    ``pip install 'chatloom[postgres]'``).
``DATABASE_POOL_MIN`` / ``DATABASE_POOL_MAX``
    PostgreSQL connections each instance keeps open at least / at most (1 / 10).
``DATABASE_POOL_TIMEOUT``
    Seconds a request waits for a connection before it is answered 503 (5).
``REDIS_URL``
    Shared state for several instances (rate limits, upload quotas, single-use upload
    marks): ``redis://[:password@]host:6379/0``; needs ``pip install 'chatloom[redis]'``.
``CHATLOOM_S3_BUCKET`` (and ``_ENDPOINT``, ``_PUBLIC_ENDPOINT``, ``_REGION``,
``_ACCESS_KEY_ID``, ``_SECRET_ACCESS_KEY``, ``_PREFIX``)
    Attachments in an S3-compatible bucket instead of on disk; needs
    ``pip install 'chatloom[s3]'``.

``docs/deploy.md`` describes them all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .postgres import PostgresDatabase
    from .store import Store


class ConfigError(ValueError):
    """A setting is malformed; the message names the variable and what it expects."""


@dataclass(frozen=True)
class DatabaseConfig:
    """A parsed ``DATABASE_URL``: a SQLite ``path`` or a PostgreSQL ``url``."""

    kind: Literal["sqlite", "postgres"]
    location: str  # the SQLite path (or ":memory:"), or the PostgreSQL URL
    pool_min: int = 1
    pool_max: int = 10
    pool_timeout: float = 5.0

    @property
    def redacted(self) -> str:
        """The location without its password, for logs and messages."""
        if self.kind == "sqlite" or "@" not in self.location:
            return self.location
        scheme, _, rest = self.location.partition("://")
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in credentials else self.location


def parse_database_url(value: str) -> DatabaseConfig:
    """``DATABASE_URL``'s value as a :class:`DatabaseConfig` (pool settings default)."""
    value = value.strip()
    if value.startswith(("postgresql://", "postgres://")):
        return DatabaseConfig("postgres", value)
    if value.startswith("sqlite://"):
        path = value.removeprefix("sqlite://")
        if not path.startswith("/"):
            raise ConfigError(f"DATABASE_URL: expected sqlite:///<path>, got {value!r}")
        path = path[1:]  # sqlite:///rel -> rel, sqlite:////abs -> /abs
        return DatabaseConfig("sqlite", path or ":memory:")
    if "://" in value or not value:
        raise ConfigError(
            "DATABASE_URL: expected a SQLite path, sqlite:///<path> or "
            f"postgresql://user:password@host/dbname, got {value!r}"
        )
    return DatabaseConfig("sqlite", value)


def _number(environ: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        number = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a number, got {raw!r}") from None
    if number < minimum:
        raise ConfigError(f"{name}: must be at least {minimum:g}, got {raw!r}")
    return number


def database_config(environ: Mapping[str, str] | None = None) -> DatabaseConfig | None:
    """The configured database, or ``None`` when ``DATABASE_URL`` is unset (embedded)."""
    environ = os.environ if environ is None else environ
    value = environ.get("DATABASE_URL", "").strip()
    if not value:
        return None
    config = parse_database_url(value)
    pool_min = int(_number(environ, "DATABASE_POOL_MIN", 1, 0))
    pool_max = int(_number(environ, "DATABASE_POOL_MAX", 10, 1))
    if pool_min > pool_max:
        raise ConfigError(f"DATABASE_POOL_MIN ({pool_min}) exceeds DATABASE_POOL_MAX ({pool_max})")
    timeout = _number(environ, "DATABASE_POOL_TIMEOUT", 5.0, 0.1)
    return DatabaseConfig(config.kind, config.location, pool_min, pool_max, timeout)


def postgres_database(config: DatabaseConfig) -> PostgresDatabase:
    """The migrated PostgreSQL database (and pool) ``config`` names."""
    try:
        from .postgres import PostgresDatabase
    except ImportError as error:
        raise ConfigError(
            "DATABASE_URL names PostgreSQL: pip install 'chatloom[postgres]'"
        ) from error
    return PostgresDatabase(
        config.location,
        min_size=config.pool_min,
        max_size=config.pool_max,
        timeout=config.pool_timeout,
    )


def store_from_config(config: DatabaseConfig) -> Store[Any]:
    """The thread store ``config`` names (PostgreSQL migrated at once)."""
    if config.kind == "postgres":
        from .store.postgres import PostgresStore

        return PostgresStore(postgres_database(config))
    from .store.sqlite import SQLiteStore

    if config.location != ":memory:":
        Path(config.location).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(config.location)


def store_from_env(
    default: str | os.PathLike[str] = ":memory:", environ: Mapping[str, str] | None = None
) -> Store[Any]:
    """The store ``DATABASE_URL`` names; without it, a SQLite store at ``default``."""
    config = database_config(environ) or DatabaseConfig("sqlite", str(default))
    return store_from_config(config)


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


__all__ = [
    "ConfigError",
    "DatabaseConfig",
    "S3Settings",
    "database_config",
    "parse_database_url",
    "postgres_database",
    "redis_url",
    "s3_settings",
    "store_from_config",
    "store_from_env",
]
