"""Resumable responses in Chromium: a reload mid-reply reattaches, a second tab follows
the reply live, and Stop still stops it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from chatloom.http import create_app
from chatloom.responses import Responses
from chatloom.store.memory import MemoryStore
from tests.e2e.conftest import Live
from tests.e2e.helpers import events, open_chat, send
from tests.e2e.scripted import ScriptedServer
from tests.live_server import serve
from tests.polling import eventually

pytestmark = pytest.mark.e2e

WORDS = 120
FULL = "".join(f"word{i} " for i in range(WORDS)).strip()


@pytest.fixture
def resumable() -> Iterator[Live]:
    server = ScriptedServer(MemoryStore(), token_delay=0.05)  # a reply of about 6 s
    server.responses = Responses()
    with serve(create_app(server)) as url:
        yield Live(url, server)


def _thread_id(page: Any) -> str:
    changes = [e["detail"]["threadId"] for e in events(page, "chatkit.thread.change")]
    return str(next(t for t in reversed(changes) if t))


def test_reload_mid_reply_reattaches_and_ends_complete(browser: Any, resumable: Live) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    chat = open_chat(page, resumable.url)
    send(chat, f"stream {WORDS}")
    expect(chat.locator(".ck-assistant")).to_contain_text("word5")
    thread_id = _thread_id(page)

    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))
    page.reload()  # mid-reply
    page.wait_for_function("window.__events.some(e => e.type === 'chatkit.ready')")
    chat = page.locator("openai-chatkit")
    chat.evaluate("(el, id) => el.setThreadId(id)", thread_id)
    # The reply goes on streaming on the reloaded page and ends whole, once.
    expect(chat.locator(".ck-assistant")).to_have_text(FULL, timeout=20_000)
    expect(chat.locator(".ck-assistant")).to_have_count(1)
    assert any('"responses.resume"' in body for body in bodies)  # it attached, mid-reply
    assert events(page, "chatkit.response.end")
    context.close()


def test_a_second_tab_follows_the_reply_live(browser: Any, resumable: Live) -> None:
    context = browser.new_context(locale="en-US")  # one browser: both tabs are one user
    first, second = context.new_page(), context.new_page()
    chat = open_chat(first, resumable.url)
    send(chat, f"stream {WORDS}")
    expect(chat.locator(".ck-assistant")).to_contain_text("word5")
    other = open_chat(second, resumable.url)
    other.evaluate("(el, id) => el.setThreadId(id)", _thread_id(first))
    expect(other.locator(".ck-assistant")).to_contain_text("word")
    assert "word119" not in other.locator(".ck-assistant").inner_text()  # still streaming
    for tab in (chat, other):
        expect(tab.locator(".ck-assistant")).to_have_text(FULL, timeout=20_000)
    context.close()


def test_stop_still_stops_a_resumable_reply(browser: Any, resumable: Live) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    chat = open_chat(page, resumable.url)
    send(chat, f"stream {WORDS}")
    expect(chat.locator(".ck-assistant")).to_contain_text("word5")
    chat.locator("[data-action=stop]").click()
    expect(chat.locator("[data-action=send]")).to_be_visible()
    server = resumable.server
    assert server.responses is not None
    thread_id = _thread_id(page)

    def stopped() -> bool:
        running = page.evaluate(
            "id => fetch('/chatkit', {method: 'POST', body: JSON.stringify("
            "{type: 'threads.get_by_id', params: {thread_id: id}})}).then(r => r.json())",
            thread_id,
        )
        return "chatloom_running_response" not in running

    eventually(stopped, what="the server to stop the reply")
    page.evaluate("document.querySelector('openai-chatkit').fetchUpdates()")
    expect(chat.locator(".ck-assistant")).to_contain_text("word5")
    assert "word119" not in chat.locator(".ck-assistant").inner_text()
    context.close()
