"""Support tickets the demo's form opens, kept in SQLite next to the threads."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Literal

import anyio.to_thread
from pydantic import BaseModel, Field, field_validator

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


class TicketDesk:
    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS tickets (number INTEGER PRIMARY KEY AUTOINCREMENT, "
                "user_id TEXT NOT NULL, thread_id TEXT NOT NULL, subject TEXT NOT NULL, "
                "details TEXT NOT NULL, priority TEXT NOT NULL, created_at TEXT NOT NULL)"
            )

    def _open(self, user_id: str, thread_id: str, ticket: TicketRequest) -> int:
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO tickets (user_id, thread_id, subject, details, priority, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user_id,
                    thread_id,
                    ticket.subject,
                    ticket.details,
                    ticket.priority,
                    datetime.now().isoformat(),
                ),
            )
        return int(cursor.lastrowid or 0)

    async def open(self, user_id: str, thread_id: str, ticket: TicketRequest) -> int:
        """File a ticket; its number."""
        return await anyio.to_thread.run_sync(self._open, user_id, thread_id, ticket)

    def count(self, user_id: str) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM tickets WHERE user_id = ?", (user_id,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()


__all__ = ["Priority", "TicketDesk", "TicketRequest"]
