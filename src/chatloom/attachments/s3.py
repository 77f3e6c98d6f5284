"""``S3AttachmentStore``: attachment bytes in any S3-compatible bucket.

Needs the ``[s3]`` extra (obstore). Keys, under the configured prefix::

    uploads/<id>          where a browser's two-phase upload lands (presigned PUT)
    files/<id>            the verified bytes (never written by a client)
    previews/<id>.webp    thumbnails of images
    records/<id>.json     owner, display name, type, size and state of each file
    unsent/<id>           a marker while the attachment is in no message (cleanup)

Two-phase uploads go from the browser straight to the bucket: ``attachments.create``
returns a presigned ``PUT`` that signs the declared ``Content-Type`` and
``Content-Length``, so the bucket refuses any other type or size. Before the attachment
can be sent (or previewed) the app verifies what arrived: the size from a ``HEAD``, the
type sniffed from a ranged ``GET`` of the first bytes, images decoded into a preview;
then it copies the bytes to ``files/``, which no client can write. A replayed upload
URL only rewrites ``uploads/<id>``, which is never read again.

Direct uploads are received by the app (checked while they stream, spooled to a
bounded temporary file) and then written to the bucket. Downloads and previews are
short-lived presigned ``GET`` URLs, handed out by the app's routes after the same
ownership checks as on disk. Every instance sees the same bucket, so nothing here is
per-process except what :class:`~chatloom.shared.UsageLedger` and
:class:`~chatloom.shared.OnceMarks` keep: pass their Redis implementations when
several instances serve the app.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import anyio.to_thread

try:
    import obstore
    from obstore.exceptions import NotFoundError as ObjectNotFound
    from obstore.store import S3Store
except ImportError as error:  # pragma: no cover - depends on the installed extras
    message = "S3AttachmentStore needs the [s3] extra: pip install 'chatloom[s3]'"
    raise ImportError(message) from error
from starlette.requests import Request
from starlette.routing import BaseRoute

from ..config import S3Settings
from ..http import ContextFactory, RequestContext
from ..shared import OnceMarks, UsageLedger
from ..shared.memory import MemoryOnceMarks, MemoryUsageLedger
from ..store import AttachmentStore, NotFoundError, Store, TContext, user_id_of
from ..types import (
    Attachment,
    AttachmentCreateParams,
    AttachmentUploadDescriptor,
    FileAttachment,
    ImageAttachment,
)
from . import cleanup, errors, s3_routes, sniffing, workers
from .extract import ContentPart, ModelContentLimits, content_parts
from .images import InvalidImage, TooManyPixels, has_preview, make_preview
from .index import FileRecord
from .naming import SAFE_ID, content_disposition, display_name
from .policy import UploadPolicy
from .presign import Credentials, presign
from .signing import UrlSigner, app_base_url
from .uploads import RequestBody, UploadSink, receive

FINISH_CLAIM_SECONDS = 120.0


def _owner_context(owner: str) -> RequestContext:
    return RequestContext(user_id=owner)


class S3AttachmentStore(AttachmentStore[TContext]):
    """Uploads, previews and downloads of attachments kept in an S3 bucket.

    ``settings`` name the bucket and credentials (:func:`chatloom.config.s3_settings`
    reads them from ``CHATLOOM_S3_*``). ``ledger`` keeps each user's usage for the
    quotas and ``marks`` the single use of the step that finishes an upload: in
    process by default, Redis ones (:mod:`chatloom.shared.redis`) for several
    instances. ``secret`` signs the app's preview URLs (default: derived from the S3
    secret key, so every instance agrees). The other options are as for
    :class:`~chatloom.attachments.DiskAttachmentStore`.
    """

    def __init__(
        self,
        settings: S3Settings,
        *,
        policy: UploadPolicy | None = None,
        ledger: UsageLedger | None = None,
        marks: OnceMarks | None = None,
        secret: str | bytes | None = None,
        public_base_url: str | None = None,
        path: str = "/chatkit/files",
        upload_url_ttl: int = 15 * 60,
        download_url_ttl: int = 5 * 60,
        orphan_ttl: float = 24 * 3600,
        cleanup_interval: float = 3600,
        model_limits: ModelContentLimits | None = None,
        owner_context: Callable[[str], Any] = _owner_context,
    ) -> None:
        if settings.access_key_id is None or settings.secret_access_key is None:
            raise ValueError("S3AttachmentStore needs an access key id and secret to presign")
        self.settings = settings
        self.policy = policy or UploadPolicy()
        self.ledger: UsageLedger = ledger or MemoryUsageLedger()
        self.marks: OnceMarks = marks or MemoryOnceMarks()
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.path = "/" + path.strip("/")
        self.upload_url_ttl = upload_url_ttl
        self.download_url_ttl = download_url_ttl
        self.orphan_ttl = orphan_ttl
        self.cleanup_interval = cleanup_interval
        self.model_limits = model_limits or ModelContentLimits()
        self.owner_context = owner_context
        self.credentials = Credentials(
            settings.access_key_id, settings.secret_access_key, settings.region
        )
        endpoint = settings.endpoint or f"https://s3.{settings.region}.amazonaws.com"
        self.endpoint = endpoint.rstrip("/")
        self.public_endpoint = (settings.public_endpoint or endpoint).rstrip("/")
        self.prefix = f"{settings.prefix.strip('/')}/" if settings.prefix.strip("/") else ""
        self.bucket = S3Store(
            settings.bucket,
            endpoint=self.endpoint,
            access_key_id=settings.access_key_id,
            secret_access_key=settings.secret_access_key,
            region=settings.region,
            client_options={"allow_http": self.endpoint.startswith("http:")},
        )
        if secret is None:
            derived = hmac.new(
                settings.secret_access_key.encode(), b"chatloom url signing", hashlib.sha256
            )
            key = derived.digest()
        else:
            key = secret.encode() if isinstance(secret, str) else secret
        self.signer = UrlSigner(key)

    # --- where things are ---------------------------------------------------------------

    def key(self, kind: str, attachment_id: str) -> str:
        suffix = {"previews": ".webp", "records": ".json"}.get(kind, "")
        return f"{self.prefix}{kind}/{attachment_id}{suffix}"

    def base_url(self, request: Request | None) -> str:
        return app_base_url(self.public_base_url, request, "S3AttachmentStore")

    def presigned(self, method: str, key: str, expires_in: int, **options: Any) -> str:
        return presign(
            method,
            self.public_endpoint,
            self.settings.bucket,
            key,
            self.credentials,
            expires_in=expires_in,
            **options,
        )

    def download_url(self, record: FileRecord) -> str:
        """A short-lived URL of the bytes, named and typed for the browser."""
        return self.presigned(
            "GET",
            self.key("files", record.id),
            self.download_url_ttl,
            query={
                "response-content-disposition": content_disposition(record.name),
                "response-content-type": record.mime_type,
                "response-cache-control": "private, no-cache",
            },
        )

    def preview_redirect_url(self, attachment_id: str) -> str:
        return self.presigned(
            "GET",
            self.key("previews", attachment_id),
            self.download_url_ttl,
            query={"response-cache-control": "private, max-age=300"},
        )

    # --- records ------------------------------------------------------------------------

    async def record(self, attachment_id: str) -> FileRecord | None:
        if not SAFE_ID.fullmatch(attachment_id):
            return None
        try:
            result = await obstore.get_async(self.bucket, self.key("records", attachment_id))
        except (ObjectNotFound, FileNotFoundError):
            return None
        return FileRecord(**json.loads(bytes(await result.bytes_async())))

    async def _save_record(self, record: FileRecord) -> None:
        body = json.dumps(dataclasses.asdict(record)).encode()
        await obstore.put_async(self.bucket, self.key("records", record.id), body)

    async def owned_record(self, attachment_id: str, context: Any) -> FileRecord:
        record = await self.record(attachment_id)
        if record is None or record.owner != user_id_of(context):
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return record

    # --- the AttachmentStore contract ---------------------------------------------------

    async def create_attachment(
        self, input: AttachmentCreateParams, context: TContext
    ) -> Attachment:
        """Reserve an attachment and a presigned upload straight to the bucket.

        The declared type and size are checked now (415, 413) and charged to the quota
        (429); the presigned ``PUT`` only accepts exactly that type and size.
        """
        name = display_name(input.name)
        mime_type = sniffing.resolve_type(input.mime_type, name, b"")
        self.policy.check_type(mime_type)
        self.policy.check_size(input.size)
        if input.size < 1:
            raise errors.bad_upload("The file is empty")
        owner = user_id_of(context)
        record = FileRecord(
            id=self._new_id(mime_type, context),
            owner=owner,
            name=name,
            mime_type=mime_type,
            size=input.size,
            state="pending",
            created_at=time.time(),
        )
        await self._charge(owner, 1, record.size)
        try:
            await self._save_record(record)
            await obstore.put_async(self.bucket, self.key("unsent", record.id), b"")
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self.ledger.release(owner, 1, record.size)
            raise
        upload_url = self.presigned(
            "PUT",
            self.key("uploads", record.id),
            self.upload_url_ttl,
            headers={"Content-Type": mime_type, "Content-Length": str(record.size)},
        )
        descriptor = AttachmentUploadDescriptor.model_validate(
            {"url": upload_url, "method": "PUT", "headers": {"Content-Type": mime_type}}
        )
        request = getattr(context, "request", None)
        base = self.base_url(request if isinstance(request, Request) else None)
        return self.attachment(record, base, descriptor)

    async def delete_attachment(self, attachment_id: str, context: TContext) -> None:
        """Delete the objects and the record; another user's attachment is not found."""
        record = await self.record(attachment_id)
        if record is None:
            return
        if record.owner != user_id_of(context):
            raise NotFoundError(f"Attachment {attachment_id} not found")
        await self.forget_record(record)

    async def prepare_for_message(self, attachment: Attachment, context: TContext) -> Attachment:
        """Finish (verify) a two-phase upload before it is sent; refuse one that never
        arrived (400) or is not what was declared (415)."""
        record = await self.owned_record(attachment.id, context)
        if record.state != "ready":
            await self.finish_upload(record)
        return attachment.model_copy(update={"upload_descriptor": None})

    def _new_id(self, mime_type: str, context: TContext) -> str:
        attachment_id = self.generate_attachment_id(mime_type, context)
        if not SAFE_ID.fullmatch(attachment_id):  # ids are object keys
            raise RuntimeError(f"Unsafe attachment id {attachment_id!r}")
        return attachment_id

    async def _charge(self, owner: str, files: int, size: int) -> None:
        policy = self.policy
        if not await self.ledger.charge(
            owner, files, size, policy.user_quota_count, policy.user_quota_bytes
        ):
            held_files, held_bytes = await self.ledger.usage(owner)
            policy.check_quota(held_files + files, held_bytes + size)  # the precise 429
            raise errors.quota_exceeded("another upload just took the room left")

    # --- the model seam -----------------------------------------------------------------

    async def model_content(self, attachment: Attachment, context: TContext) -> list[ContentPart]:
        """As :meth:`DiskAttachmentStore.model_content`, reading the bytes from the bucket."""
        record = await self.record(attachment.id)
        if record is None or record.owner != user_id_of(context) or record.state != "ready":
            note = f"[The attachment {attachment.name} is no longer available.]"
            return [{"type": "text", "text": note}]
        async with self._downloaded(self.key("files", record.id)) as path:
            return await workers.run(
                content_parts, path, record.name, record.mime_type, self.model_limits, self.policy
            )

    @asynccontextmanager
    async def _downloaded(self, key: str) -> AsyncIterator[Path | None]:
        """The object in a temporary file (``None`` if it is gone), removed afterwards."""
        with tempfile.TemporaryDirectory(prefix="chatloom-s3-") as folder:
            path = Path(folder) / "object"
            try:
                result = await obstore.get_async(self.bucket, key)
                with path.open("wb") as file:
                    async for chunk in result:
                        await anyio.to_thread.run_sync(file.write, bytes(chunk))
            except (ObjectNotFound, FileNotFoundError):
                yield None
                return
            yield path

    # --- wire attachments ---------------------------------------------------------------

    def attachment(
        self,
        record: FileRecord,
        base: str,
        upload_descriptor: AttachmentUploadDescriptor | None = None,
    ) -> Attachment:
        """The wire attachment; images get the app's signed preview URL, which finishes
        the upload if needed and redirects to a short-lived presigned one."""
        if has_preview(record.mime_type):
            query = urlencode(self.signer.query("preview", record.id, None))
            return ImageAttachment.model_validate(
                {
                    "id": record.id,
                    "name": record.name,
                    "mime_type": record.mime_type,
                    "upload_descriptor": upload_descriptor,
                    "preview_url": f"{base}{self.path}/{record.id}/preview?{query}",
                }
            )
        return FileAttachment(
            id=record.id,
            name=record.name,
            mime_type=record.mime_type,
            upload_descriptor=upload_descriptor,
        )

    # --- finishing two-phase uploads ----------------------------------------------------

    async def finish_upload(self, record: FileRecord) -> FileRecord:
        """Verify what the browser uploaded and move it to ``files/``; the ready record.

        One instance does it (a claim in :attr:`marks`); another that needs it meanwhile
        waits for the record to turn ready.
        """
        claim = f"finish:{self.prefix}{record.id}"
        if not await self.marks.claim(claim, FINISH_CLAIM_SECONDS):
            return await self._wait_until_ready(record.id)
        try:
            return await self._finish(record)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self.marks.release(claim)
            raise

    async def _wait_until_ready(self, attachment_id: str) -> FileRecord:
        deadline = time.monotonic() + FINISH_CLAIM_SECONDS
        while time.monotonic() < deadline:
            record = await self.record(attachment_id)
            if record is None:
                raise NotFoundError(f"Attachment {attachment_id} not found")
            if record.state == "ready":
                return record
            await asyncio.sleep(0.1)
        raise errors.UploadRejected(503, "upload_busy", "The file is still being checked")

    async def _finish(self, record: FileRecord) -> FileRecord:
        upload = self.key("uploads", record.id)
        try:
            meta = await obstore.head_async(self.bucket, upload)
        except (ObjectNotFound, FileNotFoundError):
            raise errors.UploadRejected(
                400, "upload_incomplete", f"{record.name} has not finished uploading"
            ) from None
        try:
            # The signed Content-Length makes these hold; they are checked all the same.
            if meta["size"] != record.size:
                raise errors.bad_upload("The upload does not have the announced size")
            self.policy.check_size(meta["size"])
            head = await obstore.get_range_async(
                self.bucket, upload, start=0, end=min(meta["size"], sniffing.HEAD_BYTES)
            )
            if not sniffing.matches(record.mime_type, bytes(head)):
                raise errors.content_mismatch(record.mime_type)
            if has_preview(record.mime_type):
                async with self._downloaded(upload) as path:
                    assert path is not None
                    await self._store_preview(path, record)
            await obstore.copy_async(self.bucket, upload, self.key("files", record.id))
        except errors.UploadRejected:
            # Not what was declared: it can never be sent. Free the quota and the bytes.
            with anyio.CancelScope(shield=True):
                await self.forget_record(record)
            raise
        ready = dataclasses.replace(record, state="ready")
        await self._save_record(ready)
        await obstore.delete_async(self.bucket, upload)
        return ready

    async def import_file(self, record: FileRecord, path: Path) -> tuple[FileRecord, bool]:
        """Bring bytes kept elsewhere (a disk store being migrated) into the bucket
        through the checks of an upload: size, sniffed type, preview.

        ``(the ready record, whether bytes were copied)``; an attachment already ready
        in the bucket is left as it is. Charged to the owner's usage without limits:
        the files were accepted once already.
        """
        existing = await self.record(record.id)
        if existing is not None and existing.state == "ready":
            return existing, False
        if not SAFE_ID.fullmatch(record.id):
            raise ValueError(f"Unsafe attachment id {record.id!r}")
        pending = dataclasses.replace(record, size=path.stat().st_size, state="pending")
        await obstore.put_async(
            self.bucket,
            self.key("uploads", record.id),
            path,
            attributes={"Content-Type": record.mime_type},
        )
        if existing is None:  # else an interrupted import: already charged
            await self.ledger.charge(pending.owner, 1, pending.size, None, None)
        await self._save_record(pending)
        return await self._finish(pending), True

    async def _store_preview(self, source: Path, record: FileRecord) -> None:
        preview = source.with_name("preview.webp")
        try:
            await workers.run(make_preview, source, record.mime_type, preview, self.policy)
        except TooManyPixels as error:
            raise errors.UploadRejected(413, "file_too_large", str(error)) from error
        except InvalidImage as error:
            raise errors.content_mismatch(record.mime_type) from error
        await obstore.put_async(
            self.bucket,
            self.key("previews", record.id),
            preview,
            attributes={"Content-Type": "image/webp"},
        )

    # --- direct uploads -------------------------------------------------------------------

    async def receive_direct(self, body: RequestBody, context: TContext, base: str) -> Attachment:
        """Check the upload while it streams to a temporary file, then store it in the
        bucket for the context's user (the caller saves it in the Store)."""
        owner = user_id_of(context)
        held_files, held_bytes = await self.ledger.usage(owner)
        self.policy.check_quota(held_files + 1, held_bytes)
        with tempfile.TemporaryDirectory(prefix="chatloom-upload-") as folder:
            sink = UploadSink(Path(folder) / "upload", self.policy, held_bytes, self._check_type)
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
            await self._charge(owner, 1, record.size)
            try:
                if has_preview(mime_type):
                    await self._store_preview(sink.path, record)
                await obstore.put_async(
                    self.bucket,
                    self.key("files", record.id),
                    sink.path,
                    attributes={"Content-Type": mime_type},
                )
                await obstore.put_async(self.bucket, self.key("unsent", record.id), b"")
                await self._save_record(record)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await self.forget_record(record)
                raise
        return self.attachment(record, base)

    def _check_type(self, declared: str | None, name: str | None, head: bytes) -> str:
        mime_type = sniffing.resolve_type(declared, display_name(name), head)
        self.policy.check_type(mime_type)
        if not sniffing.matches(mime_type, head):
            raise errors.content_mismatch(mime_type)
        return mime_type

    # --- removal and upkeep ---------------------------------------------------------------

    async def forget_record(self, record: FileRecord) -> None:
        """Delete every object of the attachment and give its quota back."""
        keys = [self.key(kind, record.id) for kind in ("files", "previews", "uploads", "unsent")]
        await obstore.delete_async(self.bucket, keys)
        await obstore.delete_async(self.bucket, self.key("records", record.id))
        await self.ledger.release(record.owner, 1, record.size)

    async def mark_sent(self, record: FileRecord) -> None:
        await obstore.delete_async(self.bucket, self.key("unsent", record.id))

    async def unsent_before(self, cutoff: float) -> list[FileRecord]:
        """Records whose ``unsent/`` marker is older than ``cutoff``."""
        found: list[FileRecord] = []
        async for chunk in obstore.list(self.bucket, prefix=f"{self.prefix}unsent/"):
            for meta in chunk:
                if meta["last_modified"].timestamp() >= cutoff:
                    continue
                attachment_id = meta["path"].rsplit("/", 1)[-1]
                record = await self.record(attachment_id)
                if record is None:  # a crash between the marker and the record
                    await obstore.delete_async(self.bucket, meta["path"])
                    continue
                found.append(record)
        return found

    async def cleanup(self, store: Store[Any], *, older_than: float | None = None) -> int:
        """Delete attachments never sent in a message within ``older_than`` seconds
        (default :attr:`orphan_ttl`), objects and metadata; the number deleted."""
        return await cleanup.remove_orphans(
            self, store, self.orphan_ttl if older_than is None else older_than
        )

    def lifespan(self, store: Store[Any]) -> AbstractAsyncContextManager[None]:
        """Run :meth:`cleanup` every :attr:`cleanup_interval` seconds while the app runs."""
        return cleanup.every(self.cleanup_interval, lambda: self.cleanup(store))

    # --- HTTP -----------------------------------------------------------------------------

    def routes(self, store: Store[Any], context: ContextFactory) -> list[BaseRoute]:
        """The direct upload, preview and download routes, under :attr:`path`."""
        return s3_routes.attachment_routes(self, store, context)
