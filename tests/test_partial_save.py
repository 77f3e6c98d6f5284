"""A reply survives its server going away: killed with SIGKILL mid-reply, the server
keeps what it had streamed (partial saves); stopped with SIGTERM, it lets resumable
replies whose client left finish (or, past the deadline, keeps their partial text)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatloom.http import RequestContext
from chatloom.store.sqlite import SQLiteStore
from chatloom.types import AssistantMessageItem, UserMessageItem

from .live_server import free_port
from .polling import eventually

APP = textwrap.dedent(
    """
    import asyncio, os
    from datetime import datetime
    from chatloom.http import create_app
    from chatloom.responses import Responses
    from chatloom.server import ChatKitServer
    from chatloom.store.sqlite import SQLiteStore
    from chatloom.types import (
        AssistantMessageContent, AssistantMessageContentPartTextDelta, AssistantMessageItem,
        ThreadItemAddedEvent, ThreadItemDoneEvent, ThreadItemUpdatedEvent,
    )

    class Slow(ChatKitServer):
        partial_save_interval = 0.2

        async def respond(self, thread, input_user_message, context):
            item = AssistantMessageItem(
                id="msg_slow", thread_id=thread.id, created_at=datetime.now(), content=[]
            )
            yield ThreadItemAddedEvent(item=item)
            words = [f"w{n} " for n in range(int(os.environ.get("CHAT_WORDS", "100000")))]
            for word in words:
                await asyncio.sleep(0.02)
                yield ThreadItemUpdatedEvent(
                    item_id=item.id,
                    update=AssistantMessageContentPartTextDelta(content_index=0, delta=word),
                )
            item.content = [AssistantMessageContent(text="".join(words))]
            yield ThreadItemDoneEvent(item=item)

    responses = None
    if "CHAT_DRAIN" in os.environ:
        responses = Responses(drain_seconds=float(os.environ["CHAT_DRAIN"]))
    app = create_app(
        Slow(SQLiteStore(os.environ["CHAT_DB"]), responses=responses), serve_element=False
    )
    """
)


def _start(tmp_path: Path, db: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    (tmp_path / "slow_app.py").write_text(APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "slow_app:app", "--port", str(port)],
        cwd=tmp_path,
        # One cookie key for every server of a test: a restarted server knows its users.
        env={
            **os.environ,
            "CHAT_DB": str(db),
            "PYTHONPATH": str(tmp_path),
            "CHATLOOM_COOKIE_SECRET": "partial-save-tests-cookie-key-0123456789",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    eventually(up, timeout=30, what="the server to start")
    return process, url


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "chat.sqlite3"


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def _stored_reply(db: Path, thread_id: str, user_id: str) -> tuple[list[Any], str]:
    store: SQLiteStore[Any] = SQLiteStore(db)
    try:
        page = asyncio.run(
            store.load_thread_items(thread_id, None, 20, "asc", RequestContext(user_id=user_id))
        )
    finally:
        store.close()
    replies = [item for item in page.data if isinstance(item, AssistantMessageItem)]
    return page.data, replies[0].content[0].text if replies else ""


CREATE = {
    "type": "threads.create",
    "params": {
        "input": {
            "content": [{"type": "input_text", "text": "Tell me everything"}],
            "attachments": [],
            "inference_options": {},
        }
    },
}
RESUMABLE_CREATE = {**CREATE, "metadata": {"chatloom.resumable": True}}


def test_sigkill_mid_reply_keeps_the_partial_text(
    tmp_path: Path, db: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    process, url = _start(tmp_path, db)
    processes.append(process)
    body = CREATE
    streamed = ""
    with (
        httpx.Client(base_url=url, timeout=10) as client,
        client.stream("POST", "/chatkit", json=body) as response,
    ):
        user_id = response.cookies["chatloom_uid"]
        thread_id = ""
        lines = response.iter_lines()
        for line in lines:
            if not line.startswith("data: "):
                continue
            event = json.loads(line[6:])
            if event["type"] == "thread.created":
                thread_id = event["thread"]["id"]
            elif event["type"] == "thread.item.updated":
                streamed += event["update"]["delta"]
                if streamed.count(" ") >= 10:
                    break

        def saved() -> str:
            return _stored_reply(db, thread_id, user_id)[1]

        eventually(saved, what="the partial reply to be saved while it streams")
        process.send_signal(signal.SIGKILL)
        process.wait()
        # What was already received plus whatever arrives before the socket closes.
        with contextlib.suppress(httpx.RemoteProtocolError):
            for line in lines:
                if line.startswith("data: "):
                    streamed += json.loads(line[6:])["update"]["delta"]

    items, text = _stored_reply(db, thread_id, user_id)
    assert isinstance(items[0], UserMessageItem)
    assert [item.id for item in items[1:]] == ["msg_slow"]
    assert text.strip() and streamed.startswith(text)

    # A restarted server shows the thread with the partial reply.
    restarted, url = _start(tmp_path, db)
    processes.append(restarted)
    with httpx.Client(base_url=url, timeout=10, cookies={"chatloom_uid": user_id}) as client:
        thread = client.post(
            "/chatkit", json={"type": "threads.get_by_id", "params": {"thread_id": thread_id}}
        ).json()
    assert [item["type"] for item in thread["items"]["data"]] == [
        "user_message",
        "assistant_message",
    ]
    assert thread["items"]["data"][1]["content"][0]["text"] == text


# uvicorn re-raises the signal it handled once it has shut down gracefully.
GRACEFUL_EXIT = (0, -signal.SIGTERM)


def _start_reply_and_leave(url: str) -> tuple[str, str]:
    """Starts a resumable reply, reads its first delta and disconnects: (user, thread)."""
    with (
        httpx.Client(base_url=url, timeout=10) as client,
        client.stream("POST", "/chatkit", json=RESUMABLE_CREATE) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("data: "):
                event = json.loads(line[6:])
                if event["type"] == "thread.created":
                    thread_id = event["thread"]["id"]
                if event["type"] == "thread.item.updated":
                    return response.cookies["chatloom_uid"], thread_id
    raise AssertionError("the reply did not start")


def test_sigterm_lets_a_reply_whose_client_left_finish(
    tmp_path: Path, db: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    process, url = _start(tmp_path, db, CHAT_WORDS="40", CHAT_DRAIN="60")
    processes.append(process)
    user_id, thread_id = _start_reply_and_leave(url)
    process.send_signal(signal.SIGTERM)  # a deploy
    assert process.wait(timeout=60) in GRACEFUL_EXIT
    _, text = _stored_reply(db, thread_id, user_id)
    assert text == "".join(f"w{n} " for n in range(40))  # finished, not cut


def test_sigterm_past_the_deadline_keeps_the_partial_reply(
    tmp_path: Path, db: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    process, url = _start(tmp_path, db, CHAT_DRAIN="0.5")
    processes.append(process)
    user_id, thread_id = _start_reply_and_leave(url)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) in GRACEFUL_EXIT
    _, text = _stored_reply(db, thread_id, user_id)
    assert text.startswith("w0 w1 ") and "w99999" not in text
