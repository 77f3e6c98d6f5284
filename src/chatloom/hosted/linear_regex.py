"""Regular expressions that untrusted text reaches: RE2, so matching is linear in the text.

Python's ``re`` backtracks: ``(a|aa)+$`` or an e-mail pattern over ``a.a.a.…`` takes
exponential or quadratic time and, on the event loop, stalls every request. RE2 (the
dialect CEL specifies for ``matches``) never backtracks; it has no backreferences or
lookarounds, which is the price. Patterns and the text scanned are bounded here too.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

MAX_PATTERN_LENGTH = 1024
MAX_TEXT_LENGTH = 1 << 20  # characters scanned by one match (user messages are 8 MiB at most)
MAX_PROGRAM_MEMORY = 8 << 20  # bytes RE2 may use for one compiled pattern

_OPTIONS = re2.Options()
_OPTIONS.max_mem = MAX_PROGRAM_MEMORY
_OPTIONS.log_errors = False


class RegexError(ValueError):
    """A pattern RE2 refuses or that is too long, or a text too long to scan."""


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """``pattern`` compiled by RE2 (the returned object has ``re``'s matching methods)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexError(f"regular expression longer than {MAX_PATTERN_LENGTH} characters")
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise RegexError(f"invalid regular expression: {detail}") from None


def bounded(text: str) -> str:
    """``text`` if it is short enough to scan; :class:`RegexError` otherwise."""
    if len(text) > MAX_TEXT_LENGTH:
        raise RegexError(f"text longer than {MAX_TEXT_LENGTH} characters cannot be matched")
    return text


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches anywhere in ``text`` (CEL's ``matches``)."""
    return compile_pattern(pattern).search(bounded(text)) is not None


__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_TEXT_LENGTH",
    "RegexError",
    "bounded",
    "compile_pattern",
    "search",
]
