"""Rich content: math, citations, deeplinks, thread status, structured input."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live
from tests.e2e.helpers import events, open_chat, send

pytestmark = pytest.mark.e2e


def test_math_renders_with_katex(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "math")
    expect(chat.locator(".ck-assistant .katex").first).to_be_visible()
    expect(chat.locator(".ck-assistant .katex-display")).to_have_count(1)
    # KaTeX's fonts load from beside the bundle (no network beyond the app).
    page.wait_for_function("document.fonts.check('16px KaTeX_Main')")


def test_citations_sources_and_deeplinks(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "cite")
    marker = chat.locator(".ck-cite")
    expect(marker).to_have_text("1")
    sources = chat.locator(".ck-sources")
    expect(sources).to_contain_text("Sources")
    sources.locator("summary").click()
    expect(sources.get_by_role("link", name="Encyclopedia")).to_have_attribute(
        "href", "https://example.com/paris"
    )
    chat.get_by_role("link", name="the map").click()
    assert events(page, "chatkit.deeplink") == [
        {"type": "chatkit.deeplink", "detail": {"name": "map", "data": {"city": "paris"}}}
    ]


def test_locked_and_closed_threads(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "lock Read only now")
    box = chat.locator("textarea")
    expect(box).to_be_disabled()
    expect(box).to_have_attribute("placeholder", "Read only now")
    page.evaluate("document.querySelector('openai-chatkit').setThreadId(null)")
    send(chat, "close")
    expect(chat.locator(".ck-closed")).to_have_text("This conversation has ended.")
    expect(chat.locator("textarea")).to_have_count(0)


def test_structured_input_takes_over_the_composer(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "ask")
    form = chat.locator(".ck-structured")
    expect(form).to_contain_text("Which color?")
    expect(chat.locator("textarea.ck-textarea")).to_have_count(0)
    form.get_by_role("radio", name="blue").click()
    form.get_by_role("button", name="Submit").click()
    expect(chat.locator(".ck-assistant").last).to_contain_text("Answered: ['blue'] (answered)")
    expect(chat.locator("textarea.ck-textarea")).to_be_visible()


def test_workflow_and_progress(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "think")
    expect(chat.locator(".ck-progress")).to_contain_text("Looking things up")
    summary = chat.locator(".ck-workflow summary")
    expect(summary).to_contain_text("Reading sources")  # the live task while it runs
    expect(summary).to_contain_text("Thought for 3 seconds")
    expect(chat.locator(".ck-progress")).to_have_count(0)
    summary.click()
    tasks = chat.locator(".ck-workflow-tasks")
    expect(tasks).to_contain_text("Reading sources")
    expect(tasks.locator("em")).to_have_text("plausible")
    expect(chat.locator(".ck-assistant")).to_contain_text("Thought it through.")


def test_generated_image_with_progress(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "image")
    expect(chat.locator(".ck-generated progress")).to_be_visible()
    expect(chat.locator(".ck-generated figcaption")).to_contain_text("Generating image")
    expect(chat.locator(".ck-generated img")).to_be_visible()
    expect(chat.locator(".ck-generated progress")).to_have_count(0)


def test_disallowed_images_never_load_from_notices_thoughts_or_tasks(page: Any, live: Live) -> None:
    """An image URL is a request that can carry data out: the thread's allowed_image_domains
    apply to every Markdown the element renders, not only to assistant messages."""
    requested: list[str] = []
    pixel = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )

    def image(route: Any) -> None:
        requested.append(route.request.url)
        if "img.allowed.test" in route.request.url:
            route.fulfill(status=200, content_type="image/png", body=pixel)
        else:
            route.abort()

    page.route("https://img.allowed.test/**", image)
    page.route("https://evil.test/**", image)
    chat = open_chat(page, live.url)
    send(chat, "leak")
    expect(chat.locator(".ck-assistant")).to_contain_text("Pictures shown.")
    # The allowed images load (so these places do render images); Playwright answers the
    # routes while it waits, and the disallowed ones would have been asked for with them.
    page.wait_for_function(
        """() => {
             const root = document.querySelector('openai-chatkit').shadowRoot;
             const loaded = [...root.querySelectorAll('img[src*="img.allowed.test"]')]
               .filter((img) => img.complete && img.naturalWidth > 0);
             return loaded.length === 3;
           }"""
    )
    allowed = {f"https://img.allowed.test/{w}.png" for w in ("notice", "thought", "task")}
    assert allowed <= set(requested)
    # ... the others never do: each stands as its alt text.
    assert not [url for url in requested if "evil.test" in url]
    for where in (".ck-notice", ".ck-workflow", ".ck-task-item"):
        expect(chat.locator(where).first).to_contain_text("leak")
        expect(chat.locator(f"{where} img[src*='evil.test']")).to_have_count(0)
