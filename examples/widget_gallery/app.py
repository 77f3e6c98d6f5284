"""The gallery as an ASGI app: chatloom's endpoint and element, plus the gallery's own
page (theme switch, the client action handler, entity previews) and its image.

Run it from the repository root::

    python -m examples.widget_gallery            # http://127.0.0.1:8010
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from chatloom.http import create_app
from chatloom.store.memory import MemoryStore

from .server import GalleryServer
from .widgets import entity_preview

HERE = Path(__file__).parent
RESTAURANTS = {
    "harbour": ("The Harbour Kitchen", "Seafood"),
    "olive": ("Olive & Thyme", "Mediterranean"),
    "lantern": ("Lantern Noodle Bar", "Ramen"),
}


async def page(request: Request) -> Response:
    return HTMLResponse((HERE / "index.html").read_text(encoding="utf-8"))


async def preview(request: Request) -> Response:
    """An @-mention's hover preview: a Basic widget root, built on the server."""
    found = RESTAURANTS.get(request.query_params.get("id", ""))
    if found is None:
        return JSONResponse({"preview": None})
    return JSONResponse({"preview": entity_preview(*found).model_dump(exclude_none=True)})


def create_gallery_app(server: GalleryServer | None = None) -> Starlette:
    gallery = server or GalleryServer(MemoryStore())
    routes: list[Any] = [
        Route("/", page),
        Route("/gallery/preview", preview),
        Mount("/gallery", StaticFiles(directory=HERE / "static")),
    ]
    return create_app(gallery, routes=routes, page_title="chatloom widget gallery")


def main() -> None:
    parser = argparse.ArgumentParser(description="chatloom's widget gallery")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    args = parser.parse_args()
    print(f"Widget gallery on http://{args.host}:{args.port}")
    uvicorn.run(create_gallery_app(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
