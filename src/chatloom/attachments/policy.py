"""What users may upload: size, types, per-user quotas. Set on the server, never by the client."""

from __future__ import annotations

from dataclasses import dataclass

from . import errors

MiB = 1024 * 1024

DEFAULT_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/markdown",
    "text/csv",
    "application/json",
)


@dataclass(frozen=True)
class UploadPolicy:
    """Limits every upload is checked against, whatever the element was told.

    ``allowed_types`` holds exact MIME types or ``type/*`` patterns. A quota of ``None``
    is no limit; quotas count every attachment the user still has, sent or not.
    """

    max_bytes: int = 20 * MiB
    allowed_types: tuple[str, ...] = DEFAULT_TYPES
    user_quota_bytes: int | None = 500 * MiB
    user_quota_count: int | None = 1000
    max_image_pixels: int = 50_000_000
    """Larger images are refused before they are decoded (decompression bombs)."""

    def allows(self, mime_type: str) -> bool:
        major = mime_type.split("/", 1)[0]
        return mime_type in self.allowed_types or f"{major}/*" in self.allowed_types

    def check_type(self, mime_type: str) -> None:
        if not self.allows(mime_type):
            raise errors.unsupported_type(mime_type)

    def check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise errors.too_large(self.max_bytes)

    def check_quota(self, count: int, total_bytes: int) -> None:
        """Refuse a user who would hold ``count`` attachments of ``total_bytes``."""
        if self.user_quota_count is not None and count > self.user_quota_count:
            raise errors.quota_exceeded(f"at most {self.user_quota_count} files per user")
        self.check_bytes_quota(total_bytes)

    def check_bytes_quota(self, total_bytes: int) -> None:
        if self.user_quota_bytes is not None and total_bytes > self.user_quota_bytes:
            raise errors.quota_exceeded(
                f"at most {errors.human_size(self.user_quota_bytes)} per user"
            )
