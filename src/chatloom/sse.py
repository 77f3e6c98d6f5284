"""Server-sent event framing: ``data: <compact JSON>\\n\\n``, one frame per event."""

from __future__ import annotations

from json.encoder import encode_basestring

from .types import (
    AssistantMessageContentPartTextDelta,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    to_wire_json,
)

_DELTA_ITEM = 'data: {"type":"thread.item.updated","item_id":'
_DELTA_UPDATE = ',"update":{"type":"assistant_message.content_part.text_delta","content_index":'


class EventDataReader:
    """Reads the ``data`` of server-sent events, one line at a time.

    ``feed`` returns an event's data at the blank line that ends it (several ``data:``
    lines joined with newlines); comments and other fields are skipped.
    """

    def __init__(self) -> None:
        self._lines: list[str] = []

    def feed(self, line: str) -> str | None:
        if not line:
            return self.end()
        if line.startswith("data:"):
            value = line[5:]
            self._lines.append(value[1:] if value.startswith(" ") else value)
        return None

    def end(self) -> str | None:
        """The data of an event the stream ended without a blank line after."""
        if not self._lines:
            return None
        data = "\n".join(self._lines)
        self._lines = []
        return data


def frame(event: ThreadStreamEvent) -> bytes:
    """The SSE frame of one event.

    Text deltas are most of any stream, so they skip the generic serializer; the bytes
    are identical (the same escaping as pydantic: only quotes, backslashes and control
    characters, non-ASCII kept as UTF-8), which a property test checks.
    """
    if type(event) is ThreadItemUpdatedEvent:
        update = event.update
        if type(update) is AssistantMessageContentPartTextDelta:
            item_id = encode_basestring(event.item_id)
            delta = encode_basestring(update.delta)
            return (
                f'{_DELTA_ITEM}{item_id}{_DELTA_UPDATE}{update.content_index},"delta":{delta}}}}}\n\n'
            ).encode()
    return b"data: " + to_wire_json(event) + b"\n\n"


__all__ = ["EventDataReader", "frame"]
