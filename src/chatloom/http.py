"""The ASGI app: the ChatKit endpoint, the element bundle, a default page, health checks.

``create_app(server)`` returns a Starlette app; run it with uvicorn or mount it in a
FastAPI/Starlette app (``app.mount("/chat", create_app(server))``).

Errors are JSON: ``{"error": {"type": ..., "message": ...}}`` with 400 (malformed or
invalid request), 404 (unknown or foreign thread, item, attachment), 409 (the request
does not apply to the thread's state), 413 (body too large), 501 (a hook the app does
not provide), 503 (the store's database is unreachable: retry) or 500. Nothing is
stored for a refused request.

``/healthz`` says the process is alive; ``/readyz`` says it can serve (its store
answers), for load balancers that route around an instance whose database is gone.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Protocol, runtime_checkable

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .anonymous import PROCESS_USERS, AnonymousUsers, user_cookie_key
from .errors import RequestError
from .event_stream import EventStreamResponse
from .server import ChatKitServer, StreamingResult
from .serving import DEFAULT_LIMITS, RequestDeadlines, ServingLimits
from .store import NotFoundError, Store, StoreUnavailable
from .untrusted import parse_count

logger = logging.getLogger("chatloom.http")

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
USER_COOKIE = "chatloom_uid"
CORS_HEADERS = ("Authorization", "Content-Type", "Accept-Language", "OpenAI-Beta")


@dataclass
class RequestContext:
    """What handlers and stores know about the request.

    Stores scope data to ``user_id``; handlers may also read ``locale`` and, for
    app-specific headers, ``request``.
    """

    user_id: str
    locale: str | None = None
    request: Request | None = field(default=None, repr=False, compare=False)


ContextFactory = Callable[[Request], Awaitable[Any]]


@runtime_checkable
class ServesFiles(Protocol):
    """An attachment store with routes of its own (uploads, previews, downloads) and
    upkeep to run while the app does (e.g. removing uploads never sent).

    :func:`create_app` mounts the routes and runs the lifespan of a server's
    attachment store that has both.
    """

    def routes(self, store: Store[Any], context: ContextFactory) -> Sequence[BaseRoute]: ...

    def lifespan(self, store: Store[Any]) -> AbstractAsyncContextManager[None]: ...


def _files_of(server: ChatKitServer[Any]) -> ServesFiles | None:
    attachment_store = server.attachment_store
    return attachment_store if isinstance(attachment_store, ServesFiles) else None


def preferred_locale(request: Request) -> str | None:
    """The first language of ``Accept-Language`` (the element sends exactly one)."""
    header = request.headers.get("accept-language", "")
    first = header.split(",", 1)[0].split(";", 1)[0].strip()
    return first or None


def _anonymous_users(request: Request) -> AnonymousUsers:
    app = request.scope.get("app")
    users = getattr(getattr(app, "state", None), "chatloom_anonymous_users", None)
    return users if isinstance(users, AnonymousUsers) else PROCESS_USERS


async def anonymous_browser_context(request: Request) -> RequestContext:
    """The default context: each browser is its own anonymous user (an HttpOnly cookie).

    Good for demos and single-tenant tools. Apps with accounts pass their own
    ``context`` factory that authenticates the request and names the user. The id in
    the cookie is signed (see :class:`AnonymousUsers`); any other value is replaced.
    """
    users = _anonymous_users(request)
    user_id = request.cookies.get(USER_COOKIE) or ""
    if not users.recognises(user_id):
        user_id = users.issue()
        request.state.new_user_cookie = user_id
    return RequestContext(user_id=user_id, locale=preferred_locale(request), request=request)


def error_response(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)


def unavailable_response(error: StoreUnavailable) -> JSONResponse:
    """503 for a store that cannot be reached; clients may retry after a second."""
    response = error_response(503, "service_unavailable", str(error))
    response.headers["Retry-After"] = "1"
    return response


def _validation_message(error: ValidationError) -> str:
    problems = []
    for detail in error.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(part) for part in detail["loc"])
        problems.append(f"{where}: {detail['msg']}" if where else detail["msg"])
    return "Invalid request: " + "; ".join(problems)


class BodyTooLarge(Exception):
    """The request body is over the limit (refused before it is all read)."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or :class:`BodyTooLarge` as soon as it passes ``limit`` bytes."""
    declared = parse_count(request.headers.get("content-length"))
    if declared is not None and declared > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


class ChatKitEndpoint:
    """``POST`` handler turning HTTP requests into ``server.process`` calls."""

    def __init__(
        self, server: ChatKitServer[Any], context: ContextFactory, max_body_bytes: int
    ) -> None:
        self.server = server
        self.context = context
        self.max_body_bytes = max_body_bytes

    async def handle(self, request: Request) -> Response:
        try:
            body = await read_body(request, self.max_body_bytes)
        except BodyTooLarge:
            return error_response(
                413, "request_too_large", f"Request body exceeds {self.max_body_bytes} bytes"
            )
        context = await self.context(request)
        try:
            result = await self.server.process(body, context)
        except ValidationError as error:
            return error_response(400, "invalid_request", _validation_message(error))
        except NotFoundError as error:
            return error_response(404, "not_found", str(error))
        except RequestError as error:
            return error_response(error.status_code, "invalid_request", error.message)
        except NotImplementedError as error:
            return error_response(501, "not_implemented", str(error) or "Not implemented")
        except StoreUnavailable as error:
            return unavailable_response(error)
        except Exception:
            logger.exception("Unhandled error in ChatKit request")
            return error_response(500, "server_error", "The server failed to handle the request")
        response: Response
        if isinstance(result, StreamingResult):
            response = EventStreamResponse(result.json_events)
        else:
            response = Response(result.json, media_type="application/json")
        set_user_cookie(request, response)
        return response


def set_user_cookie(request: Request, response: Response) -> None:
    """Remember a browser that :func:`anonymous_browser_context` just named."""
    user_id = getattr(request.state, "new_user_cookie", None)
    if user_id:
        response.set_cookie(
            USER_COOKIE,
            user_id,
            max_age=400 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )


class ElementFiles(StaticFiles):
    """The element bundle: entry points revalidate, content-hashed files cache forever."""

    IMMUTABLE_PREFIXES = ("chunks/", "katex-fonts/")

    def file_response(
        self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        path = scope["path"].lstrip("/")
        immutable = path.startswith(self.IMMUTABLE_PREFIXES)
        response.headers["Cache-Control"] = (
            "public, max-age=31536000, immutable" if immutable else "no-cache"
        )
        return response


# Inline, so a page load makes no /favicon.ico request (a 404 in every server log).
_ICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Cpath d='M2 3h12v8H7l-3 3v-3H2z' fill='%2318181b'/%3E%3C/svg%3E"
)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{icon}">
<style>html,body{{margin:0;height:100%}}openai-chatkit{{display:block;height:100%}}</style>
<link rel="modulepreload" href="{root}/chatkit.mjs">
<script src="{root}/chatkit.js" async></script>
</head>
<body>
<openai-chatkit></openai-chatkit>
<script>
(function () {{
  var options = {options};
{script}
  customElements.whenDefined("openai-chatkit").then(function () {{
    document.querySelector("openai-chatkit").setOptions(options);
  }});
}})();
</script>
</body>
</html>
"""


def _page_html(title: str, root: str, options: Mapping[str, Any], script: str) -> str:
    # Escape "<" so no option value can close the script element.
    encoded = json.dumps(options).replace("<", "\\u003c")
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PAGE.format(title=safe_title, icon=_ICON, root=root, options=encoded, script=script)


def create_app(
    server: ChatKitServer[Any],
    *,
    endpoint: str = "/chatkit",
    context: ContextFactory = anonymous_browser_context,
    page_options: Mapping[str, Any] | None = None,
    page_title: str = "chatloom",
    page_script: str = "",
    cors_origins: Sequence[str] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    routes: Sequence[BaseRoute] = (),
    serve_element: bool = True,
    user_cookie_secret: str | bytes | None = None,
    limits: ServingLimits = DEFAULT_LIMITS,
) -> Starlette:
    """The chatloom app for ``server``.

    ``context`` maps each request to the context passed to the server and store (the
    place for authentication). ``page_options`` are element options for the default
    page at ``/`` (``api.url`` is filled in; other ``api`` keys, e.g. ``uploadStrategy``,
    are kept). ``page_script`` is JavaScript the page runs with those options in
    ``options`` before passing them to the element: the place for function-valued
    options such as ``onClientTool``. ``cors_origins`` enables CORS for
    pages on other origins. ``routes`` are added before the element's static files.
    An attachment store that :class:`ServesFiles` gets its routes mounted and its
    lifespan run. ``user_cookie_secret`` signs the ids :func:`anonymous_browser_context`
    hands out (default: ``$CHATLOOM_COOKIE_SECRET``, else a key for this process).
    ``limits`` bound the time a request body may take (see :mod:`chatloom.serving`).
    """
    if "</script" in page_script.lower():
        raise ValueError("page_script must not contain </script>")
    chatkit = ChatKitEndpoint(server, context, max_body_bytes)
    files_store = _files_of(server)

    async def page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        given = page_options or {}
        api = {"domainKey": "local", **given.get("api", {}), "url": root + endpoint}
        response = HTMLResponse(_page_html(page_title, root, {**given, "api": api}, page_script))
        if context is anonymous_browser_context:
            # Name the browser before the element's first requests, which run in
            # parallel and would otherwise each invent a different anonymous user.
            await context(request)
            set_user_cookie(request, response)
        return response

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> JSONResponse:
        try:
            await server.store.check_ready()
        except StoreUnavailable as error:
            return unavailable_response(error)
        return JSONResponse({"status": "ready"})

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return error_response(error.status_code, "http_error", str(error.detail))

    app_routes: list[BaseRoute] = [
        Route(endpoint, chatkit.handle, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/readyz", ready, methods=["GET"]),
        *routes,
    ]
    if files_store is not None:
        app_routes.extend(files_store.routes(server.store, context))
    if serve_element:
        app_routes.append(Route("/", page, methods=["GET"]))
        static = files("chatloom") / "static"
        app_routes.append(Mount("/", ElementFiles(directory=str(static), check_dir=False)))
    middleware = [Middleware(RequestDeadlines, limits=limits)]
    if cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
                allow_headers=list(CORS_HEADERS),
                max_age=600,
            )
        )
    app = Starlette(
        routes=app_routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error},
        lifespan=_lifespan(files_store, server),
    )
    if context is anonymous_browser_context:
        app.state.chatloom_anonymous_users = AnonymousUsers(user_cookie_key(user_cookie_secret))
    return app


def _lifespan(
    files_store: ServesFiles | None, server: ChatKitServer[Any]
) -> Callable[[Starlette], AbstractAsyncContextManager[None]] | None:
    """The attachment store's upkeep, and draining resumable responses at shutdown."""
    responses = server.responses
    if files_store is None and responses is None:
        return None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if files_store is not None:
                await stack.enter_async_context(files_store.lifespan(server.store))
            yield
            if responses is not None:
                await responses.drain()

    return lifespan


__all__ = [
    "CORS_HEADERS",
    "DEFAULT_MAX_BODY_BYTES",
    "BodyTooLarge",
    "ChatKitEndpoint",
    "ContextFactory",
    "EventStreamResponse",
    "RequestContext",
    "ServesFiles",
    "anonymous_browser_context",
    "create_app",
    "error_response",
    "preferred_locale",
    "read_body",
    "set_user_cookie",
    "unavailable_response",
]
