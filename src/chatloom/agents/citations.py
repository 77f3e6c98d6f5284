"""Sources found by tools during a turn, and the citations that tie them to the answer.

Tool results list their sources to the model numbered ``[1]``, ``[2]``...; markers the
model writes become annotations at that spot (the markers themselves are taken out of
the final text, the client draws its own). An answer that cites nothing still lists
the turn's sources, at its end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..types import Annotation, Source

_MARKER = re.compile(r"[ \t]?\[(\d+(?:\s*,\s*\d+)*)\]")


class TurnSources:
    def __init__(self) -> None:
        self.sources: list[Source] = []
        self._cited: set[int] = set()

    def add(self, sources: Sequence[Source]) -> str:
        """Number ``sources`` and return the text that presents them to the model."""
        if not sources:
            return ""
        lines = ["", "Sources (cite them by number, like [1]):"]
        for source in sources:
            self.sources.append(source)  # titles only: models copy URLs into answers
            lines.append(f"[{len(self.sources)}] {source.title}")
        return "\n".join(lines)

    def cite(self, text: str) -> tuple[str, list[Annotation]]:
        """``text`` without citation markers, and its annotations."""
        annotations: list[Annotation] = []
        kept: list[str] = []
        position = 0  # length of the cleaned text so far
        last = 0
        for match in _MARKER.finditer(text):
            numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
            if not all(1 <= n <= len(self.sources) for n in numbers):
                continue  # not one of ours (e.g. "[2024]"): leave it in the text
            kept.append(text[last : match.start()])
            position += match.start() - last
            last = match.end()
            for number in numbers:
                annotations.append(Annotation(source=self.sources[number - 1], index=position))
                self._cited.add(number)
        kept.append(text[last:])
        cleaned = "".join(kept)
        if not annotations:
            end = len(cleaned)
            for number, source in enumerate(self.sources, start=1):
                if number not in self._cited:
                    annotations.append(Annotation(source=source, index=end))
                    self._cited.add(number)
        return cleaned, annotations


__all__ = ["TurnSources"]
