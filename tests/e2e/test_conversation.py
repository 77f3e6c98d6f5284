"""Sending, streaming, stopping, retrying and rating replies against the real server."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live
from tests.e2e.helpers import events, open_chat, send, stored_items
from tests.polling import eventually

pytestmark = pytest.mark.e2e


def test_send_streams_markdown_reply(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "hello **world**")
    expect(chat.locator(".ck-user .ck-bubble")).to_have_text(
        "hello **world**"
    )  # user text is not Markdown
    reply = chat.locator(".ck-assistant")
    expect(reply).to_contain_text("You said: hello world")
    expect(reply.locator("strong")).to_have_text("world")
    expect(chat.locator("[data-action=send]")).to_be_visible()
    names = [e["type"] for e in events(page)]
    assert names.index("chatkit.response.start") < names.index("chatkit.response.end")
    thread_id = events(page, "chatkit.thread.change")[0]["detail"]["threadId"]
    assert thread_id.startswith("thr")
    # The live region announces the finished reply.
    expect(chat.locator("[aria-live=polite]")).to_contain_text("You said: hello world")


def test_stream_renders_incrementally_and_completely(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "stream 300")
    expect(chat.locator(".ck-assistant")).to_contain_text("word299")
    assert chat.locator(".ck-assistant").inner_text().count("word") == 300


def test_stop_aborts_the_stream_and_keeps_the_partial_reply(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "slow")
    expect(chat.locator(".ck-assistant")).to_contain_text("slow3")
    chat.locator("[data-action=stop]").click()
    expect(chat.locator("[data-action=send]")).to_be_visible()
    shown = chat.locator(".ck-assistant").inner_text()
    # The server has handled the disconnect once it stored its cancellation note; by
    # then anything still in flight would have arrived: nothing did.
    eventually(
        lambda: "sdk_hidden_context" in [i.type for i in stored_items(page, live.server.store)],
        what="the server stored the cancellation",
    )
    assert chat.locator(".ck-assistant").inner_text() == shown
    assert "slow399" not in shown
    assert events(page, "chatkit.response.end")
    # The server kept what the user saw: a reload of the thread still shows it.
    page.evaluate("document.querySelector('openai-chatkit').fetchUpdates()")
    expect(chat.locator(".ck-assistant")).to_contain_text("slow3")


def test_error_event_offers_retry(page: Any, live: Live) -> None:
    live.server.fail_next = 1
    chat = open_chat(page, live.url)
    send(chat, "fail")
    error = chat.locator(".ck-error")
    expect(error).to_contain_text("The scripted model failed.")
    assert events(page, "chatkit.error")
    error.get_by_role("button", name="Retry").click()
    expect(chat.locator(".ck-assistant")).to_contain_text("Recovered after retry.")
    expect(chat.locator(".ck-error")).to_have_count(0)
    expect(chat.locator(".ck-user")).to_have_count(1)  # the question is not duplicated


def test_feedback_and_retry_actions(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "first question")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: first question")
    chat.locator("[data-action=feedback-positive]").click()
    expect(chat.get_by_text("Thanks for your feedback")).to_be_visible()
    eventually(lambda: live.server.feedback, what="the server got the feedback")
    assert live.server.feedback[0][1] == "positive"
    chat.locator("[data-action=retry]").click()
    expect(chat.locator(".ck-assistant")).to_have_count(1)
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: first question")


def test_start_screen_prompt_sends_it(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    expect(chat.get_by_role("heading", name="Scripted test bench")).to_be_visible()
    chat.get_by_role("button", name="Say hello").click()
    expect(chat.locator(".ck-user")).to_contain_text("hello there")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: hello there")


def test_keyboard_only_conversation(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    page.evaluate("document.querySelector('openai-chatkit').focusComposer()")
    page.keyboard.type("typed with the keyboard")
    page.keyboard.press("Enter")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: typed with the keyboard")
    # Shift+Enter adds a line instead of sending.
    page.keyboard.type("line one")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("line two")
    assert chat.locator("textarea").input_value() == "line one\nline two"


def test_server_title_shows_in_header(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "title Trip planning")
    expect(chat.locator(".ck-header-title")).to_have_text("Trip planning")


def test_default_page_has_an_icon_and_no_failed_requests(page: Any, live: Live) -> None:
    responses: list[Any] = []

    def record(response: Any) -> None:
        responses.append(response)

    page.on("response", record)
    chat = open_chat(page, live.url)
    send(chat, "hello")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: hello")
    # The icon is inline (no request, so no 404 for /favicon.ico) and a valid image.
    size = page.evaluate(
        """async () => {
             const img = new Image();
             img.src = document.querySelector('link[rel=icon]').href;
             await img.decode();
             return [img.naturalWidth, img.naturalHeight];
           }"""
    )
    assert size[0] > 0 and size[1] > 0
    assert [f"{r.status} {r.url}" for r in responses if r.status >= 400] == []
