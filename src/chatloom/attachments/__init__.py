"""Attachment stores: the bytes of uploaded files, their previews and their limits.

Needs the ``[files]`` extra (``pip install 'chatloom[files]'``)::

    from chatloom.attachments import DiskAttachmentStore, UploadPolicy

    files = DiskAttachmentStore("var/files", policy=UploadPolicy(max_bytes=10 * MiB))
    server = MyServer(store, files)
    app = create_app(server)  # serves /chatkit/files/... and removes unsent uploads

See ``docs/attachments.md`` for the routes, the errors and the model seam.
"""

from importlib.util import find_spec

_MISSING = [name for name in ("python_multipart", "PIL", "pypdf") if find_spec(name) is None]
if _MISSING:
    raise ImportError(
        "chatloom.attachments needs the [files] extra (missing: "
        f"{', '.join(_MISSING)}): pip install 'chatloom[files]'"
    )

from .disk import DiskAttachmentStore  # noqa: E402
from .errors import UploadRejected  # noqa: E402
from .extract import ModelContentLimits  # noqa: E402
from .policy import DEFAULT_TYPES, MiB, UploadPolicy  # noqa: E402

__all__ = [
    "DEFAULT_TYPES",
    "DiskAttachmentStore",
    "MiB",
    "ModelContentLimits",
    "UploadPolicy",
    "UploadRejected",
]
