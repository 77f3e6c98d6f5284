"""The Store contract, run against every implementation (a new store adds one factory)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chatloom.store import NotFoundError, Store
from chatloom.store.memory import MemoryStore
from chatloom.store.postgres import PostgresStore
from chatloom.store.sqlite import SQLiteStore
from chatloom.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    FileAttachment,
    HiddenContextItem,
    ImageAttachment,
    InferenceOptions,
    LockedStatus,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)

ALICE = {"user_id": "alice"}
BOB = {"user_id": "bob"}
T0 = datetime(2025, 3, 1, 9, 0, 0)

StoreFactory = Callable[[pytest.FixtureRequest, Path], Store[Any]]
FACTORIES: dict[str, StoreFactory] = {
    "memory": lambda request, tmp: MemoryStore(),
    "sqlite-memory": lambda request, tmp: SQLiteStore(":memory:"),
    "sqlite-file": lambda request, tmp: SQLiteStore(tmp / "chat.sqlite3"),
    # A fresh database of the session's throwaway cluster (tests/services/postgres.py).
    "postgres": lambda request, tmp: PostgresStore(request.getfixturevalue("postgres_url")),
}
MARKS = {"postgres": [pytest.mark.postgres]}


@pytest.fixture(params=[pytest.param(name, marks=MARKS.get(name, [])) for name in FACTORIES])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store[Any]]:
    instance = FACTORIES[request.param](request, tmp_path)
    yield instance
    if isinstance(instance, SQLiteStore):
        instance.close()
    elif isinstance(instance, PostgresStore):
        await instance.close()


def thread(id: str, minutes: int = 0, **fields: Any) -> ThreadMetadata:
    return ThreadMetadata(id=id, created_at=T0 + timedelta(minutes=minutes), **fields)


def message(id: str, thread_id: str, seconds: float = 0, text: str = "hi") -> UserMessageItem:
    return UserMessageItem(
        id=id,
        thread_id=thread_id,
        created_at=T0 + timedelta(seconds=seconds),
        content=[UserMessageTextContent(text=text)],
        inference_options=InferenceOptions(),
    )


def reply(id: str, thread_id: str, seconds: float = 0, text: str = "ok") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=id,
        thread_id=thread_id,
        created_at=T0 + timedelta(seconds=seconds),
        content=[AssistantMessageContent(text=text)],
    )


async def test_thread_round_trip_keeps_every_field(store: Store[Any]) -> None:
    original = thread(
        "thr_a",
        title="Plans",
        status=LockedStatus(reason="read only"),
        allowed_image_domains=["example.com"],
        metadata={"previous_response_id": "resp_1", "n": [1, 2]},
    )
    await store.save_thread(original, ALICE)
    assert await store.load_thread("thr_a", ALICE) == original


async def test_missing_thread_is_not_found(store: Store[Any]) -> None:
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_nope", ALICE)


async def test_save_thread_updates_in_place(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.save_thread(thread("thr_a", title="Renamed"), ALICE)
    loaded = await store.load_thread("thr_a", ALICE)
    assert loaded.title == "Renamed"
    page = await store.load_threads(10, None, "desc", ALICE)
    assert [t.id for t in page.data] == ["thr_a"]


async def test_threads_page_in_both_orders_with_cursors(store: Store[Any]) -> None:
    for n in range(5):
        await store.save_thread(thread(f"thr_{n}", minutes=n), ALICE)
    first = await store.load_threads(2, None, "desc", ALICE)
    assert [t.id for t in first.data] == ["thr_4", "thr_3"]
    assert first.has_more and first.after == "thr_3"
    second = await store.load_threads(2, first.after, "desc", ALICE)
    assert [t.id for t in second.data] == ["thr_2", "thr_1"]
    last = await store.load_threads(2, second.after, "desc", ALICE)
    assert [t.id for t in last.data] == ["thr_0"]
    assert not last.has_more and last.after is None
    ascending = await store.load_threads(3, None, "asc", ALICE)
    assert [t.id for t in ascending.data] == ["thr_0", "thr_1", "thr_2"]
    rest = await store.load_threads(3, ascending.after, "asc", ALICE)
    assert [t.id for t in rest.data] == ["thr_3", "thr_4"]


async def test_users_never_see_each_others_threads(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("msg_1", "thr_a"), ALICE)
    assert (await store.load_threads(10, None, "desc", BOB)).data == []
    for attempt in (
        store.load_thread("thr_a", BOB),
        store.load_thread_items("thr_a", None, 10, "asc", BOB),
        store.load_item("thr_a", "msg_1", BOB),
        store.add_thread_item("thr_a", message("msg_2", "thr_a"), BOB),
        store.delete_thread_item("thr_a", "msg_1", BOB),
        store.delete_thread("thr_a", BOB),
        store.save_thread(thread("thr_a", title="hijacked"), BOB),
    ):
        with pytest.raises(NotFoundError):
            await attempt
    assert (await store.load_thread("thr_a", ALICE)).title is None
    assert [
        i.id for i in (await store.load_thread_items("thr_a", None, 10, "asc", ALICE)).data
    ] == ["msg_1"]


async def test_items_page_in_order_and_ties_keep_insertion_order(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    # Three items share a timestamp: insertion order must break the tie.
    for n, seconds in enumerate([0, 1, 1, 1, 2]):
        await store.add_thread_item("thr_a", message(f"msg_{n}", "thr_a", seconds), ALICE)
    ids: list[str] = []
    after = None
    while True:
        page = await store.load_thread_items("thr_a", after, 2, "asc", ALICE)
        ids += [item.id for item in page.data]
        if not page.has_more:
            break
        after = page.after
    assert ids == ["msg_0", "msg_1", "msg_2", "msg_3", "msg_4"]
    newest = await store.load_thread_items("thr_a", None, 3, "desc", ALICE)
    assert [i.id for i in newest.data] == ["msg_4", "msg_3", "msg_2"]
    older = await store.load_thread_items("thr_a", newest.after, 3, "desc", ALICE)
    assert [i.id for i in older.data] == ["msg_1", "msg_0"]
    assert not older.has_more


async def test_unknown_item_cursor_is_not_found(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_a", "msg_gone", 10, "asc", ALICE)


async def test_items_of_every_kind_round_trip(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    items = [
        message("msg_1", "thr_a", 1),
        reply("msg_2", "thr_a", 2),
        HiddenContextItem(id="hc_3", thread_id="thr_a", created_at=T0, content={"k": [1]}),
    ]
    for item in items:
        await store.add_thread_item("thr_a", item, ALICE)
    for item in items:
        assert await store.load_item("thr_a", item.id, ALICE) == item


async def test_add_and_save_item_upsert_by_id(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", reply("msg_1", "thr_a", 1, "draft"), ALICE)
    await store.add_thread_item("thr_a", reply("msg_2", "thr_a", 2), ALICE)
    await store.add_thread_item("thr_a", reply("msg_1", "thr_a", 1, "again"), ALICE)
    await store.save_item("thr_a", reply("msg_2", "thr_a", 2, "edited"), ALICE)
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [(i.id, i.content[0].text) for i in page.data] == [  # type: ignore[union-attr]
        ("msg_1", "again"),
        ("msg_2", "edited"),
    ]


async def test_deleting_items_and_threads(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.save_thread(thread("thr_b", 1), ALICE)
    for n in range(3):
        await store.add_thread_item("thr_a", message(f"msg_{n}", "thr_a", n), ALICE)
    await store.add_thread_item("thr_b", message("msg_b", "thr_b"), ALICE)
    await store.delete_thread_item("thr_a", "msg_1", ALICE)
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert [i.id for i in page.data] == ["msg_0", "msg_2"]
    await store.delete_thread("thr_a", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_a", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "msg_0", ALICE)
    assert [t.id for t in (await store.load_threads(10, None, "desc", ALICE)).data] == ["thr_b"]
    assert (await store.load_item("thr_b", "msg_b", ALICE)).id == "msg_b"


async def test_attachments_upsert_scope_and_follow_threads(store: Store[Any]) -> None:
    image = ImageAttachment(
        id="atc_1",
        name="cat.png",
        mime_type="image/png",
        preview_url="https://files.example/atc_1/preview",  # type: ignore[arg-type]
        metadata={"path": "/srv/atc_1"},
    )
    await store.save_attachment(image, ALICE)
    assert await store.load_attachment("atc_1", ALICE) == image
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_1", BOB)
    with pytest.raises(NotFoundError):
        await store.save_attachment(image, BOB)
    await store.save_attachment(image.model_copy(update={"thread_id": "thr_a"}), ALICE)
    doc = FileAttachment(id="atc_2", name="a.txt", mime_type="text/plain", thread_id="thr_a")
    await store.save_attachment(doc, ALICE)
    found = await store.load_thread_attachments("thr_a", ALICE)
    assert sorted(a.id for a in found) == ["atc_1", "atc_2"]
    assert await store.load_thread_attachments("thr_a", BOB) == []
    await store.delete_attachment("atc_1", BOB)  # not Bob's: nothing happens
    await store.delete_attachment("atc_2", ALICE)
    assert [a.id for a in await store.load_thread_attachments("thr_a", ALICE)] == ["atc_1"]


async def test_concurrent_writers_lose_nothing(store: Store[Any]) -> None:
    await store.save_thread(thread("thr_a"), ALICE)

    async def writer(n: int) -> None:
        for k in range(20):
            await store.add_thread_item("thr_a", message(f"msg_{n}_{k}", "thr_a", k), ALICE)

    await asyncio.gather(*(writer(n) for n in range(10)))
    page = await store.load_thread_items("thr_a", None, 1000, "asc", ALICE)
    assert len(page.data) == 200 and len({i.id for i in page.data}) == 200


async def test_sqlite_file_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    first = SQLiteStore(path)
    await first.save_thread(thread("thr_a", title="Kept"), ALICE)
    await first.add_thread_item("thr_a", message("msg_1", "thr_a"), ALICE)
    first.close()
    second = SQLiteStore(path)
    try:
        assert (await second.load_thread("thr_a", ALICE)).title == "Kept"
        assert (await second.load_item("thr_a", "msg_1", ALICE)).id == "msg_1"
    finally:
        second.close()


async def test_sqlite_pages_through_the_index(tmp_path: Path) -> None:
    """A page must be an index range scan, never a sort of the whole thread."""
    store = SQLiteStore(tmp_path / "plan.sqlite3")
    try:
        plans = await store._run(
            lambda db: [
                " ".join(
                    row[3]
                    for row in db.execute(
                        "EXPLAIN QUERY PLAN SELECT id, data FROM items WHERE thread_id = ? "
                        f"AND (created_us, seq) {op} (?, ?) ORDER BY created_us {d}, seq {d} "
                        "LIMIT ?",
                        ("t", 0, 0, 10),
                    )
                )
                for op, d in ((">", "ASC"), ("<", "DESC"))
            ]
        )
        for plan in plans:
            assert "items_by_thread" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        store.close()
