"""The parts of a deployment, built from the settings in :mod:`chatloom.config`.

``chatloom demo`` and ``chatloom hosted serve`` use these, and so can an application
served with ``chatloom serve``, so that one set of environment variables configures
every instance the same way::

    from chatloom import deployment

    shared = deployment.shared_state()          # REDIS_URL, or in process
    files = deployment.attachment_store("var/files", shared=shared)  # CHATLOOM_S3_*, or disk
    server.responses = deployment.responses()   # resumable streams (docs/server.md)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import config
from .hosted.ratelimit import SlidingWindowLimiter
from .responses import MemoryResponseLog, Responses
from .shared import OnceMarks, RateLimiter, UsageLedger
from .shared.memory import MemoryOnceMarks, MemoryUsageLedger


@dataclass
class SharedState:
    """The state instances share: in Redis when ``redis_url`` is set, else in process."""

    limiter: RateLimiter = field(default_factory=SlidingWindowLimiter)
    ledger: UsageLedger = field(default_factory=MemoryUsageLedger)
    marks: OnceMarks = field(default_factory=MemoryOnceMarks)
    redis_url: str | None = None


def shared_state(env: Mapping[str, str] = os.environ) -> SharedState:
    """Redis-backed state when ``REDIS_URL`` is set (needs the ``[redis]`` extra)."""
    url = config.redis_url(env)
    if url is None:
        return SharedState()
    from .shared.redis import RedisOnceMarks, RedisRateLimiter, RedisUsageLedger, connect

    client = connect(url)
    return SharedState(
        RedisRateLimiter(client), RedisUsageLedger(client), RedisOnceMarks(client), url
    )


def attachment_store(
    disk_folder: str | os.PathLike[str] | None,
    *,
    path: str = "/chatkit/files",
    shared: SharedState | None = None,
    env: Mapping[str, str] = os.environ,
    **options: Any,
) -> Any | None:
    """An :class:`~chatloom.attachments.s3.S3AttachmentStore` when ``CHATLOOM_S3_BUCKET``
    is set, else a :class:`~chatloom.attachments.DiskAttachmentStore` in
    ``disk_folder``; ``None`` without a folder or without the ``[files]`` extra.

    ``options`` go to the store (``policy``, ``public_base_url``, ...). Several
    instances need S3 (and ``REDIS_URL`` for the quotas): a disk store is one machine's.
    """
    settings = config.s3_settings(env)
    if settings is not None:
        from .attachments.s3 import S3AttachmentStore

        state = shared or shared_state(env)
        return S3AttachmentStore(
            settings, path=path, ledger=state.ledger, marks=state.marks, **options
        )
    if disk_folder is None:
        return None
    try:
        from .attachments import DiskAttachmentStore
    except ImportError:
        return None
    return DiskAttachmentStore(Path(disk_folder), path=path, **options)


def responses(env: Mapping[str, str] = os.environ) -> Responses | None:
    """Resumable responses: on, in Redis, when ``REDIS_URL`` is set (any instance resumes
    any response); in process when ``CHATLOOM_RESUMABLE=1``; else off."""
    url = config.redis_url(env)
    if url is not None:
        from .responses_redis import RedisResponseLog
        from .shared.redis import connect

        return Responses(RedisResponseLog(connect(url)))
    if env.get("CHATLOOM_RESUMABLE", "").strip() == "1":
        return Responses(MemoryResponseLog())
    return None


__all__ = ["SharedState", "attachment_store", "responses", "shared_state"]
