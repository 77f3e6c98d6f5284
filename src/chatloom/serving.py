"""Serving limits: what a single connection may hold, and for how long.

Two parts, so that each works where it can:

* :class:`RequestDeadlines`, ASGI middleware that :func:`chatloom.http.create_app` and
  the hosted app install: a request body that stops arriving for ``body_idle_timeout``
  seconds, or takes longer than ``body_timeout`` in all, is answered 408 and its
  connection closed; a client that disconnects mid-body ends its request quietly
  (no ``ClientDisconnect`` traceback). It works under any ASGI server.
* :func:`uvicorn_config`, what the ``chatloom`` commands run: uvicorn with a deadline
  for request headers (uvicorn has none: a client sending half a request line held
  its connection forever), a keep-alive timeout, a header size cap and a cap on
  concurrent connections (503 beyond it).

Defaults are in :class:`ServingLimits`; ``docs/security.md`` lists them all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("chatloom.serving")


@dataclass(frozen=True)
class ServingLimits:
    header_timeout: float = 10.0
    """Seconds a connection may take to send a request's line and headers."""
    body_idle_timeout: float = 30.0
    """Seconds a request body may pause between two chunks."""
    body_timeout: float = 300.0
    """Seconds a whole request body may take (a 20 MiB upload at 70 KiB/s)."""
    keep_alive_timeout: float = 5.0
    """Seconds an idle keep-alive connection stays open."""
    max_connections: int = 500
    """Open connections (and running requests) beyond which uvicorn answers 503."""
    max_header_bytes: int = 64 * 1024
    """Size of a request's line and headers (uvicorn answers 400 beyond it)."""


DEFAULT_LIMITS = ServingLimits()
_APPLIED = "chatloom.request_deadlines"


class BodyTimeout(Exception):
    """The client stopped sending the request body, or sent it too slowly."""


class RequestDeadlines:
    """Bounds the time a request body may take; ends disconnected requests quietly.

    When nested (the ``chatloom`` command wraps an app that already has it), the
    outermost instance's limits apply and the innermost answers: Starlette's error
    middleware, between the two, would turn the timeout into a 500.
    """

    def __init__(self, app: ASGIApp, limits: ServingLimits = DEFAULT_LIMITS) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outermost = _APPLIED not in scope
        scope[_APPLIED] = True
        started = False
        body_done = False
        timed_out = False
        deadline = anyio.current_time() + self.limits.body_timeout

        async def bounded_receive() -> Message:
            nonlocal body_done, timed_out
            if body_done:  # e.g. a streaming response waiting for the disconnect
                return await receive()
            if timed_out:
                raise BodyTimeout
            wait = min(self.limits.body_idle_timeout, deadline - anyio.current_time())
            with anyio.move_on_after(max(wait, 0)):
                message = await receive()
                body_done = message["type"] != "http.request" or not message.get("more_body")
                return message
            timed_out = True
            raise BodyTimeout

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive if outermost else receive, tracking_send)
        except BodyTimeout:
            logger.info("Request body too slow from %s: answered 408", _client(scope))
            if not started:
                await _send_timeout(send)
        except ClientDisconnect:
            logger.debug("Client %s disconnected while sending a request", _client(scope))


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def _send_timeout(send: Send) -> None:
    error = {"type": "request_timeout", "message": "The request body arrived too slowly"}
    body = json.dumps({"error": error}, separators=(",", ":")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the rest of the body will never be read
    ]
    await send({"type": "http.response.start", "status": 408, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def uvicorn_config(
    app: Any, host: str, port: int, limits: ServingLimits = DEFAULT_LIMITS, **options: Any
) -> Any:
    """A ``uvicorn.Config`` for ``app`` with ``limits`` applied."""
    import uvicorn

    return uvicorn.Config(
        RequestDeadlines(app, limits),
        host=host,
        port=port,
        http=_protocol_with_header_deadline(limits.header_timeout),
        timeout_keep_alive=max(1, round(limits.keep_alive_timeout)),
        limit_concurrency=limits.max_connections,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        **options,
    )


def serve(
    app: Any, host: str, port: int, limits: ServingLimits = DEFAULT_LIMITS, **options: Any
) -> None:
    """Run ``app`` under uvicorn with ``limits`` until interrupted."""
    import uvicorn

    uvicorn.Server(uvicorn_config(app, host, port, limits, **options)).run()


_FLAG_HELP = {
    "header_timeout": "seconds to send a request's headers",
    "body_idle_timeout": "seconds a request body may pause",
    "body_timeout": "seconds a whole request body may take",
    "keep_alive_timeout": "seconds an idle connection stays open",
    "max_connections": "open connections before answering 503",
    "max_header_bytes": "size of a request's line and headers",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command-line options setting :class:`ServingLimits`."""
    group = parser.add_argument_group("serving limits (see docs/security.md)")
    for name, meaning in _FLAG_HELP.items():
        default = getattr(DEFAULT_LIMITS, name)
        kind = int if isinstance(default, int) else float
        flag = "--" + name.replace("_", "-")
        group.add_argument(flag, type=kind, default=default, help=f"{meaning} ({default})")


def limits_from(args: argparse.Namespace) -> ServingLimits:
    return ServingLimits(
        **{name: getattr(args, name) for name in ServingLimits.__dataclass_fields__}
    )


def _protocol_with_header_deadline(timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol, closing a connection that takes more than ``timeout``
    seconds to send a request's headers (on a new or a kept-alive connection)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderDeadlineProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def handle_events(self) -> None:
            super().handle_events()
            if not self._awaiting_headers():
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _awaiting_headers(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(timeout, self._expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expired(self) -> None:
            self._header_timer = None
            if self._awaiting_headers() and not self.transport.is_closing():
                client = self.client[0] if self.client else "unknown"
                logger.info(
                    "Closed a connection from %s: no request headers in %gs", client, timeout
                )
                self.transport.close()

    return HeaderDeadlineProtocol


__all__ = [
    "DEFAULT_LIMITS",
    "BodyTimeout",
    "RequestDeadlines",
    "ServingLimits",
    "add_arguments",
    "limits_from",
    "serve",
    "uvicorn_config",
]
