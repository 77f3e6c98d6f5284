"""Render performance of the element in headless Chromium against the real server.

1. Streaming: one assistant message of N Markdown tokens (5k, 10k, 20k), streamed as
   fast as the server can send them, after a short warm-up reply on the same page.
   Prints the main-thread scripting time per run
   (CDP Performance.ScriptDuration), its growth per 1k tokens (flat = linear), and the
   longest frame (the largest gap between animation frames, and any long task).
2. Opening a thread of 1,000 items (setThreadId to painted, best of 3 after a warm-up):
   as served (the newest page renders, older pages load on scroll-up), and with all
   1,000 items in one response.

Run after `make web`; needs Debian's chromium.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.scripted import ScriptedServer, user_text
from tests.live_server import serve

from chatloom.http import RequestContext, create_app
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
)

SIZES = (5_000, 10_000, 20_000)
THREAD_ITEMS = 1_000

BLOCKS = [
    "## Section {n}\n\n",
    "Here is a paragraph with **bold text**, *emphasis*, `inline code` and a "
    "[link](https://example.com/{n}) that keeps going for a while to look like prose.\n\n",
    "- first point about item {n}\n- second point with `code`\n- third point\n\n",
    "```python\ndef f{n}(x):\n    return x * {n}\n```\n\n",
    "| a | b |\n|---|---|\n| {n} | {n} |\n\n",
    "> a quoted remark number {n}\n\n",
]


def markdown_tokens(count: int) -> list[str]:
    """About `count` tokens of varied Markdown, split the way a model streams (words)."""
    tokens: list[str] = []
    n = 0
    while len(tokens) < count:
        for block in BLOCKS:
            text = block.format(n=n)
            tokens += [t for t in text.replace(" ", " \0").replace("\n", "\n\0").split("\0") if t]
        n += 1
    return tokens[:count]


class BenchServer(ScriptedServer):
    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        command, _, arg = user_text(input_user_message).partition(" ")
        if command != "bench":
            async for event in super().respond(thread, input_user_message, context):
                yield event
            return
        async for event in self.stream_text(thread, context, markdown_tokens(int(arg))):
            yield event


async def seed_thread(store: MemoryStore, context: Any) -> str:
    thread = ThreadMetadata(id="thr_big", title="Big thread", created_at=datetime.now())
    await store.save_thread(thread, context)
    body = "".join(BLOCKS).format(n=1)
    for i in range(THREAD_ITEMS // 2):
        await store.add_thread_item(
            thread.id,
            UserMessageItem(
                id=f"msg_u{i:04d}",
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[UserMessageTextContent(text=f"Question {i}")],
                inference_options={},
            ),
            context,
        )
        await store.add_thread_item(
            thread.id,
            AssistantMessageItem(
                id=f"msg_a{i:04d}",
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[AssistantMessageContent(text=f"Answer {i}\n\n{body}")],
            ),
            context,
        )
    return thread.id


FRAME_PROBE = """
window.__frames = {maxGap: 0, longTasks: [], last: 0, on: false};
function tick(t) {
  const f = window.__frames;
  if (f.on && f.last) f.maxGap = Math.max(f.maxGap, t - f.last);
  f.last = t;
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
for (const type of ['longtask', 'long-animation-frame']) {
  try {
    new PerformanceObserver((list) => {
      if (!window.__frames.on) return;
      for (const e of list.getEntries()) window.__frames.longTasks.push(e.duration);
    }).observe({type, buffered: false});
  } catch (e) {}
}
"""


def script_ms(cdp: Any) -> float:
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics["ScriptDuration"]) * 1000


def stream_run(browser: Any, url: str, tokens: int) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    page.add_init_script(FRAME_PROBE)
    page.goto(url + "/")
    page.wait_for_selector("openai-chatkit textarea")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.evaluate("document.addEventListener('chatkit.response.end', () => window.__done = true)")
    # Warm up (JIT, first layout) with a short reply, then measure in a new thread.
    page.evaluate("document.querySelector('openai-chatkit').sendUserMessage({text: 'bench 300'})")
    page.wait_for_function("window.__done === true")
    page.evaluate(
        "window.__done = false; document.querySelector('openai-chatkit').setThreadId(null)"
    )
    before = script_ms(cdp)
    page.evaluate("window.__frames.on = true; window.__frames.last = 0")
    page.evaluate(
        f"document.querySelector('openai-chatkit').sendUserMessage({{text: 'bench {tokens}'}})"
    )
    page.wait_for_function("window.__done === true", timeout=600_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    scripting = script_ms(cdp) - before
    frames = page.evaluate("window.__frames")
    rendered = page.locator("openai-chatkit .ck-assistant pre").count()
    page.close()
    return {
        "tokens": tokens,
        "script_ms": scripting,
        "max_frame_ms": float(frames["maxGap"]),
        "long_task_ms": max(frames["longTasks"], default=0.0),
        "code_blocks": rendered,
    }


OPEN_THREAD = """async (id) => {
  const el = document.querySelector('openai-chatkit');
  await el.setThreadId(null);
  const t0 = performance.now();
  await el.setThreadId(id);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
}"""

# Gathers every item over HTTP first, then answers threads.get_by_id from memory with all
# of them in one page, so the timing is the element's rendering alone.
SERVE_ALL_ITEMS = """async (id) => {
  const post = (body) => fetch('/chatkit', {method: 'POST', body: JSON.stringify(body),
    headers: {'Content-Type': 'application/json'}}).then((r) => r.json());
  const thread = await post({type: 'threads.get_by_id', params: {thread_id: id}});
  const items = [];
  for (let after = null; ; ) {
    const page = await post({type: 'items.list',
      params: {thread_id: id, order: 'asc', limit: 200, after}});
    items.push(...page.data);
    if (!page.has_more) break;
    after = page.after;
  }
  const json = JSON.stringify({...thread, items: {data: items, has_more: false}});
  const local = (url, init) => JSON.parse(init.body).type === 'threads.get_by_id'
    ? Promise.resolve(new Response(json, {headers: {'Content-Type': 'application/json'}}))
    : fetch(url, init);
  document.querySelector('openai-chatkit').setOptions(
    {api: {url: '/chatkit', domainKey: 'x', fetch: local}});
}"""


def open_run(browser: Any, url: str, thread_id: str, all_at_once: bool) -> tuple[float, int]:
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    page.goto(url + "/")
    page.wait_for_selector("openai-chatkit textarea")
    if all_at_once:
        page.evaluate(SERVE_ALL_ITEMS, thread_id)
    page.evaluate(OPEN_THREAD, thread_id)  # warm-up
    ms = min(float(page.evaluate(OPEN_THREAD, thread_id)) for _ in range(3))
    count = page.locator("openai-chatkit .ck-item").count()
    page.close()
    return ms, count


def main() -> int:
    store: MemoryStore = MemoryStore()
    server = BenchServer(store)
    user = RequestContext(user_id="bench")

    async def bench_user(request: Any) -> RequestContext:
        return user

    app = create_app(server, context=bench_user)
    thread_id = asyncio.run(seed_thread(store, user))
    chromium = shutil.which("chromium") or CHROMIUM
    with serve(app) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        print(f"streaming Markdown into one message ({browser.version}):")
        runs = [stream_run(browser, url, n) for n in SIZES]
        for r in runs:
            per_k = r["script_ms"] / (r["tokens"] / 1000)
            print(
                f"  {int(r['tokens']):>6} tokens: scripting {r['script_ms']:7.0f} ms "
                f"({per_k:5.1f} ms per 1k tokens), longest frame {r['max_frame_ms']:5.1f} ms, "
                f"longest task {r['long_task_ms']:5.1f} ms, code blocks {int(r['code_blocks'])}"
            )
        growth = runs[-1]["script_ms"] / runs[0]["script_ms"]
        size_ratio = runs[-1]["tokens"] / runs[0]["tokens"]
        print(f"  scripting grew {growth:.2f}x for {size_ratio:.0f}x the tokens")

        print("opening a 1,000-item thread:")
        newest_ms, newest_count = open_run(browser, url, thread_id, all_at_once=False)
        print(f"  as served (newest page): {newest_ms:5.0f} ms, {newest_count} items")
        all_ms, all_count = open_run(browser, url, thread_id, all_at_once=True)
        print(f"  all {THREAD_ITEMS} items in one response: {all_ms:5.0f} ms, {all_count} items")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
