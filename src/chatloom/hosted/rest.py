"""The hosted REST surface, shape-compatible with OpenAI's ``/v1/chatkit`` API.

Server side (admin API key): create and cancel sessions; list, retrieve and delete
threads and list their items; chatloom's own addition, a thread's workflow run traces.
Browser side (client secret): the ChatKit protocol at
``/v1/chatkit/conversation``, rate limited per session. Every error uses OpenAI's
envelope, so the official SDKs raise their usual exceptions.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message

from ..http import BodyTooLarge, ChatKitEndpoint, preferred_locale, read_body
from ..server import ChatKitServer
from ..shared import RateLimiter, SharedStateUnavailable
from ..store import NotFoundError, StoreUnavailable
from ..types import Page, SortOrder, Thread, to_wire_json
from ..untrusted import parse_count, parse_json
from .api_objects import item_object, list_object, thread_object
from .credentials import AdminKeys, bearer_token
from .directory import DirectoryStore, ThreadDirectory
from .engine.state import WorkflowStateStore
from .engine.trace import MAX_RUNS_PER_THREAD, TraceStore
from .errors import APIError, from_validation, not_found, unavailable
from .ratelimit import SlidingWindowLimiter
from .sessions import Session, SessionCreateParams, SessionStore
from .workflow.loader import WorkflowError
from .workflow.model import Workflow
from .workflow.repository import WorkflowRepository

# Reading a thread or its items does not count against the per-session limit: with
# the default of 10 a client that loads its history would be throttled before typing.
UNCOUNTED_REQUESTS = frozenset({"threads.get_by_id", "threads.list", "items.list"})
# Tells chatloom's element when the client secret expires, so it asks for a new one
# before it does (OpenAI's element does not read it; it is harmless to others).
SECRET_EXPIRES_HEADER = "Chatloom-Secret-Expires-At"
MAX_BODY_BYTES = 8 * 1024 * 1024
ADMIN_FAILURES_PER_MINUTE = 10

logger = logging.getLogger("chatloom.hosted")


@dataclass(frozen=True)
class HostedContext:
    """The request context of the conversation endpoint: the session's user."""

    user_id: str
    session: Session
    locale: str | None = None
    request: Request | None = None

    @property
    def upload_max_bytes(self) -> int:
        """The session's ``file_upload.max_file_size``, which attachment stores enforce
        on the bytes they receive (see ``chatloom.attachments.policy.LimitsUploads``)."""
        return self.session.configuration.file_upload.max_file_size * 1024 * 1024


@dataclass(frozen=True)
class AdminContext:
    """The context admin calls read a thread with: its owner."""

    user_id: str


Handler = Callable[[Request], Awaitable[Response]]


def _api(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except APIError as error:
            return error.response()
        except StoreUnavailable as error:
            return unavailable(error).response()

    return wrapped


class ListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    after: str | None = None
    before: str | None = None
    limit: int = Field(default=20, ge=0, le=100)
    order: SortOrder = "desc"


class RunListQuery(ListQuery):
    limit: int = Field(default=20, ge=1, le=MAX_RUNS_PER_THREAD)
    item_id: str | None = Field(default=None, min_length=1, max_length=256)


class ThreadListQuery(ListQuery):
    user: str | None = Field(default=None, min_length=1, max_length=512)


def _query(model: type[ListQuery], request: Request) -> Any:
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as error:
        raise from_validation(error) from None


async def _bounded_body(request: Request) -> bytes:
    """The body, refused with 413 past ``MAX_BODY_BYTES`` before it is all read."""
    try:
        return await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise APIError(413, "Request body too large.", code="request_too_large") from None


def _replaying(request: Request, body: bytes) -> Request:
    """A copy of ``request`` whose body (already read) can be read again."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


async def _json_body(request: Request) -> Any:
    body = await _bounded_body(request)
    try:
        return parse_json(body or b"{}")
    except ValueError:
        raise APIError(400, "The request body is not valid JSON.", code="invalid_json") from None


def _check_state_variables(workflow: Workflow, values: Mapping[str, Any] | None) -> None:
    kinds = {"string": (str,), "number": (int, float), "boolean": (bool,)}
    for name, value in (values or {}).items():
        param = f"workflow.state_variables.{name}"
        declared = workflow.state.get(name)
        if declared is None:
            raise APIError(
                400, f"Unknown state variable '{name}' for workflow '{workflow.id}'.", param=param
            )
        allowed = kinds.get(declared.type)
        wrong_bool = isinstance(value, bool) and declared.type == "number"
        if allowed is None or not isinstance(value, allowed) or wrong_bool:
            raise APIError(400, f"State variable '{name}' must be a {declared.type}.", param=param)


class HostedAPI:
    """The routes of the hosted REST surface over the hosted components."""

    def __init__(
        self,
        *,
        server: ChatKitServer[Any],
        repository: WorkflowRepository,
        sessions: SessionStore,
        store: DirectoryStore,
        directory: ThreadDirectory,
        admin_keys: AdminKeys,
        limiter: RateLimiter,
        traces: TraceStore,
        states: WorkflowStateStore,
    ) -> None:
        self.server = server
        self.traces = traces
        self.states = states
        self.repository = repository
        self.sessions = sessions
        self.store = store
        self.directory = directory
        self.admin_keys = admin_keys
        self.limiter = limiter
        # Wrong admin keys per client address: guessing is throttled, not just logged.
        self.admin_failures = SlidingWindowLimiter()
        self.endpoint = ChatKitEndpoint(server, self._conversation_context, MAX_BODY_BYTES)
        # Files uploaded per session (for max_files), with the session's expiry.
        self._uploads: dict[str, tuple[int, int]] = {}

    def routes(self) -> list[Route]:
        admin = self._admin
        return [
            Route("/v1/chatkit/sessions", admin(self.create_session), methods=["POST"]),
            Route(
                "/v1/chatkit/sessions/{session_id}/cancel",
                admin(self.cancel_session),
                methods=["POST"],
            ),
            Route("/v1/chatkit/threads", admin(self.list_threads), methods=["GET"]),
            Route("/v1/chatkit/threads/{thread_id}", admin(self.get_thread), methods=["GET"]),
            Route("/v1/chatkit/threads/{thread_id}", admin(self.delete_thread), methods=["DELETE"]),
            Route(
                "/v1/chatkit/threads/{thread_id}/items",
                admin(self.list_items),
                methods=["GET"],
            ),
            Route(
                "/v1/chatkit/threads/{thread_id}/runs",
                admin(self.list_runs),
                methods=["GET"],
            ),
            Route("/v1/chatkit/conversation", _api(self.conversation), methods=["POST"]),
        ]

    # --- authentication -------------------------------------------------------------------

    def _admin(self, handler: Handler) -> Handler:
        async def checked(request: Request) -> Response:
            client = request.client.host if request.client else "unknown"
            wait = self.admin_failures.retry_after(client, ADMIN_FAILURES_PER_MINUTE)
            if wait is not None:  # refused before the key is even looked at
                raise APIError(
                    429,
                    "Too many requests with a wrong API key from this address.",
                    type="rate_limit_exceeded",
                    code="rate_limit_exceeded",
                    headers={"Retry-After": str(wait)},
                )
            key = bearer_token(request.headers.get("authorization"))
            if not self.admin_keys.accepts(key):
                self.admin_failures.acquire_now(client, ADMIN_FAILURES_PER_MINUTE)
                logger.warning(
                    "Refused %s to %s %s from %s",
                    "a wrong admin key" if key else "a request without an admin key",
                    request.method,
                    request.url.path,
                    client,
                )
                raise APIError(
                    401,
                    "Incorrect API key provided." if key else "You didn't provide an API key.",
                    code="invalid_api_key",
                )
            return await handler(request)

        return _api(checked)

    async def _session_of(self, request: Request) -> Session:
        secret = bearer_token(request.headers.get("authorization"))
        session = await self.sessions.by_secret(secret) if secret else None
        if session is None:
            raise APIError(401, "Invalid client secret.", code="invalid_client_secret")
        status = session.status()
        if status != "active":
            raise APIError(401, f"The ChatKit session has {status}.", code=f"session_{status}")
        if not self.repository.is_loaded(session.workflow_id, session.workflow_version):
            # Created at another instance: read its version here, off the event loop,
            # so the run resolves it from memory.
            await anyio.to_thread.run_sync(
                self.repository.resolve, session.workflow_id, session.workflow_version
            )
        return session

    # --- sessions ---------------------------------------------------------------------

    async def create_session(self, request: Request) -> Response:
        try:
            params = SessionCreateParams.model_validate(await _json_body(request))
        except ValidationError as error:
            raise from_validation(error) from None
        workflow_id, version = params.workflow.id, params.workflow.version
        try:
            # On a worker thread: the versions may live in a database.
            workflow = await anyio.to_thread.run_sync(self.repository.resolve, workflow_id, version)
        except LookupError as error:
            known = await anyio.to_thread.run_sync(self.repository.known, workflow_id)
            param = "workflow.version" if known else "workflow.id"
            raise APIError(
                404 if param == "workflow.id" else 400, str(error.args[0]), param=param
            ) from None
        except WorkflowError as error:
            raise APIError(400, str(error), param="workflow.id", code="invalid_workflow") from None
        _check_state_variables(workflow, params.workflow.state_variables)
        session, secret = await self.sessions.create(params, workflow.version)
        if workflow.code is not None:
            from .code.program import preload  # needs the [agents] extra

            preload(workflow.code)
        return JSONResponse(session.to_api(secret))

    async def cancel_session(self, request: Request) -> Response:
        session_id = request.path_params["session_id"]
        session = await self.sessions.cancel(session_id)
        if session is None:
            raise not_found(f"Chatkit Session with id '{session_id}' not found.")
        return JSONResponse(session.to_api())

    # --- threads ----------------------------------------------------------------------

    async def list_threads(self, request: Request) -> Response:
        query: ThreadListQuery = _query(ThreadListQuery, request)
        entries, has_more = await self.directory.page(
            user=query.user,
            limit=query.limit,
            order=query.order,
            after=query.after,
            before=query.before,
        )
        threads = []
        for entry in entries:
            try:
                thread = await self.store.load_thread(entry.thread_id, AdminContext(entry.user))
            except NotFoundError:
                continue  # deleted while we listed
            threads.append(thread_object(thread, entry.user))
        return JSONResponse(list_object(threads, has_more))

    async def _owner(self, thread_id: str) -> AdminContext:
        owner = await self.directory.owner(thread_id)
        if owner is None:
            raise not_found(f"Thread with id '{thread_id}' not found.")
        return AdminContext(owner)

    async def get_thread(self, request: Request) -> Response:
        thread_id = request.path_params["thread_id"]
        context = await self._owner(thread_id)
        thread = await self.store.load_thread(thread_id, context)
        return JSONResponse(thread_object(thread, context.user_id))

    async def delete_thread(self, request: Request) -> Response:
        thread_id = request.path_params["thread_id"]
        context = await self._owner(thread_id)
        # Through the protocol, so attachments go with the thread exactly as there.
        body = json.dumps({"type": "threads.delete", "params": {"thread_id": thread_id}})
        await self.server.process(body, context)
        await self.states.delete(thread_id)
        await self.traces.delete(thread_id)
        return JSONResponse({"id": thread_id, "object": "chatkit.thread.deleted", "deleted": True})

    async def list_runs(self, request: Request) -> Response:
        """The thread's workflow run traces, newest first (chatloom's own route)."""
        thread_id = request.path_params["thread_id"]
        query: RunListQuery = _query(RunListQuery, request)
        await self._owner(thread_id)
        runs = await self.traces.list(thread_id, query.limit, query.item_id)
        return JSONResponse(list_object(runs, has_more=False))

    async def list_items(self, request: Request) -> Response:
        thread_id = request.path_params["thread_id"]
        query: ListQuery = _query(ListQuery, request)
        context = await self._owner(thread_id)
        # The store pages forward from a cursor; "before" walks the other way and flips.
        backwards = query.before is not None
        order: SortOrder = query.order
        if backwards:
            order = "asc" if query.order == "desc" else "desc"
        cursor = query.before if backwards else query.after
        try:
            page = await self.store.load_thread_items(
                thread_id, cursor, query.limit, order, context
            )
        except NotFoundError:
            raise not_found(f"Item with id '{cursor}' not found.") from None
        items = [shown for item in page.data if (shown := item_object(item)) is not None]
        if backwards:
            items.reverse()
        return JSONResponse(list_object(items, page.has_more))

    # --- the conversation ---------------------------------------------------------------

    async def conversation(self, request: Request) -> Response:
        session = await self._session_of(request)
        body = await _bounded_body(request)
        document = _json_object(body)
        kind = document.get("type")
        if kind not in UNCOUNTED_REQUESTS:
            await self._count(session)
        if kind == "threads.list":
            shown = await self._recent_threads(session, document.get("params"))
            if shown is not None:
                return shown
        if kind == "attachments.create":
            params = document.get("params")
            size = params.get("size") if isinstance(params, dict) else None
            self._check_upload(session, size if isinstance(size, int) else None)
        request = _replaying(request, body)  # the endpoint reads the body again
        request.state.session = session
        response = await self.endpoint.handle(request)
        response.headers[SECRET_EXPIRES_HEADER] = str(session.expires_at)
        return response

    async def _recent_threads(self, session: Session, params: Any) -> Response | None:
        """``threads.list`` as the session's history settings allow: nothing when history
        is off, only the newest ``recent_threads`` when set (``None``: no limit applies)."""
        history = session.configuration.history
        if history.enabled and history.recent_threads is None:
            return None
        if not history.enabled or (isinstance(params, dict) and params.get("after")):
            return JSONResponse({"data": [], "has_more": False})
        limit = params.get("limit") if isinstance(params, dict) else None
        count = min(
            limit if isinstance(limit, int) and limit > 0 else 20, history.recent_threads or 0
        )
        page = await self.store.load_threads(count, None, "desc", AdminContext(session.user))
        threads = [
            Thread(**thread.model_dump(exclude={"metadata", "items"})) for thread in page.data
        ]
        return Response(to_wire_json(Page(data=threads)), media_type="application/json")

    async def _conversation_context(self, request: Request) -> HostedContext:
        session: Session = request.state.session
        return HostedContext(session.user, session, preferred_locale(request), request)

    async def files_context(self, request: Request) -> HostedContext:
        """The context of the attachment routes (``/v1/chatkit/files``): the client
        secret's session, counted against its rate limit; uploads checked against the
        session's ``file_upload`` settings."""
        session = await self._session_of(request)
        await self._count(session)
        if request.method == "POST":
            declared = parse_count(request.headers.get("content-length"))
            self._check_upload(session, declared)
        return HostedContext(session.user, session, preferred_locale(request), request)

    # --- per-session limits ---------------------------------------------------------------

    async def _count(self, session: Session) -> None:
        try:
            wait = await self.limiter.acquire(session.id, session.rate_limit)
        except SharedStateUnavailable as error:  # fail closed: no unlimited requests
            raise APIError(
                503,
                error.message,
                type="service_unavailable",
                code="rate_limiter_unavailable",
                headers={"Retry-After": str(error.retry_after)},
            ) from error
        if wait is not None:
            raise APIError(
                429,
                f"Rate limit reached for this session: {session.rate_limit} requests per minute.",
                type="rate_limit_exceeded",
                code="rate_limit_exceeded",
                headers={"Retry-After": str(wait)},
            )

    def _check_upload(self, session: Session, size: int | None) -> None:
        """Refuse an upload the session does not allow; count the ones it does."""
        settings = session.configuration.file_upload
        if not settings.enabled:
            raise APIError(403, "File uploads are not enabled for this session.")
        if size is not None and size > settings.max_file_size * 1024 * 1024:
            raise APIError(
                413,
                f"Files may be at most {settings.max_file_size} MB in this session.",
                code="file_too_large",
            )
        count = self._uploads.get(session.id, (0, 0))[0]
        if count >= settings.max_files:
            raise APIError(
                400,
                f"This session may upload at most {settings.max_files} files.",
                code="too_many_files",
            )
        if len(self._uploads) > 1000:  # forget sessions that have expired
            now = time.time()
            self._uploads = {k: v for k, v in self._uploads.items() if v[1] > now}
        self._uploads[session.id] = (count + 1, session.expires_at)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        document = parse_json(body)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


__all__ = [
    "SECRET_EXPIRES_HEADER",
    "UNCOUNTED_REQUESTS",
    "AdminContext",
    "HostedAPI",
    "HostedContext",
]
