"""Server-sent events: framing chatloom's own (``data: <compact JSON>\\n\\n``, one frame
per event) and reading other servers' (a model's stream, an MCP answer)."""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring

from pydantic_core import PydanticSerializationError

from .types import (
    WIRE_CONTEXT,
    AssistantMessageContentPartTextDelta,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    to_wire_json,
)

_DELTA_ITEM = 'data: {"type":"thread.item.updated","item_id":'
_DELTA_UPDATE = ',"update":{"type":"assistant_message.content_part.text_delta","content_index":'
# The SSE format ends a line at CR, LF or CRLF, and nowhere else: not at U+2028, U+2029,
# U+0085 or the other breaks str.splitlines() knows.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Code points written as \u escapes: lone surrogates (half of an emoji whose other
# half is in the next delta) have no UTF-8 form; U+2028 and U+2029 break lines for
# readers that split like str.splitlines() and end JavaScript string literals.
_ESCAPED = re.compile("[\u2028\u2029\ud800-\udfff]")
_LINE_SEPARATOR = "\u2028".encode()
_PARAGRAPH_SEPARATOR = "\u2029".encode()


class EventTooLarge(ValueError):
    """An event (or a line) longer than the reader's ``max_chars``."""


class EventDataReader:
    """Reads the ``data`` of server-sent events.

    Give it the stream's text in pieces split anywhere (:meth:`feed_text`) or line by
    line (:meth:`feed`); an event's data (several ``data:`` lines joined with
    newlines) comes out at the blank line that ends it. Comments and other fields are
    skipped. An event or line over ``max_chars`` raises :class:`EventTooLarge`, so a
    sender that never ends a line cannot grow the buffer without bound.
    """

    def __init__(self, max_chars: int = 4 * 1024 * 1024) -> None:
        self.max_chars = max_chars
        self._lines: list[str] = []
        self._size = 0
        self._partial = ""
        self._after_cr = False

    def feed_text(self, text: str) -> list[str]:
        """The data of every event that ``text``, the next piece of the stream, ends."""
        if not text:
            return []
        if self._after_cr and text[0] == "\n":
            text = text[1:]  # the LF of a CRLF whose CR ended the previous piece
        self._after_cr = text.endswith("\r")
        lines = _LINE_BREAK.split(self._partial + text)
        self._partial = lines.pop()
        if len(self._partial) > self.max_chars:
            raise EventTooLarge(f"A server-sent line is over {self.max_chars} characters")
        return [data for line in lines if (data := self.feed(line)) is not None]

    def feed(self, line: str) -> str | None:
        """Read one line (without its line break)."""
        if not line:
            return self._dispatch()
        if line.startswith("data:"):
            value = line[5:]
            self._add(value[1:] if value.startswith(" ") else value)
        elif line == "data":
            self._add("")
        return None

    def _add(self, value: str) -> None:
        self._size += len(value) + 1
        if self._size > self.max_chars:
            raise EventTooLarge(f"A server-sent event is over {self.max_chars} characters")
        self._lines.append(value)

    def end(self) -> str | None:
        """The data of an event the stream ended without a blank line after."""
        if self._partial:
            line, self._partial = self._partial, ""
            self.feed(line)
        return self._dispatch()

    def _dispatch(self) -> str | None:
        if not self._lines:
            return None
        data = "\n".join(self._lines)
        self._lines = []
        self._size = 0
        return data


def frame(event: ThreadStreamEvent) -> bytes:
    """The SSE frame of one event.

    Text deltas are most of any stream, so they skip the generic serializer; the bytes
    are identical (the same escaping as pydantic: only quotes, backslashes and control
    characters, non-ASCII kept as UTF-8), which a property test checks. Both paths
    also escape U+2028, U+2029 and lone surrogates (see ``_ESCAPED``).
    """
    if type(event) is ThreadItemUpdatedEvent:
        update = event.update
        if type(update) is AssistantMessageContentPartTextDelta:
            item_id = encode_basestring(event.item_id)
            delta = encode_basestring(update.delta)
            index = update.content_index
            text = f'{_DELTA_ITEM}{item_id}{_DELTA_UPDATE}{index},"delta":{delta}}}}}\n\n'
            if text.isascii():  # constant time for a str: most frames stop here
                return text.encode()
            if "\u2028" in text or "\u2029" in text:
                text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            try:
                return text.encode()
            except UnicodeEncodeError:
                return _escape_all(text).encode()
    try:
        payload = to_wire_json(event)
    except PydanticSerializationError:
        payload = _escape_all(_wire_text(event)).encode()
    if not payload.isascii() and (_LINE_SEPARATOR in payload or _PARAGRAPH_SEPARATOR in payload):
        payload = payload.replace(_LINE_SEPARATOR, b"\\u2028")
        payload = payload.replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
    return b"data: " + payload + b"\n\n"


def _escape_all(text: str) -> str:
    return _ESCAPED.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _wire_text(event: ThreadStreamEvent) -> str:
    """The wire JSON of an event pydantic cannot encode (it holds a lone surrogate)."""
    value = event.model_dump(mode="json", exclude_none=True, context=WIRE_CONTEXT)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


__all__ = ["EventDataReader", "EventTooLarge", "frame"]
