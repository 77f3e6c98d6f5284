"""The run an exported program is serving, found by the stand-ins through a context variable.

The program's module is loaded once and shared; the stand-ins in it (``Runner``,
``approval_request``, the OpenAI client, guardrails) look up the current run here, so
runs on different threads at the same time each see their own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ...agents.converter import InputItem
from ...types import ThreadStreamEvent
from ..engine.context import RunContext, WorkflowRunError
from ..engine.trace import RunTrace, bounded
from .journal import Journal

MAX_STEPS = 100  # live agent runs, guardrail checks and searches in one request


class Suspension(BaseException):
    """Raised through the program when it reaches an approval nobody has answered yet.

    A BaseException, so an ``except Exception`` in the program does not swallow it."""

    def __init__(self, function: str, message: str) -> None:
        super().__init__(message)
        self.function = function
        self.message = message


class Stopped(BaseException):
    """The user has been shown an error (a model failed); the run ends here."""


@dataclass
class CodeSession:
    ctx: RunContext
    trace: RunTrace
    journal: Journal
    earlier: list[InputItem]  # the thread before this turn, as model input
    events: asyncio.Queue[ThreadStreamEvent] = field(default_factory=asyncio.Queue)
    steps: int = 0

    def emit(self, event: ThreadStreamEvent) -> None:
        self.events.put_nowait(event)

    def count_step(self) -> None:
        """One more live step (replayed ones cost nothing and the journal bounds them)."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise WorkflowRunError(f"The program took more than {MAX_STEPS} steps in one turn.")

    def model_for(self, agent_name: str, model: Any) -> str | None:
        """The model an agent gets: ``models:`` by agent name, then by the export's model
        name, then ``"*"``; else the export's name as is (or the app's default model)."""
        models = self.ctx.workflow.models
        name = model if isinstance(model, str) and model else None
        for key in (agent_name, name, "*"):
            if key is not None and key in models:
                return models[key]
        return name or self.ctx.model

    @contextmanager
    def traced(self, name: str, kind: str, value: Any) -> Iterator[dict[str, Any]]:
        """A step of the run's trace; what the block puts in the dict is its output."""
        record = self.trace.begin(name, kind, value)
        usage = self.ctx.provider.usage
        calls, chars, started = usage.calls, usage.output_chars, time.perf_counter()
        output: dict[str, Any] = {}
        try:
            yield output
        except BaseException as error:
            if record is not None:
                record.error = str(getattr(error, "message", None) or error) or type(error).__name__
            raise
        else:
            if record is not None:
                record.outcome, record.output = "continue", bounded(output.get("output"))
        finally:
            if record is not None:
                record.duration_ms = round((time.perf_counter() - started) * 1000, 3)
                record.usage = {
                    "calls": usage.calls - calls,
                    "output_chars": usage.output_chars - chars,
                }


CURRENT: ContextVar[CodeSession | None] = ContextVar("chatloom_code_session", default=None)


def problems(error: ValidationError) -> str:
    """A validation error's problems, without the values (a header may hold a secret)."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}"
        for e in error.errors(include_url=False, include_input=False)[:5]
    )


def current(what: str) -> CodeSession:
    session = CURRENT.get()
    if session is None:
        raise RuntimeError(f"{what} was called outside a chatloom workflow run")
    return session


__all__ = ["CURRENT", "MAX_STEPS", "CodeSession", "Stopped", "Suspension", "current", "problems"]
