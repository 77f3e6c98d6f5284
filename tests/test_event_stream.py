"""The SSE writer: paced frames leave at once, bursts leave together, slow readers
hold the producer back instead of filling the server's memory."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from chatloom.event_stream import FrameWriter
from chatloom.http import create_app
from chatloom.server import ChatKitServer
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    AssistantMessageContent,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)

from .live_server import serve
from .polling import eventually, eventually_async


class Recorder:
    """An ASGI ``send`` that keeps the bodies it was given."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.ended = False

    async def __call__(self, message: Any) -> None:
        if message["more_body"]:
            self.bodies.append(message["body"])
        else:
            self.ended = True


async def test_paced_frames_are_written_one_by_one_as_they_come() -> None:
    sent = Recorder()
    writer = FrameWriter(sent, max_delay=0.001, max_buffer=1 << 20)
    for n in range(5):
        await writer.write(b"frame %d\n\n" % n)
        assert sent.bodies[-1] == b"frame %d\n\n" % n  # out before the producer goes on
        await asyncio.sleep(0.002)  # the model thinking
    await writer.close()
    assert len(sent.bodies) == 5
    assert sent.ended


async def test_a_burst_leaves_in_few_writes_and_in_order() -> None:
    sent = Recorder()
    writer = FrameWriter(sent, max_delay=1.0, max_buffer=1 << 20)
    frames = [b"data: %d\n\n" % n for n in range(1000)]
    for frame in frames:
        await writer.write(frame)
    await writer.close()
    assert b"".join(sent.bodies) == b"".join(frames)
    assert len(sent.bodies) <= 2


async def test_the_end_of_a_burst_is_not_held_while_the_producer_waits() -> None:
    sent = Recorder()
    writer = FrameWriter(sent, max_delay=60.0, max_buffer=1 << 20)
    for n in range(10):
        await writer.write(b"%d" % n)
    # The producer now waits (a model thinking) without writing anything else.
    await eventually_async(lambda: b"".join(sent.bodies) == b"0123456789", what="burst flushed")
    await writer.close()


CHUNK = 64 * 1024
CHUNKS = 256  # a 16 MiB reply


class Firehose(ChatKitServer[Any]):
    """A 16 MiB reply produced as fast as the writer takes it; counts what it produced."""

    def __init__(self) -> None:
        super().__init__(MemoryStore())
        self.produced = 0

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        item = AssistantMessageItem(
            id="msg_big", thread_id=thread.id, created_at=datetime.now(), content=[]
        )
        yield ThreadItemAddedEvent(item=item)
        for _ in range(CHUNKS):
            self.produced += 1
            yield ThreadItemUpdatedEvent(
                item_id=item.id,
                update=AssistantMessageContentPartTextDelta(content_index=0, delta="x" * CHUNK),
            )
        item.content = [AssistantMessageContent(text="(long)")]
        yield ThreadItemDoneEvent(item=item)


@pytest.fixture
def firehose() -> Firehose:
    return Firehose()


@pytest.fixture
def firehose_url(firehose: Firehose) -> Iterator[str]:
    with serve(create_app(firehose, serve_element=False)) as url:
        yield url


def test_a_client_that_stops_reading_holds_the_producer_back(
    firehose: Firehose, firehose_url: str
) -> None:
    body = json.dumps(
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": "big"}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        }
    ).encode()
    port = int(firehose_url.rsplit(":", 1)[1])
    with socket.socket() as reader:
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        reader.connect(("127.0.0.1", port))
        reader.sendall(
            b"POST /chatkit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        first = reader.recv(1024)
        assert first.startswith(b"HTTP/1.1 200")
        # The client reads nothing more. The producer must come to a stop...
        with httpx.Client(base_url=firehose_url, timeout=10) as client:
            last = [-1]

            def stopped() -> int | None:
                for _ in range(10):  # the server keeps answering meanwhile
                    assert client.get("/healthz").status_code == 200
                level, last[0] = last[0], firehose.produced
                return level if level == firehose.produced and level > 0 else None

            level = eventually(stopped, what="the producer to stop while the client reads nothing")
        # ...after at most the kernel's socket buffers (up to 4 MiB here) plus the
        # server's own bounded buffers, far from the whole reply.
        assert level * CHUNK <= 6 * 1024 * 1024, f"{level} chunks produced for a stalled reader"
        # Reading again gets the whole reply.
        received = bytearray(first)
        while chunk := reader.recv(1 << 20):
            received += chunk
    assert firehose.produced == CHUNKS
    assert received.count(b'"delta":"xxx') == CHUNKS
    assert b'"type":"thread.item.done"' in received[-4096:]
