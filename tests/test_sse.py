"""SSE framing: the fast path for text deltas writes exactly what the serializer would,
every frame is strict UTF-8 JSON on one line; the reader splits lines as SSE does."""

import json

from hypothesis import given
from hypothesis import strategies as st

from chatloom.sse import EventDataReader, frame
from chatloom.types import (
    AssistantMessageContentPartTextDelta,
    ProgressUpdateEvent,
    ThreadItemUpdatedEvent,
    to_wire_json,
)

# Any text pydantic can serialize: every code point except lone surrogates.
texts = st.text(st.characters(exclude_categories=("Cs",)))
# Any Python string, lone surrogates included (half an emoji, split across two deltas).
any_texts = st.text(st.characters())
SEPARATORS = ("\u2028".encode(), "\u2029".encode())


def _escaped(payload: bytes) -> bytes:
    return payload.replace(SEPARATORS[0], b"\\u2028").replace(SEPARATORS[1], b"\\u2029")


def _delta(item_id: str, delta: str, index: int = 0) -> ThreadItemUpdatedEvent:
    return ThreadItemUpdatedEvent(
        item_id=item_id,
        update=AssistantMessageContentPartTextDelta(content_index=index, delta=delta),
    )


def _payload(data: bytes) -> dict:  # type: ignore[type-arg]
    assert data.startswith(b"data: ") and data.endswith(b"\n\n")
    body = data[6:-2]
    assert b"\n" not in body and b"\r" not in body
    assert not any(separator in body for separator in SEPARATORS)
    return json.loads(body.decode("utf-8"))  # type: ignore[no-any-return]


@given(item_id=texts, delta=texts, index=st.integers(min_value=0, max_value=10**6))
def test_text_delta_fast_path_matches_the_serializer(item_id: str, delta: str, index: int) -> None:
    event = _delta(item_id, delta, index)
    assert frame(event) == b"data: " + _escaped(to_wire_json(event)) + b"\n\n"


@given(item_id=any_texts, delta=any_texts, text=any_texts)
def test_every_frame_is_one_line_of_utf8_json_that_reads_back(
    item_id: str, delta: str, text: str
) -> None:
    decoded = _payload(frame(_delta(item_id, delta)))
    assert decoded["item_id"] == item_id and decoded["update"]["delta"] == delta
    assert _payload(frame(ProgressUpdateEvent(text=text)))["text"] == text


def test_an_emoji_split_across_two_deltas_joins_up_in_the_client() -> None:
    high, low = "\ud83d", "\ude00"
    parts = [_payload(frame(_delta("msg_1", half)))["update"]["delta"] for half in (high, low)]
    assert "".join(parts).encode("utf-16", "surrogatepass").decode("utf-16") == "😀"
    assert frame(_delta("msg_1", high)).endswith(b'"delta":"\\ud83d"}}\n\n')


def test_awkward_characters_are_escaped_like_json() -> None:
    event = _delta("msg_1", 'line\nbreak "quoted" \\ tab\t \x00 \x1f é 中 😀 \u2028 \u2029 \x85')
    data = frame(event)
    assert data == b"data: " + _escaped(to_wire_json(event)) + b"\n\n"
    assert b"\\u2028 \\u2029" in data and "\x85".encode() in data
    assert data.count(b"\n") == 2  # the payload itself never breaks the frame


def test_other_events_use_the_serializer() -> None:
    event = ProgressUpdateEvent(text="Searching", icon="search")
    assert (
        frame(event) == b'data: {"type":"progress_update","icon":"search","text":"Searching"}\n\n'
    )
    assert frame(ProgressUpdateEvent(text="a\u2028b")) == (
        b'data: {"type":"progress_update","text":"a\\u2028b"}\n\n'
    )


def test_event_data_reader_joins_lines_and_skips_other_fields() -> None:
    reader = EventDataReader()
    lines = [": comment", "event: x", 'data: {"a":', "data:1}", "", "data: [DONE]"]
    found = [data for line in lines if (data := reader.feed(line)) is not None]
    assert found == ['{"a":\n1}']
    assert reader.end() == "[DONE]" and reader.end() is None


def test_only_cr_lf_and_crlf_end_a_line() -> None:
    reader = EventDataReader()
    stream = 'data: {"t":"a\u2028b\u2029c\x85d\x0be\x0cf\x1cg"}\n\ndata: 1\r\rdata: 2\r\n\r\n'
    assert reader.feed_text(stream) == ['{"t":"a\u2028b\u2029c\x85d\x0be\x0cf\x1cg"}', "1", "2"]
    assert reader.end() is None


@given(
    events=st.lists(st.text(st.characters(exclude_characters="\r\n")), min_size=1, max_size=5),
    breaks=st.sampled_from(["\n", "\r", "\r\n"]),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=8),
)
def test_a_stream_cut_anywhere_reads_the_same(
    events: list[str], breaks: str, cuts: list[int]
) -> None:
    stream = "".join(f"data: {data}{breaks}{breaks}" for data in events)
    reader = EventDataReader()
    found: list[str] = []
    start = 0
    for cut in sorted(min(cut, len(stream)) for cut in cuts):
        found += reader.feed_text(stream[start:cut])
        start = cut
    found += reader.feed_text(stream[start:])
    assert reader.end() is None
    assert found == events


def test_a_line_or_event_over_the_limit_is_refused_not_buffered() -> None:
    import pytest

    from chatloom.sse import EventTooLarge

    reader = EventDataReader(max_chars=100)
    with pytest.raises(EventTooLarge):
        reader.feed_text("data: " + "x" * 200)  # a line that never ends
    reader = EventDataReader(max_chars=100)
    with pytest.raises(EventTooLarge):
        reader.feed_text("data: " + "x" * 60 + "\ndata: " + "y" * 60 + "\n")
