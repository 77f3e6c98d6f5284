"""Small helpers shared by the browser tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

EVENTS = [
    "chatkit.ready", "chatkit.error", "chatkit.effect", "chatkit.deeplink",
    "chatkit.response.start", "chatkit.response.end", "chatkit.history.open",
    "chatkit.history.close", "chatkit.thread.change", "chatkit.thread.load.start",
    "chatkit.thread.load.end", "chatkit.tool.change", "chatkit.log",
]  # fmt: skip

# Records every chatkit.* event (they bubble and are composed) before the page runs.
RECORDER = f"""
window.__events = [];
for (const name of {json.dumps(EVENTS)}) {{
  document.addEventListener(name, (e) => {{
    const d = e.detail;
    window.__events.push({{type: e.type, detail: d && d.error ? {{error: String(d.error.message)}} : d}});
  }});
}}
"""


def open_chat(page: Any, url: str) -> Any:
    """Opens the app's default page and waits until the element is ready."""
    page.add_init_script(RECORDER)
    page.goto(url + "/")
    page.wait_for_function("window.__events.some(e => e.type === 'chatkit.ready')")
    return page.locator("openai-chatkit")


def events(page: Any, name: str | None = None) -> list[dict[str, Any]]:
    recorded: list[dict[str, Any]] = page.evaluate("window.__events")
    return [e for e in recorded if name is None or e["type"] == name]


def send(chat: Any, text: str) -> None:
    box = chat.locator("textarea")
    box.fill(text)
    box.press("Enter")


def set_options(page: Any, options_js: str) -> None:
    """Replaces the element's options with a JS object literal (functions allowed); the
    app's `api` is filled in."""
    page.evaluate(
        "() => document.querySelector('openai-chatkit').setOptions("
        f"Object.assign({{api: {{url: '/chatkit', domainKey: 'local'}}}}, {options_js}))"
    )


def wait_until(page: Any, predicate: Callable[[], object], timeout_ms: int = 5000) -> None:
    """Waits for server-side state the page changed (requests finish after the UI)."""
    for _ in range(timeout_ms // 20):
        if predicate():
            return
        page.wait_for_timeout(20)
    raise AssertionError("condition not met in time")
