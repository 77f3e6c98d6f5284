"""Local file search: documents indexed in SQLite FTS5, searched with BM25.

A workflow declares stores (``stores: {kb: {path: kb}}``); the first search of a store
indexes its text files (``.md``, ``.txt``, ``.rst``, ``.html``, ``.json``), split into
paragraph-sized chunks, and re-indexes when a file changes. It is the embedded stand-in
for OpenAI's vector stores: no embeddings, no network, one SQLite file.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..database import Database

TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".rst", ".html", ".json"})
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 5000
CHUNK_CHARS = 1200
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchResult:
    id: str
    filename: str
    score: float
    text: str

    def as_output(self) -> dict[str, object]:
        return {"id": self.id, "filename": self.filename, "score": self.score, "text": self.text}


def _chunks(text: str) -> list[str]:
    """Paragraphs packed into chunks of about ``CHUNK_CHARS`` characters."""
    chunks: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if current and len(current) + len(paragraph) > CHUNK_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}" if current else paragraph
        while len(current) > 2 * CHUNK_CHARS:
            chunks.append(current[:CHUNK_CHARS])
            current = current[CHUNK_CHARS:]
    if current:
        chunks.append(current)
    return chunks


def _match_query(text: str) -> str | None:
    """A safe FTS5 query: every word quoted (no operators), any of them may match."""
    words = _WORD.findall(text.lower())[:32]
    return " OR ".join(f'"{word}"' for word in words) or None


_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5("
    " store UNINDEXED, filename UNINDEXED, chunk_id UNINDEXED, content,"
    " tokenize = 'porter unicode61');"
    "CREATE TABLE IF NOT EXISTS files ("
    " store TEXT, filename TEXT, stamp TEXT, PRIMARY KEY (store, filename));"
)


def _index(db: sqlite3.Connection, store: str, folder: Path) -> int:
    files = (
        sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES)
        if folder.is_dir()
        else ([folder] if folder.is_file() else [])
    )[:MAX_FILES]
    added = 0
    known = dict(db.execute("SELECT filename, stamp FROM files WHERE store = ?", (store,)))
    present = set()
    for path in files:
        name = str(path.relative_to(folder)) if folder.is_dir() else path.name
        present.add(name)
        stat = path.stat()
        stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
        if known.get(name) == stamp or stat.st_size > MAX_FILE_BYTES:
            continue
        db.execute("DELETE FROM chunks WHERE store = ? AND filename = ?", (store, name))
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, chunk in enumerate(_chunks(text)):
            db.execute(
                "INSERT INTO chunks (store, filename, chunk_id, content) VALUES (?,?,?,?)",
                (store, name, f"{name}#{number}", chunk),
            )
            added += 1
        db.execute(
            "INSERT OR REPLACE INTO files (store, filename, stamp) VALUES (?, ?, ?)",
            (store, name, stamp),
        )
    for gone in set(known) - present:
        db.execute("DELETE FROM chunks WHERE store = ? AND filename = ?", (store, gone))
        db.execute("DELETE FROM files WHERE store = ? AND filename = ?", (store, gone))
    return added


def _search(db: sqlite3.Connection, store: str, query: str, limit: int) -> list[SearchResult]:
    match = _match_query(query)
    if match is None:
        return []
    rows = db.execute(
        "SELECT chunk_id, filename, bm25(chunks), content FROM chunks "
        "WHERE chunks MATCH ? AND store = ? ORDER BY bm25(chunks) LIMIT ?",
        (match, store, limit),
    ).fetchall()
    # bm25() is lower for better matches; report higher-is-better scores.
    return [SearchResult(row[0], row[1], round(-float(row[2]), 4), row[3]) for row in rows]


class DocumentIndex:
    """Named stores of documents in one SQLite file (``:memory:`` by default)."""

    def __init__(self, path: str = ":memory:") -> None:
        self._db = Database(path, schema=_SCHEMA)

    def index_sync(self, store: str, folder: Path) -> int:
        """Bring ``store`` up to date with the text files under ``folder``; chunks indexed."""
        return self._db.run_sync(lambda db: _index(db, store, folder))

    def search_sync(self, store: str, query: str, limit: int) -> list[SearchResult]:
        return self._db.run_sync(lambda db: _search(db, store, query, limit))

    async def search(self, store: str, folder: Path, query: str, limit: int) -> list[SearchResult]:
        """Search ``store``, indexing what changed under ``folder`` first."""

        def work(db: sqlite3.Connection) -> list[SearchResult]:
            _index(db, store, folder)
            return _search(db, store, query, limit)

        return await self._db.run(work)


__all__ = ["DocumentIndex", "SearchResult"]
