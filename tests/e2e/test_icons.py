"""Lucide icons in Chromium: a `lucide:<name>` icon outside the built-in set draws the
Lucide package's own glyph (loaded from its lazy chunk), in the start screen and in a
widget; an unknown name draws the neutral glyph."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from chatloom.http import create_app
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    WidgetItem,
)
from chatloom.widgets import Button, Card, Icon
from tests.e2e.conftest import Live
from tests.e2e.helpers import open_chat, send, set_options
from tests.e2e.scripted import ScriptedServer, user_text
from tests.live_server import serve

pytestmark = pytest.mark.e2e

NODES = Path(__file__).parents[2] / "web" / "node_modules" / "lucide-static" / "icon-nodes.json"

# Each element of an icon's <svg>: its tag and attributes, as the page drew them.
DRAWN = "svg => [...svg.children].map(c => [c.tagName, Object.fromEntries([...c.attributes].map(a => [a.name, a.value]))])"


def lucide(name: str) -> list[list[Any]]:
    if not NODES.is_file():
        pytest.skip("web/node_modules is not installed: run `make web`")
    return [[tag, attrs] for tag, attrs in json.loads(NODES.read_text(encoding="utf-8"))[name]]


def test_start_screen_prompt_draws_the_lucide_glyph(page: Any, live: Live) -> None:
    chunks: list[str] = []

    def record(request: Any) -> None:
        if "lucide-icons" in request.url:
            chunks.append(request.url)

    page.on("request", record)
    chat = open_chat(page, live.url)
    expect(chat.locator(".ck-prompt svg path")).to_have_count(1)  # the built-in "sparkle"
    assert chunks == []  # built-in icons need no chunk
    set_options(
        page,
        """{startScreen: {prompts: [
             {label: 'Launch', prompt: 'go', icon: 'lucide:rocket'},
             {label: 'Nothing', prompt: 'no', icon: 'lucide:not-an-icon-at-all'}]}}""",
    )
    rocket = chat.locator(".ck-prompt", has_text="Launch").locator("svg")
    expect(rocket.locator(":scope > *")).to_have_count(len(lucide("rocket")))
    assert rocket.evaluate(DRAWN) == lucide("rocket")
    unknown = chat.locator(".ck-prompt", has_text="Nothing").locator("svg path")
    expect(unknown).to_have_count(1)
    assert unknown.get_attribute("d", timeout=5000).startswith("M12 3a9 9")
    # Only the chunks holding the two names were fetched, not the whole set.
    assert 1 <= len(set(chunks)) <= 2


class IconServer(ScriptedServer):
    """Answers "icons" with a widget whose Icon and Button use Lucide names."""

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        if user_text(input_user_message) != "icons":
            async for event in super().respond(thread, input_user_message, context):
                yield event
            return
        card = Card(
            children=[Icon(name="lucide:bike"), Button(label="Ride", iconStart="lucide:bus")]
        )
        yield ThreadItemDoneEvent(
            item=WidgetItem(
                id=self._id(thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                widget=card,
                copy_text="icons",
            )
        )


@pytest.fixture
def icon_live() -> Iterator[Live]:
    server = IconServer(MemoryStore())
    with serve(create_app(server)) as url:
        yield Live(url, server)


def test_widget_icons_draw_the_lucide_glyphs(page: Any, icon_live: Live) -> None:
    chat = open_chat(page, icon_live.url)
    send(chat, "icons")
    card = chat.locator(".ckw-card")
    bike = card.locator(".ckw-icon svg")
    bus = card.get_by_role("button", name="Ride").locator("svg")
    expect(bike.locator(":scope > *")).to_have_count(len(lucide("bike")))
    expect(bus.locator(":scope > *")).to_have_count(len(lucide("bus")))
    assert bike.evaluate(DRAWN) == lucide("bike")
    assert bus.evaluate(DRAWN) == lucide("bus")
