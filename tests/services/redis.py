"""A throwaway ``redis-server`` for the tests: one per session on a free loopback port.

No persistence (``save ""``, no AOF): it starts in a few hundredths of a second. Each
test that takes ``redis_url`` gets an empty server (``FLUSHALL`` first). A test that
stops Redis on purpose takes its own with ``redis_factory`` and never disturbs the
session's.

Without ``redis-server`` the tests fail with the fix (``make redis``); they are never
skipped silently.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..live_server import free_port

MISSING = "redis-server is not installed: run `make redis` (apt-get install -y redis-server)."


@dataclass
class RedisServer:
    """One ``redis-server`` process; ``stop()`` and ``start()`` keep its port."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(MISSING, pytrace=False)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def command(self, *words: str) -> bytes:
        """Send one inline command and return the raw reply (no client library needed)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(" ".join(words).encode() + b"\r\n")
            return sock.recv(65536)

    def ping(self) -> bool:
        try:
            return self.command("PING").startswith(b"+PONG")
        except OSError:
            return False


def start_redis() -> RedisServer:
    server = RedisServer(Path(tempfile.mkdtemp(prefix="chatloom-redis-")), free_port())
    server.start()
    return server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of the session's server, emptied for this test."""
    if not redis_server.ping():  # a test stopped it: bring it back
        redis_server.start()
    redis_server.command("FLUSHALL")
    return redis_server.url


@pytest.fixture
def redis_factory() -> Iterator[Callable[[], RedisServer]]:
    """Servers of a test's own (to stop, restart, kill); all stopped afterwards."""
    servers: list[RedisServer] = []

    def make() -> RedisServer:
        servers.append(start_redis())
        return servers[-1]

    yield make
    for server in servers:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
