"""Reading numbers and JSON that came from outside (a client, a model, a remote server).

Both refuse with ``ValueError`` what the plain built-ins would turn into another error
or an unbounded amount of work: ``"²".isdigit()`` is true but ``int("²")`` fails,
``int()`` of 5,000 digits raises past Python's digit limit, and ``json.loads`` of
100,000 nested arrays raises ``RecursionError``.
"""

from __future__ import annotations

import json
import re
from typing import Any

_COUNT = re.compile(r"[0-9]{1,18}")


def parse_count(text: str | None) -> int | None:
    """A non-negative integer written in ASCII digits (at most 18 of them), else ``None``."""
    if text is None or not _COUNT.fullmatch(text):
        return None
    return int(text)


def parse_json(data: str | bytes | bytearray) -> Any:
    """``json.loads``, with nesting too deep to parse refused as ``ValueError``."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


__all__ = ["parse_count", "parse_json"]
