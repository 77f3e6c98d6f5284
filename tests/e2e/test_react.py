"""The official @openai/chatkit-react bindings drive the element unchanged: a small
React page (web/harness, built with Vite) mounts it through useChatKit."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from chatloom.http import create_app
from chatloom.responses import Responses
from chatloom.store.memory import MemoryStore
from tests.e2e.scripted import ScriptedServer
from tests.live_server import serve

WEB = Path(__file__).resolve().parents[2] / "web"
HARNESS = WEB / "dist" / "react-harness"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def react_url() -> Iterator[str]:
    if not (HARNESS / "index.html").is_file():
        subprocess.run(
            ["npm", "run", "build:react-harness"], cwd=WEB, check=True, capture_output=True
        )
    server = ScriptedServer(MemoryStore())
    server.responses = Responses()  # resumable: the element inside resumes, React sees no change
    app = create_app(server, routes=[Mount("/react", StaticFiles(directory=HARNESS, html=True))])
    with serve(app) as url:
        yield url + "/react/"


def log(page: Any) -> list[str]:
    return list(page.evaluate("window.harnessLog"))


def test_use_chatkit_drives_the_element(page: Any, react_url: str) -> None:
    page.goto(react_url)
    chat = page.locator("openai-chatkit")
    expect(chat.get_by_role("heading", name="React harness")).to_be_visible()
    page.wait_for_function("window.harnessLog.includes('ready')")  # onReady is heard

    # Typing into the element's composer.
    box = chat.locator("textarea")
    box.fill("hello from the composer")
    box.press("Enter")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: hello from the composer")
    page.wait_for_function("window.harnessLog.includes('response.end')")
    entries = log(page)
    assert "response.start" in entries
    assert any(e.startswith("thread.change:thr") for e in entries)

    # The hook's methods: sendUserMessage, then setThreadId(null).
    page.locator("#send").click()
    expect(chat.locator(".ck-assistant").last).to_contain_text("You said: hello from react")
    page.locator("#new-thread").click()
    page.wait_for_function("window.harnessLog.includes('thread.change:null')")

    # Changing option data re-applies options (callbacks stay wired).
    page.locator("#greet").click()
    expect(chat.get_by_role("heading", name="Updated greeting")).to_be_visible()
    box.fill("tool now")
    box.press("Enter")
    expect(chat.locator(".ck-assistant").last).to_contain_text("'from': 'react'")
    assert log(page).count("ready") == 1
