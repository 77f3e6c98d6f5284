"""SSE framing: the fast path for text deltas writes exactly what the serializer would."""

from hypothesis import given
from hypothesis import strategies as st

from chatloom.sse import frame
from chatloom.types import (
    AssistantMessageContentPartTextDelta,
    ProgressUpdateEvent,
    ThreadItemUpdatedEvent,
    to_wire_json,
)

# Any text pydantic can serialize: every code point except lone surrogates.
texts = st.text(st.characters(exclude_categories=("Cs",)))


@given(item_id=texts, delta=texts, index=st.integers(min_value=0, max_value=10**6))
def test_text_delta_fast_path_matches_the_serializer(item_id: str, delta: str, index: int) -> None:
    event = ThreadItemUpdatedEvent(
        item_id=item_id,
        update=AssistantMessageContentPartTextDelta(content_index=index, delta=delta),
    )
    assert frame(event) == b"data: " + to_wire_json(event) + b"\n\n"


def test_awkward_characters_are_escaped_like_json() -> None:
    event = ThreadItemUpdatedEvent(
        item_id="msg_1",
        update=AssistantMessageContentPartTextDelta(
            content_index=0, delta='line\nbreak "quoted" \\ tab\t \x00 \x1f é 中 😀 \u2028'
        ),
    )
    assert frame(event) == b"data: " + to_wire_json(event) + b"\n\n"
    assert frame(event).count(b"\n") == 2  # the payload itself never breaks the frame


def test_other_events_use_the_serializer() -> None:
    event = ProgressUpdateEvent(text="Searching", icon="search")
    assert (
        frame(event) == b'data: {"type":"progress_update","icon":"search","text":"Searching"}\n\n'
    )


def test_event_data_reader_joins_lines_and_skips_other_fields() -> None:
    from chatloom.sse import EventDataReader

    reader = EventDataReader()
    lines = [": comment", "event: x", 'data: {"a":', "data:1}", "", "data: [DONE]"]
    found = [data for line in lines if (data := reader.feed(line)) is not None]
    assert found == ['{"a":\n1}']
    assert reader.end() == "[DONE]" and reader.end() is None
