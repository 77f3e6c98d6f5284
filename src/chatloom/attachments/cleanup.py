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
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from ..store import NotFoundError, Store

if TYPE_CHECKING:
    from .disk import DiskAttachmentStore

logger = logging.getLogger("chatloom.attachments")


async def remove_orphans(
    disk: DiskAttachmentStore[Any], store: Store[Any], older_than: float
) -> int:
    """Delete the attachments not sent within ``older_than`` seconds; how many."""
    cutoff = time.time() - older_than
    removed = 0
    for record in await disk.index.unsent_before(cutoff):
        context = disk.owner_context(record.owner)
        try:
            attachment = await store.load_attachment(record.id, context)
        except NotFoundError:
            attachment = None
        if attachment is not None and attachment.thread_id is not None:
            await disk.index.mark_in_message(record.id)
            continue
        await disk.forget(record.id)
        if attachment is not None:
            await store.delete_attachment(record.id, context)
        removed += 1
    await anyio.to_thread.run_sync(_remove_stale_incoming, disk, cutoff)
    return removed


def _remove_stale_incoming(disk: DiskAttachmentStore[Any], cutoff: float) -> None:
    """Partial uploads a crashed or killed process left behind."""
    for partial in disk.incoming_dir().iterdir():
        try:
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
        except FileNotFoundError:  # finished or removed meanwhile
            continue


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
