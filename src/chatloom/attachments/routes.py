"""The attachment routes of the chatloom app (``path`` defaults to ``/chatkit/files``).

==========================================  =============================================
``POST {path}``                             direct upload: multipart ``file``; the
                                            Attachment JSON (metadata stripped)
``POST|PUT {path}/{id}/upload?exp=&sig=``   two-phase upload to the signed URL from
                                            ``attachments.create``; multipart ``file``
                                            or (PUT) the raw bytes; the Attachment JSON
``GET {path}/{id}/preview?sig=``            an image's thumbnail (WebP), by signed URL
``GET {path}/{id}``                         the file itself, for its owner only
==========================================  =============================================

Errors are ``{"error": {"type", "message"}}`` with 400 ``bad_upload``, 403
``invalid_signature`` or ``url_expired``, 404 ``not_found``, 410 ``upload_url_used``,
413 ``file_too_large``, 415 ``unsupported_file_type`` or 429 ``quota_exceeded``; the
message is meant for the user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from ..http import ContextFactory, error_response, set_user_cookie
from ..shared import SharedStateUnavailable
from ..store import NotFoundError, Store, user_id_of
from ..types import Attachment, to_wire_json
from .errors import UploadRejected
from .images import PREVIEW_TYPE, has_preview
from .naming import SAFE_ID, content_disposition
from .signing import UrlSigner, Verdict
from .uploads import RequestBody

if TYPE_CHECKING:
    from .disk import DiskAttachmentStore

logger = logging.getLogger("chatloom.attachments")

# Served files never run as a page of this origin, whatever their bytes.
_UNTRUSTED_CONTENT = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}

Handler = Callable[[Request, RequestBody], Awaitable[Response]]


def attachment_routes(
    disk: DiskAttachmentStore[Any], store: Store[Any], context: ContextFactory
) -> list[BaseRoute]:
    endpoints = _Endpoints(disk, store, context)
    item = disk.path + "/{attachment_id}"
    return [
        Route(disk.path, json_errors(endpoints.direct_upload), methods=["POST"]),
        Route(item + "/upload", json_errors(endpoints.two_phase_upload), methods=["POST", "PUT"]),
        Route(item + "/preview", json_errors(endpoints.preview), methods=["GET"]),
        Route(item, json_errors(endpoints.download), methods=["GET"]),
    ]


def json_errors(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Refusals become JSON errors, sent once the client has finished sending."""

    async def endpoint(request: Request) -> Response:
        body = RequestBody(request)
        try:
            return await handler(request, body)
        except Exception as error:
            await body.drain()
            if isinstance(error, UploadRejected):
                return error_response(error.status_code, error.kind, error.message)
            if isinstance(error, NotFoundError):
                return error_response(404, "not_found", str(error) or "Not found")
            if isinstance(error, SharedStateUnavailable):
                response = error_response(503, "service_unavailable", error.message)
                response.headers["Retry-After"] = str(error.retry_after)
                return response
            if isinstance(error, HTTPException):  # raised by the app's context factory
                raise
            logger.exception("Unhandled error in an attachment request")
            return error_response(500, "server_error", "The server failed to handle the file")

    return endpoint


def attachment_json(attachment: Attachment) -> Response:
    return Response(to_wire_json(attachment), media_type="application/json")


def attachment_id_of(request: Request) -> str:
    """The path's attachment id; one no store could have issued is a 404 at once."""
    attachment_id = str(request.path_params["attachment_id"])
    if not SAFE_ID.fullmatch(attachment_id):
        raise NotFoundError("Attachment not found")
    return attachment_id


def check_signature(signer: UrlSigner, purpose: str, attachment_id: str, request: Request) -> None:
    """Refuses (403) a signed URL that is not valid for ``purpose`` on this attachment."""
    verdict = signer.check(purpose, attachment_id, request.query_params, time.time())
    if verdict is Verdict.EXPIRED:
        raise UploadRejected(403, "url_expired", "This link has expired")
    if verdict is Verdict.INVALID:
        raise UploadRejected(403, "invalid_signature", "This link is not valid")


async def saved_direct_upload(
    request: Request,
    store: Store[Any],
    attachment: Attachment,
    context: Any,
    forget: Callable[[], Awaitable[None]],
) -> Response:
    """A direct upload's answer once its attachment is in the store; if saving fails
    (or the client leaves), ``forget`` frees the bytes so nothing is left behind."""
    try:
        await store.save_attachment(attachment, context)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await forget()
        raise
    response = attachment_json(attachment)
    set_user_cookie(request, response)
    return response


class _Endpoints:
    def __init__(
        self, disk: DiskAttachmentStore[Any], store: Store[Any], context: ContextFactory
    ) -> None:
        self.disk = disk
        self.store = store
        self.context = context

    async def direct_upload(self, request: Request, body: RequestBody) -> Response:
        context = await self.context(request)
        base = self.disk.base_url(request)
        attachment = await self.disk.receive_direct(body, context, base)
        return await saved_direct_upload(
            request, self.store, attachment, context, lambda: self.disk.forget(attachment.id)
        )

    async def two_phase_upload(self, request: Request, body: RequestBody) -> Response:
        attachment_id = attachment_id_of(request)
        check_signature(self.disk.signer, "upload", attachment_id, request)
        record = await self.disk.receive_two_phase(body, attachment_id)
        # The upload is done: the descriptor (a spent URL) no longer belongs on it.
        context = self.disk.owner_context(record.owner)
        attachment = await self.store.load_attachment(attachment_id, context)
        attachment.upload_descriptor = None
        await self.store.save_attachment(attachment, context)
        return attachment_json(attachment)

    async def preview(self, request: Request, body: RequestBody) -> Response:
        attachment_id = attachment_id_of(request)
        check_signature(self.disk.signer, "preview", attachment_id, request)
        record = await self.disk.index.get(attachment_id)
        if record is None or record.state != "ready" or not has_preview(record.mime_type):
            raise NotFoundError(f"No preview for attachment {attachment_id}")
        return FileResponse(
            self.disk.preview_path(attachment_id),
            media_type=PREVIEW_TYPE,
            headers={**_UNTRUSTED_CONTENT, "Cache-Control": "private, max-age=86400"},
        )

    async def download(self, request: Request, body: RequestBody) -> Response:
        attachment_id = attachment_id_of(request)
        context = await self.context(request)
        record = await self.disk.index.get(attachment_id)
        if record is None or record.owner != user_id_of(context) or record.state != "ready":
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return FileResponse(
            self.disk.file_path(attachment_id),
            media_type=record.mime_type,
            headers={
                **_UNTRUSTED_CONTENT,
                "Content-Disposition": content_disposition(record.name),
                "Cache-Control": "private, no-cache",
            },
        )
