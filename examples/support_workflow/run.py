"""The support desk example in one process: chatloom's hosted backend plus the page
and session endpoint an app of yours would have (as in OpenAI's starter app).

    python examples/support_workflow/run.py            # http://127.0.0.1:8000

The model is the embedded local one unless CHATLOOM_MODEL names an OpenAI-compatible
model (with OPENAI_BASE_URL and OPENAI_API_KEY). Threads and sessions are kept in
``./var/support`` (``--data`` changes it).
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from chatloom.agents import provider_from_env
from chatloom.hosted import WorkflowRepository, create_hosted_app

HERE = Path(__file__).parent
USER_COOKIE = "support_user"


def build(origin: str, data: str) -> Starlette:
    # The key your server uses against the hosted API (what OPENAI_API_KEY was).
    admin_key = os.environ.get("CHATLOOM_ADMIN_KEY") or "sk-local-" + secrets.token_hex(16)
    repository = WorkflowRepository(HERE / "workflows")
    hosted = create_hosted_app(
        repository, admin_keys=[admin_key], provider=provider_from_env(), data_dir=data
    )

    async def page(request: Request) -> Response:
        return FileResponse(HERE / "index.html")

    async def create_session(request: Request) -> Response:
        """Your backend endpoint: mint a ChatKit session for the visitor."""
        user = request.cookies.get(USER_COOKIE) or secrets.token_hex(16)
        async with httpx.AsyncClient(base_url=origin, timeout=30) as client:
            upstream = await client.post(
                "/v1/chatkit/sessions",
                headers={"Authorization": f"Bearer {admin_key}", "OpenAI-Beta": "chatkit_beta=v1"},
                json={
                    "workflow": {"id": "wf_support"},
                    "user": user,
                    "chatkit_configuration": {"file_upload": {"enabled": False}},
                },
            )
        body = upstream.json()
        if upstream.status_code != 200:
            return JSONResponse(body, status_code=upstream.status_code)
        response = JSONResponse(
            {"client_secret": body["client_secret"], "expires_after": body["expires_after"]}
        )
        response.set_cookie(USER_COOKIE, user, httponly=True, samesite="lax")
        return response

    return Starlette(
        routes=[
            Route("/", page),
            Route("/api/chatkit/session", create_session, methods=["POST"]),
            Mount("/", hosted),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data", default="var/support")
    args = parser.parse_args()
    app = build(f"http://127.0.0.1:{args.port}", args.data)
    print(f"Support desk on http://{args.host}:{args.port}/  (Ctrl+C stops)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
