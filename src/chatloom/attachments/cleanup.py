"""Removing attachments that were uploaded but never sent in a message.

The element uploads as soon as a file is picked, so abandoned drafts leave files
behind. Whether an attachment was sent is known to the :class:`~chatloom.store.Store`
(the server sets its ``thread_id`` when the message is saved), so each old, unsent
record is looked up there: sent ones are marked and never looked at again, the others
are deleted with their metadata.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

import anyio

from ..store import NotFoundError, Store
from .index import FileRecord

logger = logging.getLogger("chatloom.attachments")


class KeepsRecords(Protocol):
    """What cleanup needs of an attachment store (the disk and S3 stores)."""

    owner_context: Callable[[str], Any]

    async def unsent_before(self, cutoff: float) -> list[FileRecord]:
        """Records created before ``cutoff`` and not known to be in a message."""
        ...

    async def mark_sent(self, record: FileRecord) -> None: ...

    async def forget_record(self, record: FileRecord) -> None:
        """Delete the bytes, the preview and the record."""
        ...


async def remove_orphans(files: KeepsRecords, store: Store[Any], older_than: float) -> int:
    """Delete the attachments not sent within ``older_than`` seconds; how many."""
    cutoff = time.time() - older_than
    removed = 0
    for record in await files.unsent_before(cutoff):
        context = files.owner_context(record.owner)
        try:
            attachment = await store.load_attachment(record.id, context)
        except NotFoundError:
            attachment = None
        if attachment is not None and attachment.thread_id is not None:
            await files.mark_sent(record)
            continue
        await files.forget_record(record)
        if attachment is not None:
            await store.delete_attachment(record.id, context)
        removed += 1
    return removed


@asynccontextmanager
async def every(interval: float, job: Callable[[], Awaitable[int]]) -> AsyncIterator[None]:
    """Run ``job`` every ``interval`` seconds inside the block; a failure is logged."""

    async def loop() -> None:
        while True:
            await anyio.sleep(interval)
            try:
                removed = await job()
            except Exception:
                logger.exception("Attachment cleanup failed")
            else:
                if removed:
                    logger.info("Removed %d unsent attachments", removed)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(loop)
        try:
            yield
        finally:
            tasks.cancel_scope.cancel()
