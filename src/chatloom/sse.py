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


__all__ = ["frame"]
