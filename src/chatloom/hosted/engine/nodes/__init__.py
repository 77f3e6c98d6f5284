"""Node handlers, found by node type. While is not here: loops are the walker's.

A handler is ``async def handler(ctx: RunContext, step: Step[SomeNode]) -> HandlerEvents``:
it yields the events users see, then exactly one outcome (:mod:`..outcomes`). To add a
node type: its model in ``workflow/model.py`` (with its ports in ``ports()``), a handler
in a module here, and one line in :data:`HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..context import RunContext
from ..outcomes import HandlerEvents, Step
from .agent import agent
from .approval import user_approval
from .classify import classify
from .flow import end, if_else, note, set_state, transform
from .guardrails import guardrails
from .mcp import mcp_call
from .search import file_search

Handler = Callable[[RunContext, Step[Any]], HandlerEvents]

HANDLERS: dict[str, Handler] = {
    "agent": agent,
    "classify": classify,
    "end": end,
    "file_search": file_search,
    "guardrails": guardrails,
    "if_else": if_else,
    "mcp": mcp_call,
    "note": note,
    "set_state": set_state,
    "transform": transform,
    "user_approval": user_approval,
}

__all__ = ["HANDLERS", "Handler"]
