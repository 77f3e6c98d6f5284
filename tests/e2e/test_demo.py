"""The demo (``chatloom demo``) in Chromium with the embedded model: the page's own
client tool handler answers the browser check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatloom.agents import LocalProvider
from chatloom.demo import create_demo_app
from tests.live_server import serve

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture
def demo_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    app = create_demo_app(tmp_path / "var", provider=LocalProvider(max_tokens=16, seed=1))
    with serve(app) as url:
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "/")
        yield page
        context.close()
    assert not errors, f"uncaught page errors: {errors}"


def test_browser_check_runs_the_pages_client_tool(demo_page: Any) -> None:
    page = demo_page
    page.get_by_role("button", name="Tools").click()
    page.get_by_text("Check my browser").click()
    page.get_by_placeholder("Anything to add? (optional)").fill("The app looks broken")
    page.keyboard.press("Enter")
    page.get_by_text("Your browser").wait_for(timeout=60_000)
    page.get_by_text("Everything the web app needs is in place.").wait_for(timeout=10_000)
    # What the page's handler reported, e.g. the browser's language.
    assert page.get_by_text("en-US").first.is_visible()
    page.get_by_text("Sources").first.wait_for(timeout=60_000)
