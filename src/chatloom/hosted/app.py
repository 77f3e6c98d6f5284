"""``create_hosted_app``: the self-hosted stand-in for OpenAI's hosted ChatKit backend.

One ASGI app serving a folder of workflows: the ``/v1/chatkit`` REST surface (sessions,
threads, the conversation endpoint), the element bundle at ``/chatkit.js`` (so a page
swaps only its script tag), ``/healthz`` (alive) and ``/readyz`` (its database
answers). Point the official SDKs at it with ``base_url=<origin>/v1`` and an admin key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..agents.providers.base import ModelProvider
from ..config import DatabaseConfig, postgres_database
from ..database import Database
from ..http import CORS_HEADERS, ServesFiles
from ..serving import DEFAULT_LIMITS, RequestDeadlines, ServingLimits
from ..shared import RateLimiter
from ..store import AttachmentStore, Store, StoreUnavailable
from ..store.sqlite import SQLiteStore
from .credentials import AdminKeys
from .directory import DirectoryStore, SQLiteThreadDirectory, ThreadDirectory
from .documents import DocumentIndex
from .engine import Engine, SQLiteTraceStore, SQLiteWorkflowStateStore
from .engine.server import WorkflowServer
from .engine.state import WorkflowStateStore
from .engine.trace import TraceStore
from .errors import APIError, api_error_handler, unavailable
from .ratelimit import SlidingWindowLimiter
from .rest import SECRET_EXPIRES_HEADER, HostedAPI
from .sessions import SessionStore, SQLiteSessionStore
from .workflow.repository import WorkflowRepository


def workflow_repository(
    folder: str | Path, database: DatabaseConfig | None = None
) -> WorkflowRepository:
    """The drafts in ``folder``; published versions in PostgreSQL when ``database`` is,
    else in ``folder/versions``."""
    if database is not None and database.kind == "postgres":
        from .postgres import PostgresVersions

        return WorkflowRepository(folder, PostgresVersions(database.location))
    return WorkflowRepository(folder)


@dataclass
class _HostedState:
    """Where hosted mode keeps what outlives a request, all in one database."""

    store: Store[Any]
    sessions: SessionStore
    directory: ThreadDirectory
    states: WorkflowStateStore
    traces: TraceStore


def _hosted_state(
    database: DatabaseConfig | None, folder: Path | None, store: Store[Any] | None
) -> _HostedState:
    """PostgreSQL, a SQLite file, or (no configuration) SQLite files in ``folder`` or
    memory."""
    if database is not None and database.kind == "postgres":
        from ..store.postgres import PostgresStore
        from .postgres import PostgresSessionStore, PostgresThreadDirectory
        from .postgres_state import PostgresTraceStore, PostgresWorkflowStateStore

        shared = postgres_database(database)
        return _HostedState(
            store or PostgresStore(shared),
            PostgresSessionStore(shared),
            PostgresThreadDirectory(shared),
            PostgresWorkflowStateStore(shared),
            PostgresTraceStore(shared),
        )
    hosted: str | Path
    threads: str | Path
    if database is not None:
        hosted, threads = database.location, database.location
    else:
        hosted = folder / "hosted.sqlite3" if folder else ":memory:"
        threads = folder / "threads.sqlite3" if folder else ":memory:"
    sqlite = Database(hosted)
    return _HostedState(
        store or SQLiteStore(threads),
        SQLiteSessionStore(sqlite),
        SQLiteThreadDirectory(sqlite),
        SQLiteWorkflowStateStore(sqlite),
        SQLiteTraceStore(sqlite),
    )


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
    database: DatabaseConfig | None = None,
    limits: ServingLimits = DEFAULT_LIMITS,
) -> Starlette:
    """The hosted app for the workflows in a folder.

    ``admin_keys`` are the API keys servers use (plain keys are hashed at once, or pass
    an :class:`AdminKeys`). ``provider`` (and ``model``) run every agent. ``database``
    (see :func:`chatloom.config.database_config`) holds threads, sessions and the
    thread directory, and, for PostgreSQL, the published versions of a ``workflows``
    folder. Without it, ``data_dir`` keeps them in SQLite files there, and without
    either everything lives in memory. The document index stays under ``data_dir``.
    ``cors_origins`` are the pages allowed to call from
    other origins: the client secret is the credential, so ``*`` is the default.
    ``limits`` bound the time a request body may take (see :mod:`chatloom.serving`).
    An ``attachment_store`` that serves files (``DiskAttachmentStore(...,
    path="/v1/chatkit/files")``) gets its routes there, behind the client secret.
    ``limiter`` counts each session's requests: in process by default, a
    :class:`~chatloom.shared.redis.RedisRateLimiter` to share the limit between instances.
    """
    repository = (
        workflows
        if isinstance(workflows, WorkflowRepository)
        else workflow_repository(workflows, database)
    )
    keys = admin_keys if isinstance(admin_keys, AdminKeys) else AdminKeys.from_keys(admin_keys)
    folder = Path(data_dir) if data_dir is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    state = _hosted_state(database, folder, store)
    hosted_store = DirectoryStore(state.store, state.directory)
    engine = Engine(
        provider=provider,
        store=hosted_store,
        documents=DocumentIndex(str(folder / "documents.sqlite3") if folder else ":memory:"),
        documents_root=repository.folder,
        attachment_store=attachment_store,
        model=model,
        states=state.states,
        traces=state.traces,
    )
    server = WorkflowServer(hosted_store, repository, engine, attachment_store)
    api = HostedAPI(
        server=server,
        repository=repository,
        sessions=state.sessions,
        store=hosted_store,
        directory=state.directory,
        admin_keys=keys,
        limiter=limiter or SlidingWindowLimiter(),
        traces=engine.traces,
        states=engine.states,
    )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        try:
            await hosted_store.check_ready()
        except StoreUnavailable as error:
            return unavailable(error).response()
        return JSONResponse({"status": "ready"})

    routes: list[BaseRoute] = [
        *api.routes(),
        Route("/healthz", health, methods=["GET"]),
        Route("/readyz", ready, methods=["GET"]),
    ]
    served = attachment_store if isinstance(attachment_store, ServesFiles) else None
    if served is not None:
        routes += served.routes(hosted_store, api.files_context)
    if serve_element:
        static = files("chatloom") / "static"
        routes.append(Mount("/", StaticFiles(directory=str(static), check_dir=False)))
    middleware = [
        Middleware(RequestDeadlines, limits=limits),
        Middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=list(CORS_HEADERS),
            expose_headers=["Retry-After", SECRET_EXPIRES_HEADER],
            max_age=600,
        ),
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


__all__ = ["create_hosted_app", "workflow_repository"]
