"""Upload bodies streamed to disk, checked as they arrive.

Nothing is read whole into memory: each chunk is counted against the size limit and
the user's quota before it is written, and the first bytes are checked against the
declared type as soon as there are enough of them. A refused upload stops being
written at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

import anyio.to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..untrusted import parse_count
from . import errors
from .policy import ClientAllowance, UploadPolicy
from .sniffing import HEAD_BYTES

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FILE_FIELD = "file"
FLUSH_BYTES = 1024 * 1024
MAX_OTHER_FIELD_BYTES = 64 * 1024
DRAIN_BYTES = 32 * 1024 * 1024

TypeCheck = Callable[[str | None, str | None, bytes], str]
"""``(declared type, file name, first bytes) -> the type to store``, or raise 415."""


class UploadSink:
    """One upload on its way to a file at ``path``.

    ``check_type`` settles the type from the first bytes; ``used_bytes`` is what the
    user already holds and ``client`` the client address's allowance, so quotas are
    enforced on the bytes as they stream in, not after (and never on a declared size).
    """

    def __init__(
        self,
        path: Path,
        policy: UploadPolicy,
        used_bytes: int,
        check_type: TypeCheck,
        client: ClientAllowance | None = None,
    ) -> None:
        self.path = path
        self.policy = policy
        self.used_bytes = used_bytes
        self.check_type = check_type
        self.client = client
        self.filename: str | None = None
        self.declared_type: str | None = None
        self.mime_type: str | None = None
        self.size = 0
        self._head = bytearray()
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._file: IO[bytes] | None = None

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        self.policy.check_size(self.size)
        self.policy.check_bytes_quota(self.used_bytes + self.size)
        if self.client is not None:
            self.client.grow(self.size)
        if self.mime_type is None:
            self._head += data[: HEAD_BYTES - len(self._head)]
            if len(self._head) >= HEAD_BYTES:
                self._settle_type()
        # Chunks are kept as they came and written together: no copying into a buffer.
        self._pending.append(data)
        self._pending_bytes += len(data)
        if self._pending_bytes >= FLUSH_BYTES:
            await self._flush()

    async def finish(self) -> str:
        """Write out the rest and close the file; the stored type."""
        if self.size == 0:
            raise errors.bad_upload("The file is empty")
        mime_type = self.mime_type or self._settle_type()
        await self._flush()
        await anyio.to_thread.run_sync(self._close)
        return mime_type

    def discard(self) -> None:
        self._close()
        self.path.unlink(missing_ok=True)

    def _settle_type(self) -> str:
        self.mime_type = self.check_type(self.declared_type, self.filename, bytes(self._head))
        return self.mime_type

    async def _flush(self) -> None:
        if self._pending:
            chunks, self._pending, self._pending_bytes = self._pending, [], 0
            await anyio.to_thread.run_sync(self._write_out, chunks)

    def _write_out(self, chunks: list[bytes]) -> None:
        if self._file is None:
            self._file = self.path.open("xb")
        self._file.writelines(chunks)

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class RequestBody:
    """An upload request's headers and body chunks, remembering whether all arrived."""

    def __init__(self, request: Request) -> None:
        self.headers = request.headers
        self._receive = request.receive
        self.complete = False

    async def chunks(self) -> AsyncIterator[bytes]:
        while not self.complete:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.complete = True  # nothing more will come
                raise errors.bad_upload("The upload was interrupted")
            self.complete = not message.get("more_body", False)
            body = message.get("body", b"")
            if body:
                yield body

    async def drain(self) -> None:
        """Read and drop what is left of the body (at most :data:`DRAIN_BYTES`).

        Call it before answering a refused upload: closing a connection with unread
        data resets it, and the client would lose the error response it is owed.
        """
        dropped = 0
        try:
            async for chunk in self.chunks():
                dropped += len(chunk)
                if dropped > DRAIN_BYTES:
                    return
        except errors.UploadRejected:
            return


async def receive(body: RequestBody, sink: UploadSink, *, raw_allowed: bool) -> str:
    """Stream the upload into ``sink``; the stored type. A refused upload leaves no file.

    A ``multipart/form-data`` body must carry one ``file`` field (the element's
    format); with ``raw_allowed`` any other body is the file itself (a plain ``PUT``).
    """
    try:
        declared_length = parse_count(body.headers.get("content-length"))
        if declared_length is not None:
            # Multipart framing adds little: refuse obvious oversize before any write.
            sink.policy.check_size(declared_length - MAX_OTHER_FIELD_BYTES)
        media_type, options = parse_options_header(body.headers.get("content-type"))
        if media_type == b"multipart/form-data":
            await _receive_multipart(body, options.get(b"boundary", b""), sink)
        elif raw_allowed:
            sink.declared_type = body.headers.get("content-type")
            async for chunk in body.chunks():
                await sink.write(chunk)
        else:
            raise errors.bad_upload(f"Send the file as multipart/form-data, field '{FILE_FIELD}'")
        return await sink.finish()
    except BaseException:
        sink.discard()
        raise


async def _receive_multipart(body: RequestBody, boundary: bytes, sink: UploadSink) -> None:
    if not boundary:
        raise errors.bad_upload("The multipart body has no boundary")
    reader = _MultipartReader(sink)
    parser = MultipartParser(boundary, reader.callbacks())
    try:
        async for chunk in body.chunks():
            parser.write(chunk)
            await reader.flush()
    except MultipartParseError as error:
        raise errors.bad_upload(f"Malformed multipart body: {error}") from error
    if not reader.ended:
        raise errors.bad_upload("The multipart body is incomplete")
    if not reader.found_file:
        raise errors.bad_upload(f"The upload has no '{FILE_FIELD}' field")


class _MultipartReader:
    """Parser callbacks (synchronous) that queue the ``file`` field's data for the sink."""

    def __init__(self, sink: UploadSink) -> None:
        self.sink = sink
        self.found_file = False
        self.ended = False
        self._in_file = False
        self._other_bytes = 0
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._pending: list[bytes] = []

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_end": self._end,
        }

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        for data in pending:
            await self.sink.write(data)

    def _part_begin(self) -> None:
        self._headers = {}
        self._in_file = False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def _headers_finished(self) -> None:
        _, disposition = parse_options_header(self._headers.get(b"content-disposition"))
        if disposition.get(b"name") != FILE_FIELD.encode():
            return
        if self.found_file:
            raise errors.bad_upload(f"Send one file per upload, in the '{FILE_FIELD}' field")
        self.found_file = self._in_file = True
        self.sink.filename = _text(disposition.get(b"filename"))
        self.sink.declared_type = _text(self._headers.get(b"content-type"))

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending.append(data[start:end])
            return
        self._other_bytes += end - start
        if self._other_bytes > MAX_OTHER_FIELD_BYTES:
            raise errors.bad_upload("The upload carries too much besides the file")

    def _end(self) -> None:
        self.ended = True


def _text(raw: bytes | None) -> str | None:
    """A header value: browsers send UTF-8 file names raw; anything else is Latin-1."""
    if raw is None:
        return None
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("latin-1")
