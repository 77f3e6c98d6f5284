"""Serving limits under a real uvicorn (as the ``chatloom`` commands run it): clients
that send half a request, stall mid-body or vanish do not hold the server."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from chatloom.http import create_app
from chatloom.server import ChatKitServer
from chatloom.serving import ServingLimits, uvicorn_config
from chatloom.store.memory import MemoryStore
from chatloom.types import ThreadMetadata, ThreadStreamEvent, UserMessageItem

from .live_server import free_port
from .polling import eventually


class Quiet(ChatKitServer[Any]):
    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        return
        yield


LIMITS = ServingLimits(header_timeout=1.0, body_idle_timeout=1.0, max_connections=20)


@contextmanager
def serving(limits: ServingLimits = LIMITS) -> Iterator[tuple[str, int]]:
    port = free_port()
    app = create_app(Quiet(MemoryStore()), serve_element=False)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, limits, log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually(lambda: server.started or not thread.is_alive(), what="uvicorn started")
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.05)
    try:
        data = sock.recv(4096)
    except TimeoutError:
        return False
    except OSError:
        return True
    return data == b"" or data.startswith(b"HTTP/1.1 408")


def test_half_sent_headers_do_not_hold_connections() -> None:
    with serving() as (url, port):
        # More half-sent requests than the server takes connections: without a header
        # deadline they hold every slot and /healthz is refused (503) for good.
        hostile = [socket.create_connection(("127.0.0.1", port)) for _ in range(25)]
        try:
            for sock in hostile:
                sock.sendall(b"POST /chatkit HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            eventually(lambda: all(closed_by_server(s) for s in hostile), timeout=10)
            eventually(lambda: healthy(url), timeout=5, what="/healthz answers")
        finally:
            for sock in hostile:
                sock.close()


def test_a_stalled_body_is_answered_408_and_closed() -> None:
    with serving() as (url, port):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                b"POST /chatkit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n" + b'{"type": "threads.list", '
            )
            assert healthy(url)  # the stalled request holds no one else up
            sock.settimeout(10)
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408")
        assert b'"type":"request_timeout"' in answer and b"connection: close" in answer.lower()


def test_a_client_leaving_mid_body_ends_its_request_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="chatloom.serving")
    slow = ServingLimits(body_idle_timeout=30)
    with serving(slow) as (url, port):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                b"POST /chatkit HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"{" * 10
            )
        eventually(lambda: "disconnected while sending" in caplog.text, timeout=10)
        assert healthy(url)
    assert "Exception in ASGI application" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_commands_take_every_limit_as_a_flag() -> None:
    import argparse

    from chatloom.serving import DEFAULT_LIMITS, add_arguments, limits_from

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert limits_from(parser.parse_args([])) == DEFAULT_LIMITS
    assert set(vars(parser.parse_args([]))) == set(ServingLimits.__dataclass_fields__)
    given = parser.parse_args(["--header-timeout", "3", "--max-connections", "7"])
    assert limits_from(given) == ServingLimits(header_timeout=3.0, max_connections=7)
