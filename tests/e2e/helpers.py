"""Small helpers shared by the browser tests.

Waiting: browser state is waited for with Playwright (`expect`, `page.wait_for_function`),
which dispatches page events and routes while it waits; server state with
`tests.polling.eventually`, which sleeps between polls and so must not wait on anything
a Playwright handler (`page.on`, `page.route`) has yet to record.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chatloom.http import USER_COOKIE, RequestContext
from chatloom.store import Store
from chatloom.types import ThreadItem

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


def replies_finished(page: Any, count: int = 1) -> None:
    """Waits until ``count`` busy periods have ended (``chatkit.response.end``): the
    composer and its buttons are idle again."""
    page.wait_for_function(
        f"window.__events.filter(e => e.type === 'chatkit.response.end').length >= {count}"
    )


def stored_items(page: Any, store: Store[Any]) -> list[ThreadItem]:
    """The current thread's items as the server keeps them (hidden ones too)."""
    thread_id = events(page, "chatkit.thread.change")[-1]["detail"]["threadId"]
    user = next(c["value"] for c in page.context.cookies() if c["name"] == USER_COOKIE)
    load = store.load_thread_items(thread_id, None, 100, "asc", RequestContext(user_id=user))
    # Playwright's sync API runs an event loop on this thread: read from another one.
    with ThreadPoolExecutor(1) as pool:
        return list(pool.submit(asyncio.run, load).result().data)
