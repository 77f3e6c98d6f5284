"""What a code run did that costs or shows something, kept so a later request can replay it.

An approval ends the request that reached it; the answer comes in a later one. The
exported function cannot be paused across requests, so it runs again from the start and
every step it already took is answered from this journal instead of being redone: each
agent run's result, each guardrail verdict, each document search and each approval
decision, in the order they happened. The program must therefore take the same steps
again given the same answers (code between steps may not depend on time or randomness);
a step that differs from the recorded one stops the run with a clear error.

Entries are plain JSON (stored with the thread's workflow state) and bounded: at most
:data:`MAX_ENTRIES`, :data:`MAX_CHARS` of JSON in all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..engine.context import WorkflowRunError

MAX_ENTRIES = 200
MAX_CHARS = 1_000_000


@dataclass(frozen=True)
class Recorded:
    value: Any


@dataclass
class Journal:
    entries: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0
    chars: int = 0

    def __post_init__(self) -> None:
        self.chars = len(json.dumps(self.entries, default=str))

    def replay(self, kind: str, key: str) -> Recorded | None:
        """The recorded result of the next step, or ``None`` once past the recording."""
        if self.position >= len(self.entries):
            return None
        entry = self.entries[self.position]
        if entry.get("kind") != kind or entry.get("key") != key:
            raise WorkflowRunError(
                f"The program took another step when it ran again ({kind} {key!r} where "
                f"{entry.get('kind')} {entry.get('key')!r} was recorded): code between steps "
                "must not depend on time or randomness."
            )
        self.position += 1
        return Recorded(entry.get("value"))

    def record(self, kind: str, key: str, value: Any) -> None:
        entry = {"kind": kind, "key": key, "value": value}
        self.chars += len(json.dumps(entry, default=str))
        if len(self.entries) >= MAX_ENTRIES or self.chars > MAX_CHARS:
            raise WorkflowRunError(
                f"This run took more steps than can be replayed ({MAX_ENTRIES} steps, "
                f"{MAX_CHARS} characters)."
            )
        self.entries.append(entry)
        self.position += 1


__all__ = ["MAX_CHARS", "MAX_ENTRIES", "Journal", "Recorded"]
