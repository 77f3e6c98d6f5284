"""An in-process :class:`~chatloom.store.Store` for tests, demos and prototypes.

Data lives as long as the object. Models are copied in and out, so callers never share
mutable state with the store, as with a real database.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ..types import Attachment, Page, SortOrder, ThreadItem, ThreadMetadata
from . import NotFoundError, Store, TContext, user_id_of

_Key = tuple[float, int]
M = TypeVar("M", bound=BaseModel)


@dataclass
class _Ordered(Generic[M]):
    """Values kept in (created_at, insertion) order with O(log n) cursor lookup."""

    keys: list[_Key] = field(default_factory=list)
    values: dict[str, M] = field(default_factory=dict)
    key_of: dict[str, _Key] = field(default_factory=dict)
    id_at: dict[_Key, str] = field(default_factory=dict)

    def put(self, id: str, value: M, key: _Key) -> None:
        if id in self.key_of:
            self.remove(id)
        bisect.insort(self.keys, key)
        self.values[id], self.key_of[id], self.id_at[key] = value, key, id

    def remove(self, id: str) -> None:
        key = self.key_of.pop(id)
        del self.values[id], self.id_at[key]
        self.keys.pop(bisect.bisect_left(self.keys, key))

    def page(self, after: str | None, limit: int, order: SortOrder) -> Page[M]:
        if after is not None and after not in self.key_of:
            raise NotFoundError(f"Cursor {after} not found")
        if order == "asc":
            start = 0 if after is None else bisect.bisect_right(self.keys, self.key_of[after])
            keys = self.keys[start : start + limit + 1]
        else:
            end = (
                len(self.keys)
                if after is None
                else bisect.bisect_left(self.keys, self.key_of[after])
            )
            keys = self.keys[max(0, end - limit - 1) : end][::-1]
        has_more = len(keys) > limit
        data = [self.values[self.id_at[k]].model_copy(deep=True) for k in keys[:limit]]
        after_id = self.id_at[keys[limit - 1]] if has_more and limit else None
        return Page(data=data, has_more=has_more, after=after_id)


@dataclass
class _Thread:
    owner: str
    items: _Ordered[Any] = field(default_factory=_Ordered)


class MemoryStore(Store[TContext]):
    def __init__(self) -> None:
        self._threads: dict[str, _Thread] = {}
        self._by_user: dict[str, _Ordered[ThreadMetadata]] = {}
        self._attachments: dict[str, tuple[str, Attachment]] = {}
        self._sequence = itertools.count()

    def _key(self, created_at: Any) -> _Key:
        return (created_at.timestamp(), next(self._sequence))

    def _thread(self, thread_id: str, context: TContext) -> _Thread:
        thread = self._threads.get(thread_id)
        if thread is None or thread.owner != user_id_of(context):
            raise NotFoundError(f"Thread {thread_id} not found")
        return thread

    async def load_thread(self, thread_id: str, context: TContext) -> ThreadMetadata:
        thread = self._thread(thread_id, context)
        return self._by_user[thread.owner].values[thread_id].model_copy(deep=True)

    async def save_thread(self, thread: ThreadMetadata, context: TContext) -> None:
        owner = user_id_of(context)
        metadata = ThreadMetadata.model_validate(thread.model_dump(exclude={"items"}))
        existing = self._threads.get(thread.id)
        if existing is not None and existing.owner != owner:
            raise NotFoundError(f"Thread {thread.id} not found")
        if existing is None:
            self._threads[thread.id] = _Thread(owner)
        threads = self._by_user.setdefault(owner, _Ordered())
        key = threads.key_of.get(thread.id)
        if key is None or key[0] != metadata.created_at.timestamp():
            key = self._key(metadata.created_at)
        threads.put(thread.id, metadata, key)

    async def load_threads(
        self, limit: int, after: str | None, order: SortOrder, context: TContext
    ) -> Page[ThreadMetadata]:
        threads = self._by_user.get(user_id_of(context))
        if threads is None:
            if after is not None:
                raise NotFoundError(f"Cursor {after} not found")
            return Page()
        return threads.page(after, limit, order)

    async def delete_thread(self, thread_id: str, context: TContext) -> None:
        thread = self._thread(thread_id, context)
        del self._threads[thread_id]
        self._by_user[thread.owner].remove(thread_id)

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: SortOrder,
        context: TContext,
    ) -> Page[ThreadItem]:
        return self._thread(thread_id, context).items.page(after, limit, order)

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        items = self._thread(thread_id, context).items
        key = items.key_of.get(item.id) or self._key(item.created_at)
        items.put(item.id, item.model_copy(deep=True), key)

    async def save_item(self, thread_id: str, item: ThreadItem, context: TContext) -> None:
        await self.add_thread_item(thread_id, item, context)

    async def load_item(self, thread_id: str, item_id: str, context: TContext) -> ThreadItem:
        item = self._thread(thread_id, context).items.values.get(item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
        return item.model_copy(deep=True)  # type: ignore[no-any-return]

    async def delete_thread_item(self, thread_id: str, item_id: str, context: TContext) -> None:
        items = self._thread(thread_id, context).items
        if item_id in items.key_of:
            items.remove(item_id)

    async def save_attachment(self, attachment: Attachment, context: TContext) -> None:
        owner = user_id_of(context)
        existing = self._attachments.get(attachment.id)
        if existing is not None and existing[0] != owner:
            raise NotFoundError(f"Attachment {attachment.id} not found")
        self._attachments[attachment.id] = (owner, attachment.model_copy(deep=True))

    async def load_attachment(self, attachment_id: str, context: TContext) -> Attachment:
        entry = self._attachments.get(attachment_id)
        if entry is None or entry[0] != user_id_of(context):
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return entry[1].model_copy(deep=True)

    async def delete_attachment(self, attachment_id: str, context: TContext) -> None:
        entry = self._attachments.get(attachment_id)
        if entry is not None and entry[0] == user_id_of(context):
            del self._attachments[attachment_id]

    async def load_thread_attachments(self, thread_id: str, context: TContext) -> list[Attachment]:
        owner = user_id_of(context)
        return [
            attachment.model_copy(deep=True)
            for attachment_owner, attachment in self._attachments.values()
            if attachment_owner == owner and attachment.thread_id == thread_id
        ]


__all__ = ["MemoryStore"]
