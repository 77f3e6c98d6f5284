"""Support tickets the demo's form opens, kept in SQLite next to the threads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from ..database import Database

Priority = Literal["low", "normal", "high"]


class TicketRequest(BaseModel):
    """The ticket form's values, as the client sends them (untrusted)."""

    subject: str = Field(min_length=3, max_length=120)
    details: str = Field(default="", max_length=4000)
    priority: Priority = "normal"

    @field_validator("subject", "details", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS tickets (number INTEGER PRIMARY KEY AUTOINCREMENT, "
    "user_id TEXT NOT NULL, thread_id TEXT NOT NULL, subject TEXT NOT NULL, "
    "details TEXT NOT NULL, priority TEXT NOT NULL, created_at TEXT NOT NULL)"
)


class TicketDesk:
    def __init__(self, path: str | Path) -> None:
        self._db = Database(path, schema=_SCHEMA)

    async def open(self, user_id: str, thread_id: str, ticket: TicketRequest) -> int:
        """File a ticket; its number."""
        values = (
            user_id,
            thread_id,
            ticket.subject,
            ticket.details,
            ticket.priority,
            datetime.now().isoformat(),
        )
        cursor = await self._db.run(
            lambda db: db.execute(
                "INSERT INTO tickets (user_id, thread_id, subject, details, priority, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
        )
        return int(cursor.lastrowid or 0)

    def count(self, user_id: str) -> int:
        row = self._db.run_sync(
            lambda db: db.execute(
                "SELECT COUNT(*) FROM tickets WHERE user_id = ?", (user_id,)
            ).fetchone()
        )
        return int(row[0])

    def close(self) -> None:
        self._db.close()


__all__ = ["Priority", "TicketDesk", "TicketRequest"]
