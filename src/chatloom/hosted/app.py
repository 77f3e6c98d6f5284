"""``create_hosted_app``: the self-hosted stand-in for OpenAI's hosted ChatKit backend.

One ASGI app serving a folder of workflows: the ``/v1/chatkit`` REST surface (sessions,
threads, the conversation endpoint), the element bundle at ``/chatkit.js`` (so a page
swaps only its script tag), and ``/healthz``. Point the official SDKs at it with
``base_url=<origin>/v1`` and an admin key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..agents.providers.base import ModelProvider
from ..database import Database
from ..http import CORS_HEADERS, ServesFiles
from ..shared import RateLimiter
from ..store import AttachmentStore, Store
from ..store.sqlite import SQLiteStore
from .credentials import AdminKeys
from .directory import DirectoryStore, ThreadDirectory
from .documents import DocumentIndex
from .engine.run import Engine
from .engine.server import WorkflowServer
from .errors import APIError, api_error_handler
from .ratelimit import SlidingWindowLimiter
from .rest import SECRET_EXPIRES_HEADER, HostedAPI
from .sessions import SessionStore
from .workflow.repository import WorkflowRepository


def create_hosted_app(
    workflows: str | Path | WorkflowRepository,
    *,
    admin_keys: AdminKeys | Iterable[str],
    provider: ModelProvider,
    model: str | None = None,
    data_dir: str | Path | None = None,
    store: Store[Any] | None = None,
    attachment_store: AttachmentStore[Any] | None = None,
    cors_origins: Sequence[str] = ("*",),
    serve_element: bool = True,
    limiter: RateLimiter | None = None,
) -> Starlette:
    """The hosted app for the workflows in a folder.

    ``admin_keys`` are the API keys servers use (plain keys are hashed at once, or pass
    an :class:`AdminKeys`). ``provider`` (and ``model``) run every agent. ``data_dir``
    keeps threads, sessions and the document index in SQLite files there; without it
    everything lives in memory. ``cors_origins`` are the pages allowed to call from
    other origins: the client secret is the credential, so ``*`` is the default.
    An ``attachment_store`` that serves files (``DiskAttachmentStore(...,
    path="/v1/chatkit/files")``) gets its routes there, behind the client secret.
    ``limiter`` counts each session's requests: in process by default, a
    :class:`~chatloom.shared.redis.RedisRateLimiter` to share the limit between instances.
    """
    repository = (
        workflows if isinstance(workflows, WorkflowRepository) else WorkflowRepository(workflows)
    )
    keys = admin_keys if isinstance(admin_keys, AdminKeys) else AdminKeys.from_keys(admin_keys)
    folder = Path(data_dir) if data_dir is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    database = Database(folder / "hosted.sqlite3" if folder else ":memory:")
    directory = ThreadDirectory(database)
    inner = store or SQLiteStore(folder / "threads.sqlite3" if folder else ":memory:")
    hosted_store = DirectoryStore(inner, directory)
    engine = Engine(
        provider=provider,
        store=hosted_store,
        documents=DocumentIndex(str(folder / "documents.sqlite3") if folder else ":memory:"),
        documents_root=repository.folder,
        attachment_store=attachment_store,
        model=model,
    )
    server = WorkflowServer(hosted_store, repository, engine, attachment_store)
    api = HostedAPI(
        server=server,
        repository=repository,
        sessions=SessionStore(database),
        store=hosted_store,
        directory=directory,
        admin_keys=keys,
        limiter=limiter or SlidingWindowLimiter(),
    )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    routes: list[BaseRoute] = [*api.routes(), Route("/healthz", health, methods=["GET"])]
    served = attachment_store if isinstance(attachment_store, ServesFiles) else None
    if served is not None:
        routes += served.routes(hosted_store, api.files_context)
    if serve_element:
        static = files("chatloom") / "static"
        routes.append(Mount("/", StaticFiles(directory=str(static), check_dir=False)))
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=list(CORS_HEADERS),
            expose_headers=["Retry-After", SECRET_EXPIRES_HEADER],
            max_age=600,
        )
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={APIError: api_error_handler},
        lifespan=None if served is None else _files_lifespan(served, hosted_store),
    )
    app.state.hosted = api
    return app


def _files_lifespan(
    served: ServesFiles, store: Store[Any]
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    return lambda app: served.lifespan(store)


__all__ = ["create_hosted_app"]
