"""ChatKit sessions: what ``POST /v1/chatkit/sessions`` accepts, stores and answers.

The request and response shapes, defaults and limits are those of OpenAI's hosted API
(``SessionCreateParams`` and ``ChatSession``). A session binds a client secret to one
end user and one workflow version; it expires after at most 600 seconds, or when it
is cancelled. Only the secret's digest is stored.
"""

from __future__ import annotations

import json
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from ..database import Database
from .credentials import digest, new_client_secret, new_id

MAX_LIFETIME = 600
DEFAULT_RATE_LIMIT = 10
MAX_FILE_SIZE_MB = 512
DEFAULT_MAX_FILES = 10

StateValue = (
    Annotated[StrictStr, Field(max_length=10_485_760)] | StrictInt | StrictFloat | StrictBool
)
StateKey = Annotated[str, Field(min_length=1, max_length=64)]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tracing(_Params):
    enabled: bool = True


class WorkflowParam(_Params):
    id: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1)] | None = None
    state_variables: dict[StateKey, StateValue] | None = None
    tracing: Tracing = Tracing()


class Toggle(_Params):
    enabled: bool = True


class FileUpload(_Params):
    enabled: bool = False
    max_file_size: Annotated[int, Field(ge=1, le=MAX_FILE_SIZE_MB)] = MAX_FILE_SIZE_MB
    max_files: Annotated[int, Field(ge=1)] = DEFAULT_MAX_FILES


class History(_Params):
    enabled: bool = True
    recent_threads: Annotated[int, Field(ge=1)] | None = None


class ChatKitConfiguration(_Params):
    automatic_thread_titling: Toggle = Toggle()
    file_upload: FileUpload = FileUpload()
    history: History = History()


class ExpiresAfter(_Params):
    anchor: Literal["created_at"]
    seconds: Annotated[int, Field(ge=1, le=MAX_LIFETIME)]


class RateLimits(_Params):
    max_requests_per_1_minute: Annotated[int, Field(ge=1)] = DEFAULT_RATE_LIMIT


class SessionCreateParams(_Params):
    """The body of ``POST /v1/chatkit/sessions``; unknown fields are refused."""

    user: Annotated[str, Field(min_length=1, max_length=512)]
    workflow: WorkflowParam
    chatkit_configuration: ChatKitConfiguration = ChatKitConfiguration()
    expires_after: ExpiresAfter | None = None
    rate_limits: RateLimits = RateLimits()


Status = Literal["active", "expired", "cancelled"]


@dataclass(frozen=True)
class Session:
    id: str
    user: str
    workflow_id: str
    workflow_version: str  # resolved at creation: a published number or "draft"
    state_variables: dict[str, Any] | None
    tracing: bool
    configuration: ChatKitConfiguration
    rate_limit: int
    created_at: int
    expires_at: int
    cancelled: bool = False
    secret_digest: str = field(default="", repr=False)

    def status(self, now: float | None = None) -> Status:
        if self.cancelled:
            return "cancelled"
        if (time.time() if now is None else now) >= self.expires_at:
            return "expired"
        return "active"

    def to_api(self, client_secret: str = "", now: float | None = None) -> dict[str, Any]:
        """The ``ChatSession`` object, plus ``expires_after`` for apps that pass it on.

        The secret itself is only known when the session is created; later answers
        (cancel) carry an empty string in its place.
        """
        return {
            "id": self.id,
            "object": "chatkit.session",
            "client_secret": client_secret,
            "expires_at": self.expires_at,
            "expires_after": {"anchor": "created_at", "seconds": self.expires_at - self.created_at},
            "status": self.status(now),
            "user": self.user,
            "workflow": {
                "id": self.workflow_id,
                "version": self.workflow_version,
                "state_variables": self.state_variables,
                "tracing": {"enabled": self.tracing},
            },
            "rate_limits": {"max_requests_per_1_minute": self.rate_limit},
            "max_requests_per_1_minute": self.rate_limit,
            "chatkit_configuration": self.configuration.model_dump(),
        }

    def to_row(self) -> str:
        data = {**self.__dict__, "configuration": self.configuration.model_dump()}
        return json.dumps(data)

    @classmethod
    def from_row(cls, text: str) -> Session:
        data = json.loads(text)
        data["configuration"] = ChatKitConfiguration.model_validate(data["configuration"])
        return cls(**data)


class SessionStore(ABC):
    """Sessions, found by id or by the digest of their secret (the secret is never kept).

    Implementations: :class:`SQLiteSessionStore` (embedded) and
    :class:`chatloom.hosted.postgres.PostgresSessionStore`.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    async def create(
        self, params: SessionCreateParams, workflow_version: str
    ) -> tuple[Session, str]:
        """A new session and its client secret (shown once, never stored)."""
        secret = new_client_secret()
        now = int(self.clock())
        lifetime = params.expires_after.seconds if params.expires_after else MAX_LIFETIME
        session = Session(
            id=new_id("cksess"),
            user=params.user,
            workflow_id=params.workflow.id,
            workflow_version=workflow_version,
            state_variables=params.workflow.state_variables,
            tracing=params.workflow.tracing.enabled,
            configuration=params.chatkit_configuration,
            rate_limit=params.rate_limits.max_requests_per_1_minute,
            created_at=now,
            expires_at=now + lifetime,
            secret_digest=digest(secret),
        )
        # Expired sessions are useless a day after their lifetime: dropped as we go.
        await self.insert(session, drop_expired_before=now - 86_400)
        return session, secret

    async def by_secret(self, client_secret: str) -> Session | None:
        return await self.by_digest(digest(client_secret))

    async def cancel(self, session_id: str) -> Session | None:
        session = await self.get(session_id)
        if session is None:
            return None
        cancelled = replace(session, cancelled=True)
        await self.update(cancelled)
        return cancelled

    @abstractmethod
    async def insert(self, session: Session, *, drop_expired_before: int) -> None:
        """Store a new session; delete sessions that expired before the given time."""

    @abstractmethod
    async def get(self, session_id: str) -> Session | None: ...

    @abstractmethod
    async def by_digest(self, secret_digest: str) -> Session | None: ...

    @abstractmethod
    async def update(self, session: Session) -> None:
        """Replace the stored session with the same id."""


class SQLiteSessionStore(SessionStore):
    """Sessions in the hosted SQLite database."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self.database = database
        database.run_sync(
            lambda db: db.execute(
                "CREATE TABLE IF NOT EXISTS chatkit_sessions ("
                " id TEXT PRIMARY KEY, secret_digest TEXT NOT NULL UNIQUE,"
                " expires_at INTEGER NOT NULL, data TEXT NOT NULL)"
            )
        )

    async def insert(self, session: Session, *, drop_expired_before: int) -> None:
        def insert(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM chatkit_sessions WHERE expires_at < ?", (drop_expired_before,))
            db.execute(
                "INSERT INTO chatkit_sessions (id, secret_digest, expires_at, data) "
                "VALUES (?, ?, ?, ?)",
                (session.id, session.secret_digest, session.expires_at, session.to_row()),
            )

        await self.database.run(insert)

    async def _one(self, column: str, value: str) -> Session | None:
        row = await self.database.run(
            lambda db: db.execute(
                f"SELECT data FROM chatkit_sessions WHERE {column} = ?", (value,)
            ).fetchone()
        )
        return None if row is None else Session.from_row(row[0])

    async def get(self, session_id: str) -> Session | None:
        return await self._one("id", session_id)

    async def by_digest(self, secret_digest: str) -> Session | None:
        return await self._one("secret_digest", secret_digest)

    async def update(self, session: Session) -> None:
        await self.database.run(
            lambda db: db.execute(
                "UPDATE chatkit_sessions SET data = ? WHERE id = ?", (session.to_row(), session.id)
            )
        )


__all__ = [
    "DEFAULT_RATE_LIMIT",
    "MAX_LIFETIME",
    "ChatKitConfiguration",
    "SQLiteSessionStore",
    "Session",
    "SessionCreateParams",
    "SessionStore",
]
