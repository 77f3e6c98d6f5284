"""The ASGI app under a real uvicorn on loopback, driven by a real HTTP client."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request

import chatloom
from chatloom.http import USER_COOKIE, RequestContext, create_app
from chatloom.server import ChatKitServer
from chatloom.store.sqlite import SQLiteStore
from chatloom.types import (
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItemAddedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)

from .live_server import serve
from .polling import eventually

STATIC = Path(chatloom.__file__).parent / "static"


class GatedServer(ChatKitServer[Any]):
    """Streams a delta, waits for the test to open the gate, then streams another."""

    def __init__(self, store: SQLiteStore[Any]) -> None:
        super().__init__(store)
        self.gate = threading.Event()
        self.locales: list[str | None] = []

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        self.locales.append(getattr(context, "locale", None))
        item = AssistantMessageItem(
            id="msg_a", thread_id=thread.id, created_at=datetime.now(), content=[]
        )
        yield ThreadItemAddedEvent(item=item)
        yield delta("first ")
        while not self.gate.is_set():
            await asyncio.sleep(0.01)
        yield delta("second")
        thread.title = "Done"


def delta(text: str) -> ThreadItemUpdatedEvent:
    return ThreadItemUpdatedEvent(
        item_id="msg_a", update=AssistantMessageContentPartTextDelta(content_index=0, delta=text)
    )


def create_body(text: str = "Hi") -> dict[str, Any]:
    return {
        "type": "threads.create",
        "params": {
            "input": {
                "content": [{"type": "input_text", "text": text}],
                "attachments": [],
                "inference_options": {},
            }
        },
    }


@pytest.fixture
def store(tmp_path: Any) -> Iterator[SQLiteStore[Any]]:
    sqlite: SQLiteStore[Any] = SQLiteStore(tmp_path / "http.sqlite3")
    yield sqlite
    sqlite.close()


@pytest.fixture
def chat(store: SQLiteStore[Any]) -> GatedServer:
    return GatedServer(store)


@pytest.fixture
def base_url(chat: GatedServer) -> Iterator[str]:
    app = create_app(
        chat, max_body_bytes=4096, page_options={"startScreen": {"greeting": "</script><b>hi"}}
    )
    with serve(app) as url:
        yield url


def frames(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    for line in lines:
        if line.startswith("data: "):
            yield json.loads(line[6:])


def test_stream_arrives_unbuffered_and_completes(base_url: str, chat: GatedServer) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        with client.stream(
            "POST", "/chatkit", json=create_body(), headers={"Accept-Language": "de-DE"}
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-cache"
            events = frames(response.iter_lines())
            seen = [next(events)["type"] for _ in range(5)]
            assert seen == [
                "thread.created",
                "thread.item.done",
                "stream_options",
                "thread.item.added",
                "thread.item.updated",
            ]
            # The handler is blocked on the gate: these frames were not held back.
            chat.gate.set()
            rest = list(events)
        assert [e["type"] for e in rest] == ["thread.item.updated", "thread.updated"]
        assert rest[-1]["thread"]["title"] == "Done"
        assert "chatloom_uid" in response.cookies
    assert chat.locales == ["de-DE"]


def test_disconnect_mid_stream_runs_cancellation(
    base_url: str, chat: GatedServer, store: SQLiteStore[Any]
) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        with client.stream("POST", "/chatkit", json=create_body()) as response:
            events = frames(response.iter_lines())
            thread_id = next(events)["thread"]["id"]
            for _ in range(4):
                next(events)
        user = client.cookies["chatloom_uid"]
    # Closing the response dropped the connection while the handler waited.
    context = RequestContext(user_id=user)

    def stored() -> Any:
        return asyncio.run(store.load_thread_items(thread_id, None, 10, "asc", context)).data

    eventually(lambda: len(stored()) == 3, what="the partial reply and the note are stored")
    items = asyncio.run(store.load_thread_items(thread_id, None, 10, "asc", context)).data
    assert [i.type for i in items] == ["user_message", "assistant_message", "sdk_hidden_context"]
    assert items[1].content[0].text == "first "  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        (b"{oops", 400, "invalid_request"),
        (b'{"type": "threads.nope", "params": {}}', 400, "invalid_request"),
        (
            b'{"type": "threads.create", "params": {"input": {"content": "x"}}}',
            400,
            "invalid_request",
        ),
        (b'{"type": "threads.get_by_id", "params": {"thread_id": "thr_none"}}', 404, "not_found"),
        (
            b'{"type": "threads.add_user_message", "params": {"thread_id": "thr_none", "input": '
            b'{"content": [], "attachments": [], "inference_options": {}}}}',
            404,
            "not_found",
        ),
        (
            b'{"type": "input.transcribe", "params": {"audio_base64": "", "mime_type": "a/b"}}',
            501,
            "not_implemented",
        ),
        (
            b'{"type": "attachments.create", "params": {"name": "a", "size": 1, "mime_type": "a/b"}}',
            501,
            "invalid_request",
        ),
        (
            b'{"type": "threads.create", "params": {"input": '
            b'{"content": [], "attachments": [], "inference_options": {}}}}',
            400,
            "invalid_request",
        ),
        (
            b'{"type": "threads.create", "params": {"input": {"content": '
            b'[{"type": "input_text", "text": "  "}], "attachments": [], "inference_options": {}}}}',
            400,
            "invalid_request",
        ),
        (
            json.dumps(
                {
                    "type": "threads.create",
                    "params": {
                        "input": {
                            "content": [{"type": "input_text", "text": "Hi"}],
                            "attachments": [f"atc_{n}" for n in range(11)],
                            "inference_options": {},
                        }
                    },
                }
            ).encode(),
            400,
            "invalid_request",
        ),
        (
            b'{"type": "threads.list", "params": ' + b"[" * 1500 + b"]" * 1500 + b"}",
            400,
            "invalid_request",
        ),
        (
            json.dumps({"type": "threads.list", "params": {"after": "x" * 5000}}).encode(),
            413,
            "request_too_large",
        ),
    ],
)
def test_bad_requests_get_json_errors_and_store_nothing(
    base_url: str, body: bytes, status: int, kind: str
) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        response = client.post(
            "/chatkit", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["type"] == kind and error["message"]
        assert client.post("/chatkit", json={"type": "threads.list", "params": {}}).json() == {
            "data": [],
            "has_more": False,
        }


def test_chunked_oversized_body_is_refused(base_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"type": "threads.list", "params": {"after": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}}'

    with httpx.Client(base_url=base_url, timeout=10) as client:
        response = client.post("/chatkit", content=chunks())
    assert response.status_code == 413


def test_each_browser_sees_only_its_own_threads(base_url: str, chat: GatedServer) -> None:
    chat.gate.set()
    with (
        httpx.Client(base_url=base_url, timeout=10) as alice,
        httpx.Client(base_url=base_url, timeout=10) as bob,
    ):
        created = list(frames(alice.post("/chatkit", json=create_body()).iter_lines()))
        thread_id = created[0]["thread"]["id"]
        listed = alice.post("/chatkit", json={"type": "threads.list", "params": {}}).json()
        assert [t["id"] for t in listed["data"]] == [thread_id]
        assert (
            bob.post("/chatkit", json={"type": "threads.list", "params": {}}).json()["data"] == []
        )
        stolen = bob.post(
            "/chatkit", json={"type": "threads.get_by_id", "params": {"thread_id": thread_id}}
        )
        assert stolen.status_code == 404


def test_a_planted_user_cookie_is_replaced_by_a_signed_one(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        issued = client.post("/chatkit", json={"type": "threads.list", "params": {}})
        user = issued.cookies[USER_COOKIE]
        # The id the server issued is accepted as is: no new cookie.
        again = client.post("/chatkit", json={"type": "threads.list", "params": {}})
        assert USER_COOKIE not in again.cookies
    for planted in ("a" * 32, user[:-1] + ("0" if user[-1] != "0" else "1"), "x" * 48):
        with httpx.Client(base_url=base_url, timeout=10, cookies={USER_COOKIE: planted}) as client:
            response = client.post("/chatkit", json={"type": "threads.list", "params": {}})
            assert response.cookies[USER_COOKIE] not in (planted, user)


def test_the_cookie_secret_outlives_the_process(chat: GatedServer) -> None:
    secret = "a-configured-secret-of-enough-bytes"
    ids = []
    for _ in range(2):  # two app instances (a restart) with the same secret
        with (
            serve(create_app(chat, user_cookie_secret=secret)) as url,
            httpx.Client(
                base_url=url, timeout=10, cookies={USER_COOKIE: ids[0]} if ids else None
            ) as client,
        ):
            response = client.post("/chatkit", json={"type": "threads.list", "params": {}})
            ids.append(response.cookies.get(USER_COOKIE))
    assert ids[0] and ids[1] is None  # the first id is still recognised after the "restart"


def test_health_and_default_page(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/chatkit.js" async></script>' in page.text
    assert '"url": "/chatkit"' in page.text
    # Option values cannot break out of the inline script.
    assert "</script><b>" not in page.text and "\\u003c/script>\\u003cb>hi" in page.text


def test_cors_is_opt_in_and_names_the_auth_headers(chat: GatedServer) -> None:
    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    with serve(create_app(chat)) as url:
        closed = httpx.options(url + "/chatkit", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    with serve(create_app(chat, cors_origins=["https://app.example"])) as url:
        opened = httpx.options(url + "/chatkit", headers=preflight)
        other = httpx.options(
            url + "/chatkit", headers={**preflight, "Origin": "https://evil.example"}
        )
    assert opened.status_code == 200
    assert opened.headers["access-control-allow-origin"] == "https://app.example"
    assert "Authorization" in opened.headers["access-control-allow-headers"]
    assert other.status_code == 400


def test_context_factory_can_refuse_with_a_json_error(chat: GatedServer) -> None:
    async def authenticate(request: Request) -> RequestContext:
        token = request.headers.get("authorization")
        if token != "Bearer letmein":
            raise HTTPException(401, "Missing or wrong token")
        return RequestContext(user_id="staff")

    with serve(create_app(chat, context=authenticate)) as url:
        denied = httpx.post(url + "/chatkit", json={"type": "threads.list", "params": {}})
        allowed = httpx.post(
            url + "/chatkit",
            json={"type": "threads.list", "params": {}},
            headers={"Authorization": "Bearer letmein"},
        )
    assert denied.status_code == 401
    assert denied.json() == {"error": {"type": "http_error", "message": "Missing or wrong token"}}
    assert allowed.status_code == 200


def test_mounted_under_a_prefix(chat: GatedServer) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    outer = Starlette(routes=[Mount("/support", create_app(chat))])
    with serve(outer) as url:
        page = httpx.get(url + "/support/")
        listed = httpx.post(url + "/support/chatkit", json={"type": "threads.list", "params": {}})
    assert '"url": "/support/chatkit"' in page.text and 'src="/support/chatkit.js"' in page.text
    assert listed.status_code == 200


def test_element_bundle_caching_and_page_identity(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        page = client.get("/")
        assert '<link rel="modulepreload" href="/chatkit.mjs">' in page.text
        # The page names the browser before the element's parallel first requests.
        assert "chatloom_uid" in page.cookies
        loader = client.get("/chatkit.js")
        assert loader.status_code == 200 and loader.headers["cache-control"] == "no-cache"
        assert "import" in loader.text and "export " not in loader.text  # a classic script
        module = client.get("/chatkit.mjs")
        assert module.headers["cache-control"] == "no-cache"
        chunk = next(p for p in (STATIC / "chunks").iterdir() if p.suffix == ".mjs")
        cached = client.get(f"/chunks/{chunk.name}")
        assert cached.status_code == 200
        assert cached.headers["content-type"].startswith(
            ("text/javascript", "application/javascript")
        )
        assert cached.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert client.get("/chunks/missing.mjs").status_code == 404


def test_page_script_and_api_options(chat: GatedServer) -> None:
    app = create_app(
        chat,
        page_options={"api": {"uploadStrategy": {"type": "direct", "uploadUrl": "/files"}}},
        page_script="options.onClientTool = function () { return {}; };",
    )
    with serve(app) as url:
        page = httpx.get(url + "/").text
    assert '"uploadStrategy": {"type": "direct", "uploadUrl": "/files"}' in page
    assert '"url": "/chatkit"' in page and '"domainKey": "local"' in page
    assert page.index("options.onClientTool") < page.index("setOptions(options)")
    with pytest.raises(ValueError):
        create_app(chat, page_script="</SCRIPT><img src=x>")
