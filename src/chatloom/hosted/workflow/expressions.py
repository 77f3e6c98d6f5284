"""CEL in workflows: compiled once per source, and ``{{ … }}`` placeholders in text."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from typing import Any

from .. import cel

NAMESPACES = frozenset({"workflow", "state", "input"})


@functools.lru_cache(maxsize=4096)
def compiled(source: str) -> cel.Program:
    """The program for ``source`` (programs are immutable, so one per source is shared)."""
    return cel.compile(source)


def _placeholders(text: str) -> Iterator[tuple[int, int, str]]:
    """Each ``{{ … }}`` in ``text``: its span and the expression inside (a linear scan: the
    lazy regex that did this took quadratic time over many unclosed ``{{``)."""
    start = text.find("{{")
    while start != -1:
        end = text.find("}}", start + 2)
        if end == -1:
            return
        yield start, end + 2, text[start + 2 : end].strip()
        start = text.find("{{", end + 2)


def placeholders(text: str) -> Iterator[str]:
    """The expressions inside ``{{ … }}`` in ``text``."""
    for _start, _end, source in _placeholders(text):
        yield source


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def render_text(text: str, variables: Mapping[str, Any]) -> str:
    """``text`` with each ``{{ expression }}`` replaced by its value (JSON if not a string)."""
    pieces: list[str] = []
    last = 0
    for start, end, source in _placeholders(text):
        pieces += [text[last:start], _as_text(compiled(source).evaluate(variables))]
        last = end
    return "".join([*pieces, text[last:]])


__all__ = ["NAMESPACES", "compiled", "placeholders", "render_text"]
