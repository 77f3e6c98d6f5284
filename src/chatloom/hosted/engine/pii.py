"""PII detection with RE2 patterns (linear in the text), using Presidio's entity names.

Lookarounds are not RE2: where a pattern needs one, the finding is one group of a
wider match, or a check on the matched text refuses it (reserved SSN ranges, Luhn).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..linear_regex import bounded, compile_pattern


def _luhn(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()][::-1]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
    )
    return 13 <= len(digits) <= 19 and total % 10 == 0


def _ssn(number: str) -> bool:
    area, group, serial = number.split("-")
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


@dataclass(frozen=True)
class Detector:
    pattern: str
    confirm: Callable[[str], bool] | None = None
    group: int = 0  # the group that is the finding (0: the whole match)

    @property
    def compiled(self) -> Any:
        return compile_pattern(self.pattern)


_WORD = r"[\p{L}\p{N}_]"
DETECTORS: dict[str, Detector] = {
    "EMAIL_ADDRESS": Detector(rf"(?:{_WORD}|[.+-])+@(?:{_WORD}|-)+(?:\.(?:{_WORD}|-)+)+"),
    "CREDIT_CARD": Detector(r"\b(?:\d[ -]?){12,18}\d\b", _luhn),
    "US_SSN": Detector(r"\b\d{3}-\d{2}-\d{4}\b", _ssn),
    "PHONE_NUMBER": Detector(
        r"(?:^|[^\w-])((?:\+?\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4})\b",
        group=1,
    ),
    "IP_ADDRESS": Detector(
        r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"
    ),
    "IBAN_CODE": Detector(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"),
}


def _mask(text: str, entity: str, detector: Detector) -> tuple[str, int]:
    pieces: list[str] = []
    found, last = 0, 0
    for match in detector.compiled.finditer(text):
        start, end = match.span(detector.group)
        if detector.confirm is not None and not detector.confirm(text[start:end]):
            continue
        pieces += [text[last:start], f"<{entity}>"]
        last = end
        found += 1
    return "".join([*pieces, text[last:]]), found


def find_pii(text: str, entities: list[str] | None) -> tuple[str, dict[str, int]]:
    """``text`` with each finding replaced by ``<ENTITY>``, and the counts per entity.

    Raises :class:`~chatloom.hosted.linear_regex.RegexError` for a text too long to scan.
    """
    bounded(text)
    counts: dict[str, int] = {}
    for entity, detector in DETECTORS.items():
        if entities is not None and entity not in entities:
            continue
        text, found = _mask(text, entity, detector)
        if found:
            counts[entity] = found
    return text, counts


__all__ = ["DETECTORS", "find_pii"]
