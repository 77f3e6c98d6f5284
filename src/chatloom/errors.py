"""Errors a handler raises to end a stream with a user-facing ``error`` event."""

from abc import ABC
from enum import StrEnum


class ErrorCode(StrEnum):
    """Known error codes; the wire accepts others too (the set is open)."""

    STREAM_ERROR = "stream.error"


DEFAULT_STATUS: dict[ErrorCode, int] = {ErrorCode.STREAM_ERROR: 500}
DEFAULT_ALLOW_RETRY: dict[ErrorCode, bool] = {ErrorCode.STREAM_ERROR: True}


class BaseStreamError(ABC, Exception):
    allow_retry: bool


class StreamError(BaseStreamError):
    """An error with a well-known ``code``; the client shows its own localized text."""

    def __init__(self, code: ErrorCode, *, allow_retry: bool | None = None) -> None:
        super().__init__(code.value if isinstance(code, ErrorCode) else str(code))
        self.code = code
        self.status_code = DEFAULT_STATUS.get(code, 500)
        self.allow_retry = (
            DEFAULT_ALLOW_RETRY.get(code, False) if allow_retry is None else allow_retry
        )


class CustomStreamError(BaseStreamError):
    """An error whose ``message`` is shown to the user as is (localize it yourself)."""

    def __init__(self, message: str, allow_retry: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.allow_retry = allow_retry


class RequestError(ValueError):
    """A request the server refuses before streaming starts (HTTP 4xx).

    A ``ValueError`` so code written against the reference SDK, which raises plain
    ``ValueError`` for these cases, still catches it.
    """

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


__all__ = [
    "DEFAULT_ALLOW_RETRY",
    "DEFAULT_STATUS",
    "BaseStreamError",
    "CustomStreamError",
    "ErrorCode",
    "RequestError",
    "StreamError",
]
