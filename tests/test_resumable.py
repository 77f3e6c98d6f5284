"""Resumable responses over real HTTP, through a proxy that cuts connections mid-stream."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from chatloom.http import create_app
from chatloom.responses import MemoryResponseLog, Responses
from chatloom.server import ChatKitServer
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    AssistantMessageContent,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)

from .live_server import serve
from .polling import eventually

CREATE = {
    "type": "threads.create",
    "params": {
        "input": {
            "content": [{"type": "input_text", "text": "Tell me a story"}],
            "attachments": [],
            "inference_options": {},
        }
    },
}
RESUMABLE_CREATE = {**CREATE, "metadata": {"chatloom.resumable": True}}
PRELUDE = 4  # thread.created, the user message, stream_options, thread.item.added


class GatedStory(ChatKitServer[Any]):
    """Ten deltas, then waits for the test's gate, then ten more and the finished item."""

    def __init__(self, responses: Responses) -> None:
        super().__init__(MemoryStore(), responses=responses)
        self.gate = threading.Event()
        self.runs = 0
        self.cancelled = threading.Event()

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        self.runs += 1
        item = AssistantMessageItem(
            id="msg_story", thread_id=thread.id, created_at=datetime.now(), content=[]
        )
        yield ThreadItemAddedEvent(item=item)
        words = [f"w{n} " for n in range(20)]
        for n, word in enumerate(words):
            if n == 10:
                while not self.gate.is_set():
                    await asyncio.sleep(0.005)
            yield ThreadItemUpdatedEvent(
                item_id=item.id,
                update=AssistantMessageContentPartTextDelta(content_index=0, delta=word),
            )
        item.content = [AssistantMessageContent(text="".join(words))]
        yield ThreadItemDoneEvent(item=item)

    async def handle_stream_cancelled(
        self, thread: ThreadMetadata, pending_items: list[ThreadItem], context: Any
    ) -> None:
        self.cancelled.set()
        await super().handle_stream_cancelled(thread, pending_items, context)


class CuttingProxy:
    """A TCP proxy on loopback; :meth:`cut` drops every connection open through it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.loop = asyncio.new_event_loop()
        self.writers: set[asyncio.StreamWriter] = set()
        self.port = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self.loop
        ).result(10)
        self.port = server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def cut(self) -> None:
        async def close_all() -> None:
            for writer in list(self.writers):
                writer.transport.abort()
            self.writers.clear()

        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(10)

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers |= {client_w, server_w}

        async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except OSError:
                pass
            finally:
                writer.transport.abort()

        await asyncio.gather(pump(client_r, server_w), pump(server_r, client_w))


def read_frames(response: httpx.Response, stop_after: int | None = None) -> list[bytes]:
    """Complete SSE frames (bytes, ``\\n\\n`` included) until the stream ends or is cut."""
    frames: list[bytes] = []
    buffer = b""
    try:
        for chunk in response.iter_bytes():
            buffer += chunk
            while b"\n\n" in buffer:
                frame, buffer = buffer.split(b"\n\n", 1)
                frames.append(frame + b"\n\n")
                if stop_after is not None and len(frames) >= stop_after:
                    return frames
    except httpx.TransportError:
        pass  # the proxy cut the connection
    return frames


def event_id(frame: bytes) -> str:
    first = frame.split(b"\n", 1)[0]
    assert first.startswith(b"id: "), frame
    return first[4:].decode()


@pytest.fixture
def story() -> GatedStory:
    return GatedStory(Responses())


@pytest.fixture
def base_url(story: GatedStory) -> Iterator[str]:
    with serve(create_app(story, serve_element=False)) as url:
        yield url


def resume(client: httpx.Client, last_event_id: str) -> httpx.Response:
    body = {"type": "responses.resume", "params": {"last_event_id": last_event_id}}
    return client.post("/chatkit", json=body)


def test_a_cut_connection_resumes_byte_for_byte(story: GatedStory, base_url: str) -> None:
    port = int(base_url.rsplit(":", 1)[1])
    with CuttingProxy(port) as proxy:
        proxied = httpx.Client(base_url=f"http://127.0.0.1:{proxy.port}", timeout=20)
        direct = httpx.Client(base_url=base_url, timeout=20)
        with proxied.stream("POST", "/chatkit", json=RESUMABLE_CREATE) as response:
            cookie = response.cookies["chatloom_uid"]
            proxied.cookies.set("chatloom_uid", cookie)
            direct.cookies.set("chatloom_uid", cookie)
            before = read_frames(response, stop_after=PRELUDE + 10)
            proxy.cut()  # the network blips mid-reply
        last_seen = event_id(before[-1])
        response_id = last_seen.split(":")[0]
        results: dict[str, list[bytes]] = {}

        def follow(name: str, client: httpx.Client, after: str) -> None:
            body = {"type": "responses.resume", "params": {"last_event_id": after}}
            with client.stream("POST", "/chatkit", json=body) as resumed:
                assert resumed.status_code == 200
                results[name] = read_frames(resumed)

        # The reconnecting client, and a second tab that follows from the start.
        readers = [
            threading.Thread(target=follow, args=("resumed", proxied, last_seen)),
            threading.Thread(target=follow, args=("tab", direct, f"{response_id}:0")),
        ]
        for reader in readers:
            reader.start()
        story.gate.set()  # the response goes on: replayed, then live, to both
        for reader in readers:
            reader.join(20)
        proxied.close()
        direct.close()

    assert before + results["resumed"] == results["tab"]
    assert len(results["tab"]) == PRELUDE + 20 + 1
    assert [event_id(frame) for frame in results["tab"]] == [
        f"{response_id}:{n}" for n in range(1, len(results["tab"]) + 1)
    ]
    assert story.runs == 1 and not story.cancelled.is_set()
    # Finished on the server as if nothing happened, once.
    with httpx.Client(base_url=base_url, cookies={"chatloom_uid": cookie}) as client:
        threads = client.post("/chatkit", json={"type": "threads.list", "params": {}}).json()
        thread_id = threads["data"][0]["id"]
        items = client.post(
            "/chatkit", json={"type": "items.list", "params": {"thread_id": thread_id}}
        ).json()["data"]
    assert [item["type"] for item in items] == ["assistant_message", "user_message"]
    assert items[0]["content"][0]["text"] == "".join(f"w{n} " for n in range(20))


def test_a_thread_loaded_mid_reply_names_the_running_response(
    story: GatedStory, base_url: str
) -> None:
    with httpx.Client(base_url=base_url, timeout=20) as client:
        with client.stream("POST", "/chatkit", json=RESUMABLE_CREATE) as response:
            frames = read_frames(response, stop_after=PRELUDE + 10)
        response_id = event_id(frames[0]).split(":")[0]
        thread_id = json.loads(frames[0].split(b"data: ", 1)[1])["thread"]["id"]
        get = {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}
        loaded = client.post("/chatkit", json=get).json()
        assert loaded["chatloom_running_response"] == response_id
        # A second tab attaches from the start and sees the reply finish.
        story.gate.set()
        tab = resume(client, f"{response_id}:0").content
        assert tab.count(b"\n\n") == PRELUDE + 20 + 1
        assert "chatloom_running_response" not in client.post("/chatkit", json=get).json()


def test_without_opting_in_a_stream_is_as_before(story: GatedStory, base_url: str) -> None:
    story.gate.set()
    with httpx.Client(base_url=base_url, timeout=20) as client:
        body = client.post("/chatkit", json=CREATE).content
    assert b"id: " not in body
    assert body.count(b"data: ") == PRELUDE + 20 + 1


def test_unknown_foreign_and_malformed_responses_are_not_found(
    story: GatedStory, base_url: str
) -> None:
    story.gate.set()
    with httpx.Client(base_url=base_url, timeout=20) as owner:
        first = owner.post("/chatkit", json=RESUMABLE_CREATE).content.split(b"\n\n")[0]
        response_id = event_id(first).split(":")[0]
        assert resume(owner, f"{response_id}:0").status_code == 200  # kept after it ended
        assert resume(owner, "resp_000000000000000000000000:0").status_code == 404
        assert resume(owner, f"{response_id}:999").status_code == 404
        assert resume(owner, "not-an-id").status_code == 404
    with httpx.Client(base_url=base_url, timeout=20) as stranger:
        refused = resume(stranger, f"{response_id}:0")
    assert refused.status_code == 404
    assert refused.json()["error"]["type"] == "not_found"


def test_an_ended_response_expires_after_its_retention() -> None:
    story = GatedStory(Responses(MemoryResponseLog(retention=0.05)))
    story.gate.set()
    with (
        serve(create_app(story, serve_element=False)) as url,
        httpx.Client(base_url=url, timeout=20) as client,
    ):
        first = client.post("/chatkit", json=RESUMABLE_CREATE).content.split(b"\n\n")[0]
        response_id = event_id(first).split(":")[0]
        eventually(
            lambda: resume(client, f"{response_id}:0").status_code == 404,
            what="the log to expire",
        )


def test_cancel_stops_a_response_that_has_no_connection(story: GatedStory, base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=20) as client:
        with client.stream("POST", "/chatkit", json=RESUMABLE_CREATE) as response:
            frames = read_frames(response, stop_after=PRELUDE + 10)
        response_id = event_id(frames[0]).split(":")[0]
        # The connection is gone and the response runs on, until the user's Stop.
        assert not story.cancelled.is_set()
        stop = {"type": "responses.cancel", "params": {"response_id": response_id}}
        assert client.post("/chatkit", json=stop).json() == {}
        eventually(story.cancelled.is_set, what="the response to be cancelled")
        assert client.post("/chatkit", json=stop).status_code == 404  # no longer running
        rest = resume(client, event_id(frames[-1])).content
    assert rest == b""  # nothing after what the user saw: the stream just ends
    with httpx.Client(base_url=base_url, timeout=20) as stranger:
        assert stranger.post("/chatkit", json=stop).status_code == 404


def test_resumption_off_answers_the_extension_with_501() -> None:
    class Plain(GatedStory):
        pass

    plain = Plain(Responses())
    plain.responses = None
    with (
        serve(create_app(plain, serve_element=False)) as url,
        httpx.Client(base_url=url, timeout=20) as client,
    ):
        assert resume(client, "resp_0:0").status_code == 501
