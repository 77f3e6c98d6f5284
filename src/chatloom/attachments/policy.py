"""What users may upload: size, types, per-user and per-address quotas. Set on the
server, never by the client.

Every attachment store enforces the same objects, on the bytes actually received:

* :class:`UploadPolicy`: the server's limits; :meth:`UploadPolicy.for_context` narrows
  them for one request (a context that :class:`LimitsUploads`, e.g. a hosted session's
  ``file_upload.max_file_size``), :meth:`UploadPolicy.for_reservation` to the size a
  two-phase upload declared.
* :class:`ClientUploads`: what each client address uploaded lately, so users who
  make themselves new identities (anonymous mode) still share one allowance.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from . import errors

MiB = 1024 * 1024
GiB = 1024 * MiB

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


@runtime_checkable
class LimitsUploads(Protocol):
    """A request context that lowers the upload size limit for its requests."""

    @property
    def upload_max_bytes(self) -> int | None: ...


@dataclass(frozen=True)
class UploadPolicy:
    """Limits every upload is checked against, whatever the element was told.

    ``allowed_types`` holds exact MIME types or ``type/*`` patterns. A quota of ``None``
    is no limit; user quotas count every attachment the user still has, sent or not;
    client quotas count what one client address uploaded in the last
    ``client_window`` seconds.
    """

    max_bytes: int = 20 * MiB
    allowed_types: tuple[str, ...] = DEFAULT_TYPES
    user_quota_bytes: int | None = 500 * MiB
    user_quota_count: int | None = 1000
    client_quota_bytes: int | None = 2 * GiB
    client_quota_count: int | None = 500
    client_window: float = 3600
    max_image_pixels: int = 50_000_000
    """Larger images are refused before they are decoded (decompression bombs)."""
    max_image_decode_bytes: int = 160 * MiB
    """Images whose decoded pixels need more memory are refused before decoding:
    a 16-bit or many-channel image reaches it with fewer pixels."""

    def allows(self, mime_type: str) -> bool:
        major = mime_type.split("/", 1)[0]
        return mime_type in self.allowed_types or f"{major}/*" in self.allowed_types

    def for_context(self, context: Any) -> UploadPolicy:
        """This policy, narrowed by a context that :class:`LimitsUploads`."""
        limit = context.upload_max_bytes if isinstance(context, LimitsUploads) else None
        return self._at_most(limit)

    def for_reservation(self, declared_size: int) -> UploadPolicy:
        """The policy for the bytes of a two-phase upload: no more than were declared
        (and checked, and charged to the quota) when the upload was reserved."""
        return self._at_most(declared_size)

    def _at_most(self, limit: int | None) -> UploadPolicy:
        if limit is None or limit >= self.max_bytes:
            return self
        return dataclasses.replace(self, max_bytes=limit)

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

    def check_client(self, count: int, total_bytes: int) -> None:
        """Refuse a client address that would have uploaded ``count`` files of
        ``total_bytes`` within the window."""
        hours = f"{self.client_window / 3600:g} h"
        if self.client_quota_count is not None and count > self.client_quota_count:
            raise errors.quota_exceeded(
                f"at most {self.client_quota_count} files per address in {hours}"
            )
        if self.client_quota_bytes is not None and total_bytes > self.client_quota_bytes:
            limit = errors.human_size(self.client_quota_bytes)
            raise errors.quota_exceeded(f"at most {limit} per address in {hours}")


def client_address(context: Any) -> str | None:
    """The address of the client behind a request context (its ``request``), if any."""
    request = getattr(context, "request", None)
    client = getattr(request, "client", None)
    host = getattr(client, "host", None)
    return host if isinstance(host, str) else None


class ClientUploads:
    """Uploads per client address over a sliding window of ``policy.client_window``
    seconds, in process. Memory is bounded by the addresses active in the window."""

    def __init__(self, policy: UploadPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.clock = clock
        self._uploads: dict[str, deque[_Charge]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def start(self, context: Any, policy: UploadPolicy | None = None) -> ClientAllowance | None:
        """Count one more upload for the context's client address (429 past the
        quota); ``None`` when the context has no address or there is no client quota."""
        policy = policy or self.policy
        address = client_address(context)
        if address is None or (
            policy.client_quota_count is None and policy.client_quota_bytes is None
        ):
            return None
        with self._lock:
            charges = self._live(address)
            used = sum(charge.size for charge in charges)
            policy.check_client(len(charges) + 1, used)
            charge = _Charge(self.clock())
            charges.append(charge)
        return ClientAllowance(policy, len(charges), used, charge)

    def _live(self, address: str) -> deque[_Charge]:
        now = self.clock()
        horizon = now - self.policy.client_window
        if now >= self._next_sweep:  # drop idle addresses now and then, not on every call
            self._next_sweep = now + self.policy.client_window
            for idle in [key for key, q in self._uploads.items() if not q or q[-1].at <= horizon]:
                del self._uploads[idle]
        charges = self._uploads.setdefault(address, deque())
        while charges and charges[0].at <= horizon:
            charges.popleft()
        return charges


@dataclass
class _Charge:
    at: float
    size: int = 0


@dataclass
class ClientAllowance:
    """One upload's share of its client address's quota, checked as bytes arrive."""

    policy: UploadPolicy
    count: int
    used_bytes: int
    charge: _Charge

    def grow(self, size: int) -> None:
        """The upload now holds ``size`` bytes (429 past the address's quota)."""
        self.charge.size = size
        self.policy.check_client(self.count, self.used_bytes + size)
