"""Fixtures shared by the Python tests: a frozen clock, deterministic ids, and a scripted
OpenAI-compatible model server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from chatloom.agents.providers.scripted import ScriptedEndpoint
from chatloom.store import _ID_PREFIXES, StoreItemType

from .live_server import serve

pytest_plugins = ["tests.services.redis", "tests.services.s3"]

START = datetime(2025, 1, 1, 12, 0, 0)


class Clock:
    """Stands in for ``datetime`` in chatloom modules: each ``now()`` is one second later."""

    def __init__(self) -> None:
        self.ticks = itertools.count()

    def now(self, tz: Any = None) -> datetime:
        return START + timedelta(seconds=next(self.ticks))

    def __getattr__(self, name: str) -> Any:
        return getattr(datetime, name)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    for module in ("chatloom.server", "chatloom.widget_streaming"):
        monkeypatch.setattr(f"{module}.datetime", fake)
    yield fake


class SequentialIds:
    """Replaces a store's id generation with ``thr_1``, ``msg_2``, ... for exact JSON."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    def __call__(self, item_type: StoreItemType) -> str:
        return f"{_ID_PREFIXES[item_type]}_{next(self.counter)}"


def use_sequential_ids(store: Any) -> SequentialIds:
    ids = SequentialIds()
    store.generate_thread_id = lambda context: ids("thread")
    store.generate_item_id = lambda item_type, thread, context: ids(item_type)
    return ids


@pytest.fixture
def endpoint() -> ScriptedEndpoint:
    """A scripted OpenAI-compatible model server (see ``chatloom.agents.providers.scripted``)."""
    return ScriptedEndpoint()


@pytest.fixture
def endpoint_url(endpoint: ScriptedEndpoint) -> Iterator[str]:
    """Its ``/v1`` base URL, served by a real uvicorn on loopback."""
    with serve(endpoint) as url:
        yield url + "/v1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: Playwright's sync API keeps an event loop running in the
    main thread for the whole session, which async tests cannot share."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
