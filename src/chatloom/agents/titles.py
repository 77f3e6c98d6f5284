"""Thread titles: a short model call, checked, with a plain fallback.

The history list shows threads by title and threads start untitled. Set
``thread.title`` inside ``respond``; the server saves it and sends ``thread.updated``.
"""

from __future__ import annotations

import re

from ..logger import logger
from ..types import ThreadMetadata, UserMessageItem, UserMessageTextContent
from .providers.base import ModelProvider, ModelRequest, ProviderError, TextDelta

TITLE_INSTRUCTIONS = (
    "You name chat conversations. Reply with a title of three to six words for a "
    "conversation that opens with the user's message. Reply with the title only."
)
MAX_TITLE_WORDS = 8


def fallback_title(text: str, words: int = 6) -> str:
    """The opening words of the user's message."""
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    parts = first_line.split()
    if not parts:
        return "New chat"
    title = " ".join(parts[:words])
    return title + "…" if len(parts) > words else title


def _clean(raw: str) -> str | None:
    lines = [line for line in raw.strip().splitlines() if line.strip()]
    if not lines:
        return None
    title = re.sub(r"^(title\s*:\s*)", "", lines[0].strip(), flags=re.IGNORECASE)
    title = title.strip(" \"'`*#.").strip()
    if not title or len(title.split()) > MAX_TITLE_WORDS or len(title) > 80:
        return None  # the model wrote a sentence, not a title
    return title


async def generate_title(provider: ModelProvider, text: str, *, model: str | None = None) -> str:
    """A few words naming a conversation that starts with ``text``."""
    request = ModelRequest(
        messages=[
            {"role": "system", "content": TITLE_INSTRUCTIONS},
            {"role": "user", "content": text[:2000]},
        ],
        model=model,
        temperature=0.2,
        max_tokens=24,
    )
    raw = ""
    try:
        async for event in provider.stream(request):
            if isinstance(event, TextDelta):
                raw += event.text
    except ProviderError as error:
        logger.warning("Could not generate a thread title: %s", error.message)
    return _clean(raw) or fallback_title(text)


def message_text(message: UserMessageItem) -> str:
    return " ".join(
        part.text if isinstance(part, UserMessageTextContent) else f"@{part.text}"
        for part in message.content
    )


async def ensure_title(
    thread: ThreadMetadata,
    message: UserMessageItem | None,
    provider: ModelProvider,
    *,
    model: str | None = None,
) -> None:
    """Give an untitled thread a title from its first user message."""
    if thread.title is None and message is not None:
        text = message_text(message).strip()
        if text:
            thread.title = await generate_title(provider, text, model=model)


__all__ = ["ensure_title", "fallback_title", "generate_title", "message_text"]
