"""``DiskAttachmentStore``: attachment bytes in a directory, served by the chatloom app.

Layout of ``directory``::

    files/<id>            the bytes, under the generated id (never the client's name)
    previews/<id>.webp    thumbnails of images
    incoming/             uploads still arriving (moved into files/ when complete)
    index.sqlite3         owner, display name, type, size and state of each file
    signing.key           the key for signed URLs, when none is configured

Both upload strategies of the element are served: ``direct`` (a multipart POST to
:attr:`path`) and ``two_phase`` (``attachments.create`` hands out a signed,
expiring, single-use upload URL).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.routing import BaseRoute

from ..http import ContextFactory, RequestContext
from ..store import AttachmentStore, NotFoundError, Store, TContext, user_id_of
from ..types import (
    Attachment,
    AttachmentCreateParams,
    AttachmentUploadDescriptor,
    FileAttachment,
    ImageAttachment,
)
from . import cleanup, errors, routes, sniffing
from .extract import ContentPart, ModelContentLimits, content_parts
from .images import InvalidImage, TooManyPixels, has_preview, make_preview
from .index import FileIndex, FileRecord
from .naming import SAFE_ID, display_name
from .policy import UploadPolicy
from .signing import UrlSigner, load_or_create_key
from .uploads import RequestBody, TypeCheck, UploadSink, receive


def _owner_context(owner: str) -> RequestContext:
    return RequestContext(user_id=owner)


class DiskAttachmentStore(AttachmentStore[TContext]):
    """Uploads, previews and downloads of attachments kept under ``directory``.

    ``policy`` limits what users may upload. ``secret`` signs URLs (default: a random
    key kept in the directory). ``public_base_url`` is the app's external URL, used
    for the absolute URLs handed to clients (default: the URL of each request).
    ``path`` is where the app serves the routes: the element's ``uploadUrl``.
    ``owner_context`` makes the context the :class:`~chatloom.store.Store` is called
    with when there is no request from the owner (a two-phase upload, cleanup).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        policy: UploadPolicy | None = None,
        secret: str | bytes | None = None,
        public_base_url: str | None = None,
        path: str = "/chatkit/files",
        upload_url_ttl: float = 15 * 60,
        orphan_ttl: float = 24 * 3600,
        cleanup_interval: float = 3600,
        model_limits: ModelContentLimits | None = None,
        owner_context: Callable[[str], Any] = _owner_context,
    ) -> None:
        self.directory = Path(directory)
        self.policy = policy or UploadPolicy()
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.path = "/" + path.strip("/")
        self.upload_url_ttl = upload_url_ttl
        self.orphan_ttl = orphan_ttl
        self.cleanup_interval = cleanup_interval
        self.model_limits = model_limits or ModelContentLimits()
        self.owner_context = owner_context
        for folder in ("files", "previews", "incoming"):
            (self.directory / folder).mkdir(parents=True, exist_ok=True)
        if secret is None:
            key = load_or_create_key(self.directory / "signing.key")
        else:
            key = secret.encode() if isinstance(secret, str) else secret
        self.signer = UrlSigner(key)
        self.index = FileIndex(self.directory / "index.sqlite3")

    def close(self) -> None:
        self.index.close()

    # --- where things are ---------------------------------------------------------------

    def file_path(self, attachment_id: str) -> Path:
        return self.directory / "files" / attachment_id

    def preview_path(self, attachment_id: str) -> Path:
        return self.directory / "previews" / f"{attachment_id}.webp"

    def incoming_dir(self) -> Path:
        return self.directory / "incoming"

    def base_url(self, request: Request | None) -> str:
        """The app's external URL: configured, or that of the request being served."""
        if self.public_base_url is not None:
            return self.public_base_url
        if request is None:
            raise RuntimeError(
                "DiskAttachmentStore needs public_base_url when the request context "
                "carries no HTTP request"
            )
        return str(request.base_url).rstrip("/")

    def _signed_url(self, base: str, attachment_id: str, action: str, expires: int | None) -> str:
        """The URL of ``action`` (``upload``, ``preview``), signed for that action only."""
        query = urlencode(self.signer.query(action, attachment_id, expires))
        return f"{base}{self.path}/{attachment_id}/{action}?{query}"

    # --- the AttachmentStore contract ---------------------------------------------------

    async def create_attachment(
        self, input: AttachmentCreateParams, context: TContext
    ) -> Attachment:
        """Reserve an attachment and a signed upload URL (two-phase upload).

        The declared type and size are checked now (415, 413) and the declared size
        is charged to the quota (429) until the real bytes replace it.
        """
        name = display_name(input.name)
        mime_type = sniffing.resolve_type(input.mime_type, name, b"")
        self.policy.check_type(mime_type)
        self.policy.check_size(input.size)
        record = FileRecord(
            id=self._new_id(mime_type, context),
            owner=user_id_of(context),
            name=name,
            mime_type=mime_type,
            size=input.size,
            state="pending",
            created_at=time.time(),
        )
        await self.index.add(record, self.policy)
        request = getattr(context, "request", None)
        base = self.base_url(request if isinstance(request, Request) else None)
        expires = int(time.time() + self.upload_url_ttl)
        upload_url = self._signed_url(base, record.id, "upload", expires)
        descriptor = AttachmentUploadDescriptor.model_validate(
            {"url": upload_url, "method": "POST", "headers": {}}
        )
        return self.attachment(record, base, descriptor)

    async def delete_attachment(self, attachment_id: str, context: TContext) -> None:
        """Delete the bytes and the preview; another user's attachment is not found."""
        record = await self.index.get(attachment_id)
        if record is None:
            return
        if record.owner != user_id_of(context):
            raise NotFoundError(f"Attachment {attachment_id} not found")
        await self.forget(attachment_id)

    def _new_id(self, mime_type: str, context: TContext) -> str:
        attachment_id = self.generate_attachment_id(mime_type, context)
        # Ids name files on disk: an overridden generator must not reach outside.
        if not SAFE_ID.fullmatch(attachment_id):
            raise RuntimeError(f"Unsafe attachment id {attachment_id!r}")
        return attachment_id

    # --- the model seam ---------------------------------------------------------------

    async def model_content(self, attachment: Attachment, context: TContext) -> list[ContentPart]:
        """The attachment as OpenAI Chat Completions content parts for the user's turn.

        Images as ``image_url`` (a ``data:`` URL, downscaled when huge), text and PDF
        as ``text`` (truncated with a note), anything else, or a file that is gone or
        not the user's, as a short note. Never raises for a missing file: one lost
        attachment should not end the conversation.
        """
        record = await self.index.get(attachment.id)
        if record is None or record.owner != user_id_of(context):
            note = f"[The attachment {attachment.name} is no longer available.]"
            return [{"type": "text", "text": note}]
        path = self.file_path(record.id) if record.state == "ready" else None
        return await anyio.to_thread.run_sync(
            content_parts,
            path,
            record.name,
            record.mime_type,
            self.model_limits,
            self.policy.max_image_pixels,
        )

    # --- uploads (called by the routes) ---------------------------------------------

    def attachment(
        self,
        record: FileRecord,
        base: str,
        upload_descriptor: AttachmentUploadDescriptor | None = None,
    ) -> Attachment:
        """The wire attachment for ``record``; images get a signed preview URL."""
        if has_preview(record.mime_type):
            preview = self._signed_url(base, record.id, "preview", None)
            return ImageAttachment.model_validate(
                {
                    "id": record.id,
                    "name": record.name,
                    "mime_type": record.mime_type,
                    "upload_descriptor": upload_descriptor,
                    "preview_url": preview,
                }
            )
        return FileAttachment(
            id=record.id,
            name=record.name,
            mime_type=record.mime_type,
            upload_descriptor=upload_descriptor,
        )

    async def receive_direct(self, body: RequestBody, context: TContext, base: str) -> Attachment:
        """Store a direct upload for the context's user (the caller saves it in the Store)."""
        owner = user_id_of(context)
        count, used = await self.index.usage(owner)
        self.policy.check_quota(count + 1, used)
        sink = self._sink(used, self._check_declared_type)
        mime_type = await receive(body, sink, raw_allowed=False)
        record = FileRecord(
            id=self._new_id(mime_type, context),
            owner=owner,
            name=display_name(sink.filename),
            mime_type=mime_type,
            size=sink.size,
            state="ready",
            created_at=time.time(),
        )
        await self._keep(sink, record.id, lambda: self.index.add(record, self.policy))
        return self.attachment(record, base)

    async def receive_two_phase(self, body: RequestBody, attachment_id: str) -> FileRecord:
        """Store the bytes of a reserved attachment; its URL is then used up (410)."""
        record = await self.index.get(attachment_id)
        if record is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        if not await self.index.claim_upload(attachment_id):
            raise errors.UploadRejected(
                410, "upload_url_used", "This upload URL has already been used"
            )

        def check_type(declared: str | None, name: str | None, head: bytes) -> str:
            # The type was declared (and allowed) when the upload was reserved.
            return self._check_content(record.mime_type, head)

        try:
            _, used = await self.index.usage(record.owner)
            sink = self._sink(used - record.size, check_type)
            await receive(body, sink, raw_allowed=True)
            await self._keep(
                sink,
                attachment_id,
                lambda: self.index.complete_upload(attachment_id, sink.size, self.policy),
            )
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self.index.release_upload(attachment_id)
            raise
        return dataclasses.replace(record, size=sink.size, state="ready")

    def _sink(self, used_bytes: int, check_type: TypeCheck) -> UploadSink:
        path = self.incoming_dir() / secrets.token_hex(16)
        return UploadSink(path, self.policy, used_bytes, check_type)

    def _check_declared_type(self, declared: str | None, name: str | None, head: bytes) -> str:
        mime_type = sniffing.resolve_type(declared, display_name(name), head)
        self.policy.check_type(mime_type)
        return self._check_content(mime_type, head)

    @staticmethod
    def _check_content(mime_type: str, head: bytes) -> str:
        if not sniffing.matches(mime_type, head):
            raise errors.content_mismatch(mime_type)
        return mime_type

    async def _keep(
        self, sink: UploadSink, attachment_id: str, register: Callable[[], Awaitable[None]]
    ) -> None:
        """Make the preview (proving an image decodes), move the bytes into place, then
        ``register`` them (the quota's last word). A failure leaves no file behind."""
        mime_type = sink.mime_type or ""
        try:
            if has_preview(mime_type):
                await anyio.to_thread.run_sync(
                    make_preview,
                    sink.path,
                    mime_type,
                    self.preview_path(attachment_id),
                    self.policy.max_image_pixels,
                )
            os.replace(sink.path, self.file_path(attachment_id))
            await register()
        except BaseException as error:
            sink.discard()
            with anyio.CancelScope(shield=True):
                await self._remove_files(attachment_id)
            if isinstance(error, TooManyPixels):
                raise errors.UploadRejected(413, "file_too_large", str(error)) from error
            if isinstance(error, InvalidImage):
                raise errors.content_mismatch(mime_type) from error
            raise

    # --- removal and upkeep ---------------------------------------------------------

    async def forget(self, attachment_id: str) -> None:
        """Delete the bytes, the preview and the record."""
        await self._remove_files(attachment_id)
        await self.index.remove(attachment_id)

    async def _remove_files(self, attachment_id: str) -> None:
        def work() -> None:
            self.file_path(attachment_id).unlink(missing_ok=True)
            self.preview_path(attachment_id).unlink(missing_ok=True)

        await anyio.to_thread.run_sync(work)

    async def unsent_before(self, cutoff: float) -> list[FileRecord]:
        return await self.index.unsent_before(cutoff)

    async def mark_sent(self, record: FileRecord) -> None:
        await self.index.mark_in_message(record.id)

    async def forget_record(self, record: FileRecord) -> None:
        await self.forget(record.id)

    async def cleanup(self, store: Store[Any], *, older_than: float | None = None) -> int:
        """Delete attachments never sent in a message within ``older_than`` seconds
        (default :attr:`orphan_ttl`), bytes and metadata; the number deleted."""
        older_than = self.orphan_ttl if older_than is None else older_than
        removed = await cleanup.remove_orphans(self, store, older_than)
        await anyio.to_thread.run_sync(self._remove_stale_incoming, time.time() - older_than)
        return removed

    def _remove_stale_incoming(self, cutoff: float) -> None:
        """Partial uploads a crashed or killed process left behind."""
        for partial in self.incoming_dir().iterdir():
            try:
                if partial.stat().st_mtime < cutoff:
                    partial.unlink()
            except FileNotFoundError:  # finished or removed meanwhile
                continue

    def lifespan(self, store: Store[Any]) -> AbstractAsyncContextManager[None]:
        """Run :meth:`cleanup` every :attr:`cleanup_interval` seconds while the app runs."""
        return cleanup.every(self.cleanup_interval, lambda: self.cleanup(store))

    # --- HTTP ---------------------------------------------------------------------------

    def routes(self, store: Store[Any], context: ContextFactory) -> list[BaseRoute]:
        """The upload, preview and download routes, under :attr:`path`."""
        return routes.attachment_routes(self, store, context)
