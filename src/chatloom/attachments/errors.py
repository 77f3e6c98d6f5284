"""The one error an upload is refused with: an HTTP status, a stable kind, a message.

A :class:`~chatloom.errors.RequestError`, so a refusal raised inside ``server.process``
(``attachments.create``) becomes a 4xx JSON error on the ChatKit endpoint too.
"""

from __future__ import annotations

from ..errors import RequestError


class UploadRejected(RequestError):
    """The server will not store (or serve) this file; ``message`` is for the user."""

    def __init__(self, status_code: int, kind: str, message: str) -> None:
        super().__init__(message, status_code)
        self.kind = kind


def too_large(limit: int) -> UploadRejected:
    return UploadRejected(413, "file_too_large", f"The file is larger than {human_size(limit)}")


def unsupported_type(mime_type: str) -> UploadRejected:
    return UploadRejected(
        415, "unsupported_file_type", f"Files of type {mime_type or 'unknown'} are not accepted"
    )


def content_mismatch(mime_type: str) -> UploadRejected:
    return UploadRejected(
        415, "unsupported_file_type", f"The file's content is not valid {mime_type}"
    )


def quota_exceeded(what: str) -> UploadRejected:
    return UploadRejected(429, "quota_exceeded", f"Upload quota exceeded: {what}")


def bad_upload(message: str) -> UploadRejected:
    return UploadRejected(400, "bad_upload", message)


def human_size(count: int) -> str:
    value, unit = float(count), "bytes"
    for bigger in ("KiB", "MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{count} bytes" if unit == "bytes" else f"{value:.3g} {unit}"
