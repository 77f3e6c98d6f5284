"""The demo's help center: Markdown articles shipped with the package, searched with
SQLite full-text search (FTS5, ranked by BM25 with titles weighted up)."""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from importlib.resources import files

_STOPWORDS = frozenset(
    {"a", "an", "and", "are", "can", "do", "does", "for", "from", "how", "i", "in", "is", "it"}
    | {"my", "of", "on", "or", "the", "to", "what", "when", "where", "why", "with", "you"}
    | {"your", "me", "we"}
)


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    body: str


def load_articles() -> list[Article]:
    articles = []
    for entry in sorted(files("chatloom.demo").joinpath("articles").iterdir(), key=str):
        if entry.name.endswith(".md"):
            text = entry.read_text(encoding="utf-8")
            title, _, body = text.partition("\n")
            articles.append(Article(entry.name[:-3], title.lstrip("# ").strip(), body.strip()))
    return articles


def _match_expression(query: str) -> str | None:
    """The user's words as an FTS5 query: any word, as a prefix, quoted (so no operator
    or stray quote in the text can break the query)."""
    words = [w for w in re.findall(r"\w+", query.lower()) if w not in _STOPWORDS]
    if not words:
        return None
    return " OR ".join(f'"{word}"*' for word in dict.fromkeys(words))


class KnowledgeBase:
    def __init__(self, articles: list[Article] | None = None) -> None:
        self.articles = {a.slug: a for a in (articles if articles is not None else load_articles())}
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute(
            "CREATE VIRTUAL TABLE articles USING fts5(slug UNINDEXED, title, body, "
            "tokenize='porter unicode61')"
        )
        self._db.executemany(
            "INSERT INTO articles (slug, title, body) VALUES (?, ?, ?)",
            [(a.slug, a.title, a.body) for a in self.articles.values()],
        )

    def search(self, query: str, limit: int = 3) -> list[Article]:
        expression = _match_expression(query)
        if expression is None:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT slug FROM articles WHERE articles MATCH ? "
                "ORDER BY bm25(articles, 0, 8.0, 1.0) LIMIT ?",
                (expression, limit),
            ).fetchall()
        return [self.articles[slug] for (slug,) in rows]

    def get(self, slug: str) -> Article | None:
        return self.articles.get(slug)


__all__ = ["Article", "KnowledgeBase", "load_articles"]
