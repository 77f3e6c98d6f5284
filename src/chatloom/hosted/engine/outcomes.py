"""What a node handler says happens next, instead of changing the run.

A handler is an async generator: it yields the events users see, then exactly one
outcome. The walker (:mod:`.run`) acts on it: :class:`Continue` follows a port of the
node with a value (and, for Set state, new state); :class:`Suspend` keeps the run until
the user or their client answers; :class:`End` finishes it with an output; :class:`Stop`
ends it after an error the user has already been shown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from ...types import ThreadStreamEvent

N = TypeVar("N")


class Outcome:
    """Base of what a handler (or a branch of the walk) ends with."""


@dataclass(frozen=True)
class Continue(Outcome):
    value: Any
    port: str | None = "next"  # a key of ``workflow.model.ports(node)``; None: none follows
    state: Mapping[str, Any] | None = None  # the whole new state, when the node changed it


SuspendKind = Literal["approval", "client_tool", "tool_approval"]


@dataclass(frozen=True)
class Suspend(Outcome):
    """Wait for the user. ``approval``: the walker resumes at the node's ``on_approve`` or
    ``on_reject`` port. Other kinds run the node again, with the answer in
    :attr:`Step.answer` (``None`` for a client tool's output, which is in the thread)."""

    kind: SuspendKind
    item_id: str | None = None  # the item the answer will be given on
    # The node's input when it runs again (None: the input it had). The resuming
    # request has no message of its own, so what the node worked out is kept here.
    resume_input: Any = None


@dataclass(frozen=True)
class End(Outcome):
    output: Any


@dataclass(frozen=True)
class Stop(Outcome):
    reason: str


@dataclass(frozen=True)
class Step(Generic[N]):
    """One node about to run, and its input (the output of the node before)."""

    node_id: str
    node: N
    input: Any
    answer: str | None = None  # when resumed: ``on_approve`` or ``on_reject``


Emitted = ThreadStreamEvent | Outcome
HandlerEvents = AsyncIterator[Emitted]

__all__ = [
    "Continue",
    "Emitted",
    "End",
    "HandlerEvents",
    "Outcome",
    "Step",
    "Stop",
    "Suspend",
    "SuspendKind",
]
