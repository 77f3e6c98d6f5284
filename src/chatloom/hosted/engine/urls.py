"""The URL filter guardrail: URLs found with RE2 (linear time), checked against lists."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..linear_regex import bounded, compile_pattern
from ..workflow.model import UrlFilterCheck

# A scheme and "://", a bare "www." host, or a script/data scheme; up to whitespace or a
# closing bracket or quote.
_URL = r"(?i)\b(?:[a-z][a-z0-9+.-]{0,15}://|www\.|(?:javascript|data|vbscript):)[^\s<>\"'`)\]}]+"


def _host_matches(host: str, domains: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for domain in domains:
        domain = domain.lower().strip().lstrip("*.").rstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def _verdict(url: str, check: UrlFilterCheck) -> str | None:
    """Why ``url`` is blocked, or None."""
    if url.lower().startswith("www."):
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme.lower() not in [s.lower() for s in check.allowed_schemes]:
        return f"scheme {parts.scheme!r} not allowed"
    if check.block_userinfo and "@" in parts.netloc:
        return "credentials in the URL"
    host = parts.hostname or ""
    if _host_matches(host, check.deny):
        return f"host {host!r} is denied"
    if check.allow and not _host_matches(host, check.allow):
        return f"host {host!r} is not allowed"
    return None


def filter_urls(text: str, check: UrlFilterCheck) -> dict[str, Any]:
    """The check's report: ``failed`` and each blocked URL with the reason."""
    blocked = []
    for match in compile_pattern(_URL).finditer(bounded(text)):
        url = match.group().rstrip(".,;:!?")
        reason = _verdict(url, check)
        if reason is not None:
            blocked.append({"url": url[:200], "reason": reason})
    return {"failed": bool(blocked), "blocked": blocked[:20], "blocked_count": len(blocked)}


__all__ = ["filter_urls"]
