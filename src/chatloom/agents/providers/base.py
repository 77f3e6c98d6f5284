"""The one interface every model provider implements, and the parser they share.

A provider turns a :class:`ModelRequest` (Chat Completions messages and tools) into an
async stream of :data:`ModelEvent`: text deltas, reasoning deltas, complete tool calls
and a finish marker. Closing the stream (``aclose()``, or cancelling the task reading
it) must stop the model at once: that is how a stopped turn frees the model.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...errors import CustomStreamError


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ReasoningDelta:
    """Model reasoning (``reasoning_content`` or ``reasoning`` in a chunk's delta)."""

    text: str


@dataclass(frozen=True)
class ToolCallRequest:
    """A complete tool call; ``arguments`` is the raw JSON text the model wrote."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Finish:
    reason: str | None


ModelEvent = TextDelta | ReasoningDelta | ToolCallRequest | Finish


@dataclass
class ModelRequest:
    """One model call: Chat Completions ``messages`` and ``tools`` (OpenAI format)."""

    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: str | dict[str, Any] | None = None
    model: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    reasoning_effort: str | None = None
    """For reasoning models: ``minimal``, ``low``, ``medium`` or ``high``."""
    response_format: dict[str, Any] | None = None
    """Chat Completions ``response_format``, e.g. a ``json_schema`` the reply must match."""


class ModelProvider(Protocol):
    """Anything that streams a model's reply to a :class:`ModelRequest`."""

    def stream(self, request: ModelRequest) -> AsyncGenerator[ModelEvent, None]:
        """The reply as events; raises :class:`ProviderError` when the model fails."""
        ...


class ProviderError(CustomStreamError):
    """The model could not answer (HTTP error, timeout, malformed stream).

    A :class:`CustomStreamError`, so even outside the agent loop it reaches the user
    as an ``error`` event with this message and a retry button.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, allow_retry=True)


@dataclass
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: str = ""


class ChunkParser:
    """Turns ``chat.completion.chunk`` objects into :data:`ModelEvent`.

    Tool calls arrive in pieces (id and name first, arguments split across chunks,
    keyed by ``index``); they are assembled and released when the choice finishes.
    Anything that is not shaped like a chunk raises :class:`ProviderError`.
    """

    def __init__(self) -> None:
        self._calls: dict[int, _PendingCall] = {}
        self._finished = False

    def feed(self, chunk: Any) -> list[ModelEvent]:
        if not isinstance(chunk, dict):
            raise ProviderError("The model sent a malformed stream chunk")
        if "error" in chunk:
            raise ProviderError(f"The model reported an error: {_error_text(chunk)}")
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            raise ProviderError("The model sent a stream chunk without choices")
        events: list[ModelEvent] = []
        for choice in choices[:1]:  # one choice is asked for (n = 1)
            if not isinstance(choice, dict):
                raise ProviderError("The model sent a malformed stream chunk")
            delta = choice.get("delta") or {}
            if not isinstance(delta, dict):
                raise ProviderError("The model sent a malformed stream chunk")
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if isinstance(reasoning, str) and reasoning:
                events.append(ReasoningDelta(reasoning))
            content = delta.get("content")
            if isinstance(content, str) and content:
                events.append(TextDelta(content))
            for call in delta.get("tool_calls") or []:
                self._add_call_piece(call)
            reason = choice.get("finish_reason")
            if reason is not None:
                events += self._release_calls()
                events.append(Finish(str(reason)))
                self._finished = True
        return events

    def end(self) -> list[ModelEvent]:
        """Call when the stream ends: releases calls of a stream that never said finish."""
        if self._finished:
            return []
        return [*self._release_calls(), Finish(None)]

    def _add_call_piece(self, piece: Any) -> None:
        if not isinstance(piece, dict):
            raise ProviderError("The model sent a malformed tool call")
        index = piece.get("index", len(self._calls))
        function = piece.get("function") or {}
        if not isinstance(index, int) or not isinstance(function, dict):
            raise ProviderError("The model sent a malformed tool call")
        call = self._calls.setdefault(index, _PendingCall())
        call.id = call.id or str(piece.get("id") or "")
        call.name += str(function.get("name") or "")
        call.arguments += str(function.get("arguments") or "")

    def _release_calls(self) -> list[ModelEvent]:
        calls = [self._calls[index] for index in sorted(self._calls)]
        self._calls.clear()
        return [
            ToolCallRequest(id=call.id or f"call_{n}", name=call.name, arguments=call.arguments)
            for n, call in enumerate(calls)
        ]


def _error_text(body: Any) -> str:
    """The human part of an error body (``{"error": {"message": ...}}`` and variants)."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        error = error.get("message") or error.get("code") or json.dumps(error)
    text = str(error if error is not None else body)
    return text[:500]


__all__ = [
    "ChunkParser",
    "Finish",
    "ModelEvent",
    "ModelProvider",
    "ModelRequest",
    "ProviderError",
    "ReasoningDelta",
    "TextDelta",
    "ToolCallRequest",
]
