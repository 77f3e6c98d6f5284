"""The agent runtime: a model-neutral loop that answers ChatKit threads.

Native API: :class:`Agent`, :func:`function_tool`, :class:`ToolResult`,
:class:`AgentContext`, :class:`ClientToolCall`, :class:`ThreadItemConverter`,
:func:`ensure_title` and the providers in :mod:`chatloom.agents.providers`.

The reference SDK's Agents SDK helpers (``stream_agent_response``,
``ResponseStreamConverter``, ``accumulate_text``) come from
:mod:`chatloom.agents.openai_agents` and need the ``[agents]`` extra; they are
importable from here too, so ``from chatkit.agents import ...`` ports as
``from chatloom.agents import ...``.
"""

from __future__ import annotations

from typing import Any

from .context import AgentContext, ClientToolCall
from .converter import ThreadItemConverter, simple_to_agent_input
from .providers import (
    LocalProvider,
    ModelProvider,
    ModelRequest,
    OpenAICompatibleProvider,
    ProviderError,
    provider_from_env,
)
from .runner import Agent
from .titles import ensure_title, generate_title
from .tools import FunctionTool, ToolResult, function_tool

_AGENTS_SDK_NAMES = ("ResponseStreamConverter", "accumulate_text", "stream_agent_response")


def __getattr__(name: str) -> Any:
    if name in _AGENTS_SDK_NAMES:
        from . import openai_agents

        return getattr(openai_agents, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Agent",
    "AgentContext",
    "ClientToolCall",
    "FunctionTool",
    "LocalProvider",
    "ModelProvider",
    "ModelRequest",
    "OpenAICompatibleProvider",
    "ProviderError",
    "ThreadItemConverter",
    "ToolResult",
    "ensure_title",
    "function_tool",
    "generate_title",
    "provider_from_env",
    "simple_to_agent_input",
]
