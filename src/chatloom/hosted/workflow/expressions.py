"""CEL in workflows: compiled once per source, and ``{{ … }}`` placeholders in text."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .. import cel

NAMESPACES = frozenset({"workflow", "state", "input"})
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def compiled(source: str) -> cel.Program:
    """The program for ``source`` (programs are immutable, so one per source is shared)."""
    return cel.compile(source)


def placeholders(text: str) -> Iterator[str]:
    """The expressions inside ``{{ … }}`` in ``text``."""
    for match in _PLACEHOLDER.finditer(text):
        yield match.group(1).strip()


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def render_text(text: str, variables: Mapping[str, Any]) -> str:
    """``text`` with each ``{{ expression }}`` replaced by its value (JSON if not a string)."""
    return _PLACEHOLDER.sub(
        lambda match: _as_text(compiled(match.group(1).strip()).evaluate(variables)), text
    )


__all__ = ["NAMESPACES", "compiled", "placeholders", "render_text"]
