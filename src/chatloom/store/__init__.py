"""Persistence contracts: :class:`Store` for threads and items, :class:`AttachmentStore` for bytes.

Implementations: :mod:`chatloom.store.memory` (tests, demos) and
:mod:`chatloom.store.sqlite` (the embedded default). Every method receives the request
``context``; stores scope data to the user it names (see :func:`user_id_of`).
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, Generic, Literal, TypeVar

from ..types import (
    Attachment,
    AttachmentCreateParams,
    Page,
    SortOrder,
    ThreadItem,
    ThreadMetadata,
)

TContext = TypeVar("TContext")

StoreItemType = Literal[
    "thread", "message", "tool_call", "task", "workflow", "attachment", "sdk_hidden_context"
]

_ID_PREFIXES: dict[StoreItemType, str] = {
    "thread": "thr",
    "message": "msg",
    "tool_call": "tc",
    "task": "tsk",
    "workflow": "wf",
    "attachment": "atc",
    "sdk_hidden_context": "shcx",
}


def default_generate_id(item_type: StoreItemType) -> str:
    """``<prefix>_<hex>``, e.g. ``thr_4f9c...``.

    Sixteen hex digits (64 random bits) rather than the reference's eight, so ids stay
    unique across a large store.
    """
    return f"{_ID_PREFIXES[item_type]}_{uuid.uuid4().hex[:16]}"


class NotFoundError(Exception):
    """The thread, item or attachment does not exist, or belongs to someone else."""


def user_id_of(context: Any) -> str:
    """The owner a request acts for: ``context.user_id`` or ``context["user_id"]``.

    A context without a user id (e.g. ``{}``) shares one anonymous namespace, which
    suits a single-user app; multi-user apps put the authenticated user in the context.
    """
    if isinstance(context, Mapping):
        value = context.get("user_id")
    else:
        value = getattr(context, "user_id", None)
    return "" if value is None else str(value)


class Store(ABC, Generic[TContext]):
    """Threads, their items and attachment metadata."""

    def generate_thread_id(self, context: TContext) -> str:
        return default_generate_id("thread")

    def generate_item_id(
        self, item_type: StoreItemType, thread: ThreadMetadata, context: TContext
    ) -> str:
        return default_generate_id(item_type)

    @abstractmethod
    async def load_thread(self, thread_id: str, context: TContext) -> ThreadMetadata:
        """The thread, or :class:`NotFoundError`."""

    @abstractmethod
    async def save_thread(self, thread: ThreadMetadata, context: TContext) -> None:
        """Insert or update (may receive a ``Thread``; only its metadata is saved)."""

    @abstractmethod
    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: SortOrder,
        context: TContext,
    ) -> Page[ThreadItem]:
        """A page of items by creation time; ``after`` is the id of the last item seen."""

    @abstractmethod
    async def save_attachment(self, attachment: Attachment, context: TContext) -> None:
        """Insert or update attachment metadata."""

    @abstractmethod
    async def load_attachment(self, attachment_id: str, context: TContext) -> Attachment:
        """The attachment, or :class:`NotFoundError`."""

    @abstractmethod
    async def delete_attachment(self, attachment_id: str, context: TContext) -> None:
        """Delete attachment metadata (the bytes belong to the :class:`AttachmentStore`)."""

    @abstractmethod
    async def load_threads(
        self, limit: int, after: str | None, order: SortOrder, context: TContext
    ) -> Page[ThreadMetadata]:
        """A page of the user's threads by creation time."""

    @abstractmethod
    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        """Add an item (an existing id is replaced: a workflow may be saved twice)."""

    @abstractmethod
    async def save_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        """Replace the item with the same id (inserted if missing)."""

    @abstractmethod
    async def load_item(self, thread_id: str, item_id: str, context: TContext) -> ThreadItem:
        """The item, or :class:`NotFoundError`."""

    @abstractmethod
    async def delete_thread(self, thread_id: str, context: TContext) -> None:
        """Delete the thread and its items."""

    @abstractmethod
    async def delete_thread_item(self, thread_id: str, item_id: str, context: TContext) -> None:
        """Delete one item."""

    async def load_thread_attachments(self, thread_id: str, context: TContext) -> list[Attachment]:
        """Attachments saved with ``thread_id``; used to free their bytes on deletion.

        Not part of the reference contract: the default finds none, so a store that does
        not override it keeps the reference behaviour (bytes outlive the thread).
        """
        return []


class AttachmentStore(ABC, Generic[TContext]):
    """The bytes side of attachments (uploads, previews, deletion)."""

    @abstractmethod
    async def delete_attachment(self, attachment_id: str, context: TContext) -> None:
        """Delete the bytes; the server then deletes the metadata from the :class:`Store`."""

    async def create_attachment(
        self, input: AttachmentCreateParams, context: TContext
    ) -> Attachment:
        """Start a two-phase upload: an attachment whose ``upload_descriptor`` says where.

        The server persists the returned attachment; do not save it here.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must override create_attachment() to support "
            "two-phase file upload"
        )

    async def prepare_for_message(self, attachment: Attachment, context: TContext) -> Attachment:
        """An attachment about to be sent in a user message, as it should be stored.

        Called before the message is saved; raise a
        :class:`~chatloom.errors.RequestError` to refuse the message (e.g. an upload
        that never completed). The default accepts it as it is.
        """
        return attachment

    def generate_attachment_id(self, mime_type: str, context: TContext) -> str:
        return default_generate_id("attachment")


__all__ = [
    "AttachmentStore",
    "NotFoundError",
    "Store",
    "StoreItemType",
    "TContext",
    "default_generate_id",
    "user_id_of",
]
