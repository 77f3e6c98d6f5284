"""Run an ASGI app under a real uvicorn on a free loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import uvicorn

from tests.polling import eventually


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(
    app: Any, port: int | None = None, lifespan: Literal["on", "off"] = "off"
) -> Iterator[str]:
    """Yield the base URL (``http://127.0.0.1:<port>``) while the app is being served.

    ``lifespan="on"`` runs the app's startup and shutdown (background tasks).
    """
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def started() -> bool:
        if not thread.is_alive():
            raise RuntimeError("uvicorn exited before it started")
        return bool(server.started)

    eventually(started, what="uvicorn started")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
