"""Browser tests: a real chatloom app under uvicorn (scripted replies) and Debian's
Chromium driven by Playwright. Build the element first (`make web`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import pytest

from chatloom.http import create_app
from chatloom.store.memory import MemoryStore
from tests.e2e.scripted import ScriptedServer
from tests.live_server import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ELEMENT = files("chatloom") / "static" / "chatkit.mjs"


class Live:
    """The running app: its URL and the scripted server behind it."""

    def __init__(self, url: str, server: ScriptedServer) -> None:
        self.url = url
        self.server = server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not ELEMENT.is_file():
        pytest.fail("the element is not built: run `make web` (cd web && npm run build)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live() -> Iterator[Live]:
    server = ScriptedServer(MemoryStore(), token_delay=0.002)
    app = create_app(
        server,
        page_options={
            "startScreen": {
                "greeting": "Scripted test bench",
                "prompts": [{"label": "Say hello", "prompt": "hello there", "icon": "sparkle"}],
            },
            "threadItemActions": {"feedback": True, "retry": True},
        },
    )
    with serve(app) as url:
        yield Live(url, server)


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"uncaught page errors: {errors}"
