"""The routes of an :class:`~chatloom.attachments.s3.S3AttachmentStore` (``path``
defaults to ``/chatkit/files``). The bytes never pass through the app on the way out:
it checks who asks and answers with a redirect to a short-lived presigned URL.

==========================================  =============================================
``POST {path}``                             direct upload: multipart ``file``; the
                                            Attachment JSON (the bytes go to the bucket)
``GET {path}/{id}/preview?sig=``            302 to a presigned URL of the thumbnail;
                                            finishes a two-phase upload first if needed
``GET {path}/{id}``                         302 to a presigned URL of the file, for its
                                            owner only
==========================================  =============================================

Errors are those of the disk routes (``chatloom.attachments.routes``), plus 400
``upload_incomplete`` for a two-phase upload that never reached the bucket and 503
``service_unavailable`` while the shared state (Redis) is down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..http import ContextFactory
from ..store import NotFoundError, Store
from .images import has_preview
from .routes import attachment_id_of, check_signature, json_errors, saved_direct_upload
from .uploads import RequestBody

if TYPE_CHECKING:
    from .s3 import S3AttachmentStore


def attachment_routes(
    files: S3AttachmentStore[Any], store: Store[Any], context: ContextFactory
) -> list[BaseRoute]:
    endpoints = _Endpoints(files, store, context)
    item = files.path + "/{attachment_id}"
    return [
        Route(files.path, json_errors(endpoints.direct_upload), methods=["POST"]),
        Route(item + "/preview", json_errors(endpoints.preview), methods=["GET"]),
        Route(item, json_errors(endpoints.download), methods=["GET"]),
    ]


def _redirect(url: str) -> Response:
    # Each answer names a URL that expires: nothing may cache the redirect itself.
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


class _Endpoints:
    def __init__(
        self, files: S3AttachmentStore[Any], store: Store[Any], context: ContextFactory
    ) -> None:
        self.files = files
        self.store = store
        self.context = context

    async def direct_upload(self, request: Request, body: RequestBody) -> Response:
        context = await self.context(request)
        attachment = await self.files.receive_direct(body, context, self.files.base_url(request))

        async def forget() -> None:
            record = await self.files.record(attachment.id)
            if record is not None:
                await self.files.forget_record(record)

        return await saved_direct_upload(request, self.store, attachment, context, forget)

    async def preview(self, request: Request, body: RequestBody) -> Response:
        attachment_id = attachment_id_of(request)
        check_signature(self.files.signer, "preview", attachment_id, request)
        record = await self.files.record(attachment_id)
        if record is None or not has_preview(record.mime_type):
            raise NotFoundError(f"No preview for attachment {attachment_id}")
        if record.state != "ready":
            await self.files.finish_upload(record)
        return _redirect(self.files.preview_redirect_url(attachment_id))

    async def download(self, request: Request, body: RequestBody) -> Response:
        attachment_id = attachment_id_of(request)
        record = await self.files.owned_record(attachment_id, await self.context(request))
        if record.state != "ready":
            record = await self.files.finish_upload(record)
        return _redirect(self.files.download_url(record))
