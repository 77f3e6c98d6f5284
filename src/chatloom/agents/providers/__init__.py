"""Model providers behind one interface (:class:`ModelProvider`)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .base import (
    ChunkParser,
    Finish,
    ModelEvent,
    ModelProvider,
    ModelRequest,
    ProviderError,
    ReasoningDelta,
    TextDelta,
    ToolCallRequest,
)
from .local import LocalProvider
from .openai_compatible import OpenAICompatibleProvider


def provider_from_env(environ: Mapping[str, str] = os.environ) -> ModelProvider:
    """The provider the environment asks for.

    ``CHATLOOM_MODEL`` names a model behind ``OPENAI_BASE_URL`` (default OpenAI) with
    ``OPENAI_API_KEY``. Unset, or ``local``, means the embedded model: an API key that
    happens to be in the shell never switches an app to a paid API on its own.
    """
    model = environ.get("CHATLOOM_MODEL", "").strip()
    if not model or model == "local":
        return LocalProvider()
    return OpenAICompatibleProvider.from_env(environ)


__all__ = [
    "ChunkParser",
    "Finish",
    "LocalProvider",
    "ModelEvent",
    "ModelProvider",
    "ModelRequest",
    "OpenAICompatibleProvider",
    "ProviderError",
    "ReasoningDelta",
    "TextDelta",
    "ToolCallRequest",
    "provider_from_env",
]
