"""Streaming Chat Completions over HTTP: OpenAI, Ollama, vLLM, llama.cpp server, LiteLLM.

Speaks ``POST {base_url}/chat/completions`` with ``stream: true`` and reads the
server-sent chunks. Closing the event stream closes the HTTP response, which drops
the connection, so the model server stops generating for a stopped turn.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import httpx

from ...sse import EventDataReader, EventTooLarge
from ...untrusted import parse_count, parse_json
from .base import ChunkParser, ModelEvent, ModelRequest, ProviderError, _error_text

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0, pool=5.0)
DEFAULT_MAX_CONNECTIONS = 100
MAX_ERROR_BYTES = 64 * 1024


class OpenAICompatibleProvider:
    """A model behind an OpenAI-compatible ``/chat/completions`` endpoint.

    At most ``max_connections`` turns stream from the model server at once (per event
    loop); a turn that finds them all busy waits up to the timeout's ``pool`` seconds
    (5 by default), then fails with a clear error instead of queueing for a minute.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self.model = model
        self.max_connections = max_connections
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.timeout = timeout
        self.headers = {"Accept": "text/event-stream", **(headers or {})}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"
        self.extra_body = dict(extra_body or {})
        # A connection pool belongs to one event loop; keep one client per loop.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]
        self._clients = weakref.WeakKeyDictionary()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> OpenAICompatibleProvider:
        """Configured by ``CHATLOOM_MODEL``, ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and
        ``CHATLOOM_MODEL_MAX_CONNECTIONS`` (concurrent turns, default 100)."""
        model = environ.get("CHATLOOM_MODEL")
        if not model:
            raise ValueError("Set CHATLOOM_MODEL to the model name, e.g. gpt-4.1-mini")
        raw_connections = environ.get("CHATLOOM_MODEL_MAX_CONNECTIONS")
        max_connections = parse_count(raw_connections) if raw_connections else None
        if raw_connections and not max_connections:
            raise ValueError("CHATLOOM_MODEL_MAX_CONNECTIONS must be a positive whole number")
        return cls(
            model,
            base_url=environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
            api_key=environ.get("OPENAI_API_KEY"),
            max_connections=max_connections or DEFAULT_MAX_CONNECTIONS,
        )

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            limits = httpx.Limits(
                max_connections=self.max_connections,
                max_keepalive_connections=min(20, self.max_connections),
            )
            client = httpx.AsyncClient(timeout=self.timeout, limits=limits)
            self._clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close the connections opened from the running event loop."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    def body(self, request: ModelRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            **self.extra_body,
            "model": request.model or self.model,
            "messages": request.messages,
            "stream": True,
        }
        if request.tools:
            body["tools"] = request.tools
            if request.tool_choice is not None:
                body["tool_choice"] = request.tool_choice
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.max_tokens is not None:
            body["max_tokens"] = request.max_tokens
        if request.top_p is not None:
            body["top_p"] = request.top_p
        if request.reasoning_effort is not None:
            body["reasoning_effort"] = request.reasoning_effort
        if request.response_format is not None:
            body["response_format"] = request.response_format
        return body

    async def stream(self, request: ModelRequest) -> AsyncGenerator[ModelEvent, None]:
        parser = ChunkParser()
        try:
            async with self._client().stream(
                "POST", self.url, json=self.body(request), headers=self.headers
            ) as response:
                if response.status_code >= 400:
                    detail = await _head(response, MAX_ERROR_BYTES)
                    raise ProviderError(
                        f"The model server answered HTTP {response.status_code}: "
                        f"{_describe_body(detail)}"
                    )
                async for data in _sse_data(response):
                    if data == "[DONE]":
                        break
                    try:
                        chunk = parse_json(data)
                    except ValueError:
                        raise ProviderError("The model sent a malformed stream chunk") from None
                    for event in parser.feed(chunk):
                        yield event
        except EventTooLarge:
            raise ProviderError("The model sent an oversized stream chunk") from None
        except httpx.PoolTimeout:
            raise ProviderError(
                f"The server is busy: all {self.max_connections} connections to the model "
                "server are in use. Try again in a moment."
            ) from None
        except httpx.TimeoutException:
            raise ProviderError("The model server did not answer in time") from None
        except httpx.HTTPError as error:
            raise ProviderError(f"Could not reach the model server: {error}") from None
        for event in parser.end():
            yield event


async def _sse_data(response: httpx.Response) -> AsyncIterator[str]:
    """The ``data`` of each server-sent event (multi-line data joined with newlines)."""
    reader = EventDataReader()
    async for text in response.aiter_text():
        for data in reader.feed_text(text):
            yield data
    if (last := reader.end()) is not None:
        yield last


async def _head(response: httpx.Response, limit: int) -> bytes:
    """The first ``limit`` bytes of a body (an error page need not be read whole)."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= limit:
            break
    return bytes(body[:limit])


def _describe_body(body: bytes) -> str:
    try:
        return _error_text(parse_json(body))
    except ValueError:
        return body.decode("utf-8", "replace")[:500] or "no details"


__all__ = ["DEFAULT_BASE_URL", "OpenAICompatibleProvider"]
