"""A scripted stand-in for the OpenAI Responses API, for testing Agents-SDK servers.

:class:`ScriptedResponses` is an ASGI app serving ``POST /v1/responses`` as the real
API does: with ``stream: true`` a server-sent event per Responses stream event
(``response.created`` ... ``response.completed``, each with its ``sequence_number``),
otherwise the finished ``response`` object as JSON. Each request takes the next
scripted :data:`Turn`: reasoning summaries, text with citations, function calls and
image generation calls with partial images. Ids are deterministic (a counter), so two
runs of the same script see the same ids. Every request body is kept in ``requests``.

Run it under uvicorn and point the Agents SDK's ``OpenAIResponsesModel`` (an
``AsyncOpenAI(base_url=...)`` client) at it.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Receive, Scope, Send


@dataclass(frozen=True)
class Reason:
    """A reasoning item with one summary part per entry of ``summaries``."""

    summaries: tuple[str, ...]
    chunk_size: int = 6


@dataclass(frozen=True)
class Cite:
    """A URL citation of the text up to ``end`` characters."""

    url: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Write:
    """An assistant message, its text streamed in pieces of ``chunk_size``."""

    text: str
    citations: tuple[Cite, ...] = ()
    chunk_size: int = 5


@dataclass(frozen=True)
class Call:
    """A function call (a tool the agent offers) with JSON ``arguments``."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Draw:
    """An ``image_generation_call``: ``partials`` partial images, then the result."""

    result_b64: str
    partials: tuple[str, ...] = ()
    revised_prompt: str = ""


Output = Reason | Write | Call | Draw
Turn = list[Output]


class ScriptedResponses:
    """A Responses endpoint that plays back scripted turns in order."""

    def __init__(self, turns: Iterable[Turn] = (), model: str = "scripted") -> None:
        self.turns: deque[Turn] = deque(turns)
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def script(self, *turns: Turn) -> None:
        self.turns.extend(turns)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):016x}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "POST" or not scope["path"].endswith("/responses"):
            await _send(send, 404, "application/json", {"error": {"message": "Not found"}})
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        body = json.loads(raw or b"{}")
        self.requests.append(body)
        if not self.turns:
            error = {"error": {"message": "No scripted turn left", "type": "server_error"}}
            await _send(send, 500, "application/json", error)
            return
        events = list(_Response(self, body, self.turns.popleft()).events())
        if not body.get("stream"):
            await _send(send, 200, "application/json", events[-1]["response"])
            return
        frames = b"".join(
            f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode() for event in events
        )
        await _send(send, 200, "text/event-stream", frames)


async def _send(send: Send, status: int, kind: str, body: Any) -> None:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = [(b"content-type", kind.encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


_Events = Generator[dict[str, Any], None, dict[str, Any]]
"""An output item's stream events; it returns the finished item."""


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), max(size, 1))]


class _Response:
    """The stream events of one scripted response, numbered as the API numbers them."""

    def __init__(self, api: ScriptedResponses, request: dict[str, Any], turn: Turn) -> None:
        self.api = api
        self.request = request
        self.turn = turn
        self.sequence = itertools.count()
        self.response: dict[str, Any] = {
            "id": api._id("resp"),
            "object": "response",
            "created_at": 1_700_000_000,
            "status": "in_progress",
            "model": request.get("model", api.model),
            "output": [],
            "parallel_tool_calls": True,
            "tool_choice": request.get("tool_choice", "auto"),
            "tools": request.get("tools", []),
            "error": None,
            "incomplete_details": None,
            "instructions": request.get("instructions"),
            "metadata": {},
            "temperature": 1.0,
            "top_p": 1.0,
            "text": {"format": {"type": "text"}},
            "truncation": "disabled",
            "usage": None,
        }

    def event(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "sequence_number": next(self.sequence), **fields}

    def events(self) -> Iterator[dict[str, Any]]:
        yield self.event("response.created", response=dict(self.response))
        yield self.event("response.in_progress", response=dict(self.response))
        for index, output in enumerate(self.turn):
            if isinstance(output, Reason):
                item = yield from self.reasoning(index, output)
            elif isinstance(output, Write):
                item = yield from self.message(index, output)
            elif isinstance(output, Call):
                item = yield from self.function_call(index, output)
            else:
                item = yield from self.image(index, output)
            self.response["output"].append(item)
            yield self.event("response.output_item.done", output_index=index, item=item)
        self.response["status"] = "completed"
        self.response["usage"] = {
            "input_tokens": 10,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 10,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 20,
        }
        yield self.event("response.completed", response=self.response)

    def added(self, index: int, item: dict[str, Any]) -> dict[str, Any]:
        return self.event("response.output_item.added", output_index=index, item=item)

    def reasoning(self, index: int, output: Reason) -> _Events:
        item_id = self.api._id("rs")
        yield self.added(index, {"id": item_id, "type": "reasoning", "summary": []})
        at = {"item_id": item_id, "output_index": index}
        for part, text in enumerate(output.summaries):
            empty = {"type": "summary_text", "text": ""}
            yield self.event(
                "response.reasoning_summary_part.added", **at, summary_index=part, part=empty
            )
            for piece in _pieces(text, output.chunk_size):
                yield self.event(
                    "response.reasoning_summary_text.delta", **at, summary_index=part, delta=piece
                )
            yield self.event(
                "response.reasoning_summary_text.done", **at, summary_index=part, text=text
            )
            done = {"type": "summary_text", "text": text}
            yield self.event(
                "response.reasoning_summary_part.done", **at, summary_index=part, part=done
            )
        summary = [{"type": "summary_text", "text": text} for text in output.summaries]
        return {"id": item_id, "type": "reasoning", "summary": summary}

    def message(self, index: int, output: Write) -> _Events:
        item_id = self.api._id("msg")
        item = {"id": item_id, "type": "message", "status": "in_progress", "role": "assistant"}
        yield self.added(index, {**item, "content": []})
        at = {"item_id": item_id, "output_index": index, "content_index": 0}
        empty = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
        yield self.event("response.content_part.added", **at, part=empty)
        for piece in _pieces(output.text, output.chunk_size):
            yield self.event("response.output_text.delta", **at, delta=piece, logprobs=[])
        annotations = [
            {
                "type": "url_citation",
                "url": cite.url,
                "title": cite.title,
                "start_index": cite.start,
                "end_index": cite.end,
            }
            for cite in output.citations
        ]
        for number, annotation in enumerate(annotations):
            yield self.event(
                "response.output_text.annotation.added",
                **at,
                annotation_index=number,
                annotation=annotation,
            )
        yield self.event("response.output_text.done", **at, text=output.text, logprobs=[])
        part = {
            "type": "output_text",
            "text": output.text,
            "annotations": annotations,
            "logprobs": [],
        }
        yield self.event("response.content_part.done", **at, part=part)
        return {**item, "status": "completed", "content": [part]}

    def function_call(self, index: int, output: Call) -> _Events:
        item_id = self.api._id("fc")
        arguments = json.dumps(output.arguments)
        item = {
            "id": item_id,
            "type": "function_call",
            "status": "in_progress",
            "call_id": self.api._id("call"),
            "name": output.name,
            "arguments": "",
        }
        yield self.added(index, item)
        at = {"item_id": item_id, "output_index": index}
        for piece in _pieces(arguments, 8):
            yield self.event("response.function_call_arguments.delta", **at, delta=piece)
        yield self.event("response.function_call_arguments.done", **at, arguments=arguments)
        return {**item, "status": "completed", "arguments": arguments}

    def image(self, index: int, output: Draw) -> _Events:
        item_id = self.api._id("ig")
        item = {
            "id": item_id,
            "type": "image_generation_call",
            "status": "in_progress",
            "result": None,
        }
        yield self.added(index, item)
        at = {"item_id": item_id, "output_index": index}
        yield self.event("response.image_generation_call.in_progress", **at)
        yield self.event("response.image_generation_call.generating", **at)
        for number, partial in enumerate(output.partials):
            yield self.event(
                "response.image_generation_call.partial_image",
                **at,
                partial_image_index=number,
                partial_image_b64=partial,
            )
        yield self.event("response.image_generation_call.completed", **at)
        return {
            **item,
            "status": "completed",
            "result": output.result_b64,
            "revised_prompt": output.revised_prompt,
            "output_format": "png",
        }


__all__ = ["Call", "Cite", "Draw", "Output", "Reason", "ScriptedResponses", "Turn", "Write"]
