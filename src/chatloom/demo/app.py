"""The demo app: Lumi on the embedded model (or ``CHATLOOM_MODEL``), SQLite under a data
folder (or the database ``DATABASE_URL`` names), disk attachments when the ``[files]``
extra is installed."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .. import deployment
from ..agents import LocalProvider, ModelProvider, provider_from_env
from ..config import store_from_env
from ..http import create_app
from ..keys import load_or_create_key
from .knowledge import KnowledgeBase
from .server import HelpDeskServer
from .tickets import TicketDesk

DEFAULT_DATA_DIR = "var"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``explicit``, else ``$CHATLOOM_DATA``, else ``./var``."""
    return Path(explicit or os.environ.get("CHATLOOM_DATA") or DEFAULT_DATA_DIR)


def page_options(upload_url: str | None, local_model: bool = True) -> dict[str, Any]:
    """The element's options (everything but ``onClientTool``: see :data:`CLIENT_TOOLS`)."""
    api: dict[str, Any] = {}
    composer: dict[str, Any] = {
        "placeholder": "Ask about Lumen Notes…",
        "tools": [
            {
                "id": "search",
                "label": "Search the help center",
                "shortLabel": "Help center",
                "icon": "book-open",
                "placeholderOverride": "What are you looking for?",
                "pinned": True,
            },
            {
                "id": "ticket",
                "label": "Open a support ticket",
                "shortLabel": "Ticket",
                "icon": "write",
                "placeholderOverride": "Describe the problem (optional)",
            },
            {
                "id": "browser",
                "label": "Check my browser",
                "shortLabel": "Browser check",
                "icon": "desktop",
                "placeholderOverride": "Anything to add? (optional)",
            },
        ],
    }
    if upload_url:
        api["uploadStrategy"] = {"type": "direct", "uploadUrl": upload_url}
        composer["attachments"] = {"enabled": True, "maxCount": 4, "maxSize": 10 * 1024 * 1024}
    options: dict[str, Any] = {
        "api": api,
        "theme": {
            "colorScheme": "light",
            "radius": "round",
            "color": {"accent": {"primary": "#4f46e5", "level": 1}},
        },
        "header": {"title": {"text": "Lumen Notes Help"}},
        "history": {"enabled": True, "showDelete": True, "showRename": True},
        "startScreen": {
            "greeting": "Hi, I'm Lumi. How can I help with Lumen Notes?",
            "prompts": [
                {
                    "label": "Reset my password",
                    "prompt": "How do I reset my password?",
                    "icon": "keys",
                },
                {"label": "Plans and prices", "prompt": "What plans do you offer?", "icon": "star"},
                {"label": "Sync problems", "prompt": "My notes are not syncing.", "icon": "reload"},
            ],
        },
        "composer": composer,
        "threadItemActions": {"feedback": True, "retry": True},
    }
    if local_model:
        options["disclaimer"] = {"text": "Lumi runs on a tiny local model and is often wrong."}
    return options


CLIENT_TOOLS = files("chatloom.demo").joinpath("client_tools.js").read_text(encoding="utf-8")
"""The page's ``onClientTool``: client tools run in the browser, their result goes back."""


def create_demo_app(
    data: str | os.PathLike[str] | None = None, provider: ModelProvider | None = None
) -> Starlette:
    """The demo as an ASGI app; its data lives under ``data`` (see :func:`data_dir`),
    its threads in ``DATABASE_URL`` when that is set."""
    folder = data_dir(data)
    folder.mkdir(parents=True, exist_ok=True)
    knowledge = KnowledgeBase()
    # The S3 bucket of CHATLOOM_S3_* if set, else on disk (with the [files] extra).
    attachments = deployment.attachment_store(folder / "files")
    provider = provider or provider_from_env()
    server = HelpDeskServer(
        store_from_env(folder / "chatloom.sqlite3"),
        provider,
        knowledge,
        TicketDesk(folder / "tickets.sqlite3"),
        attachments,
    )
    server.responses = deployment.responses()  # resumable streams with REDIS_URL
    options = page_options(
        getattr(attachments, "path", None), local_model=isinstance(provider, LocalProvider)
    )

    async def article(request: Request) -> Response:
        found = knowledge.get(request.path_params["slug"])
        if found is None:
            return PlainTextResponse("No such article", status_code=404)
        return PlainTextResponse(f"{found.title}\n\n{found.body}\n")

    return create_app(
        server,
        routes=[Route("/help/{slug}", article, methods=["GET"])],
        page_options=options,
        page_title="Lumen Notes Help",
        page_script=CLIENT_TOOLS,
        user_cookie_secret=load_or_create_key(folder / "cookie.key"),
    )


__all__ = ["DEFAULT_DATA_DIR", "create_demo_app", "data_dir", "page_options"]
