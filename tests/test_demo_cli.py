"""The ``chatloom`` command: ``serve`` loads a server or an app, ``demo`` starts the demo
(``python -m chatloom demo``) and prints its URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from chatloom.cli import load_app

from .live_server import free_port
from .polling import eventually

APP_MODULE = """
from collections.abc import AsyncIterator
from chatloom.server import ChatKitServer
from chatloom.store.memory import MemoryStore

class Quiet(ChatKitServer):
    async def respond(self, thread, message, context) -> AsyncIterator:
        return
        yield

server = Quiet(MemoryStore())
not_an_app = 42
"""


def test_load_app_accepts_a_server_or_an_asgi_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "myapp.py").write_text(APP_MODULE)
    monkeypatch.chdir(tmp_path)
    assert isinstance(load_app("myapp:server"), Starlette)
    with pytest.raises(SystemExit, match="neither a ChatKitServer nor an ASGI app"):
        load_app("myapp:not_an_app")
    with pytest.raises(SystemExit, match="has no attribute"):
        load_app("myapp:missing")
    with pytest.raises(SystemExit, match="Could not import"):
        load_app("nomodule:server")
    with pytest.raises(SystemExit, match="module:attribute"):
        load_app("myapp")


@pytest.mark.model
def test_python_m_chatloom_demo_serves_and_prints_its_url(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CHATLOOM_MODEL": ""}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chatloom",
            "demo",
            "--port",
            str(port),
            "--data",
            str(tmp_path / "data"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"chatloom demo on http://127.0.0.1:{port}/")

        def answer() -> httpx.Response | None:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            except httpx.TransportError:
                return None

        health = eventually(answer, timeout=20, what="the demo answers /healthz")
        assert health is not None
        assert health.json() == {"status": "ok"}
        assert "Lumen Notes Help" in httpx.get(f"http://127.0.0.1:{port}/").text
        assert (tmp_path / "data" / "chatloom.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
