"""Hosted mode in Chromium: a page written like OpenAI's starter app (@openai/chatkit-react
with ``api.getClientSecret`` and its own session endpoint) loads chatloom's element from
chatloom's hosted server, on another origin, and talks to a published workflow."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from chatloom.agents import OpenAICompatibleProvider
from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.hosted import WorkflowRepository, create_hosted_app
from chatloom.hosted.workflow.code_import import import_python_export
from tests.live_server import serve
from tests.polling import eventually

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PAGE_SOURCE = Path(__file__).parent / "hosted_page"
PAGE = ROOT / "web" / "dist" / "hosted-page"
ADMIN_KEY = "sk-e2e-7c41d9a0b8e25f63c1a9d7e0b4f28a65"
WORKFLOW = """
id: wf_e2e
start: answer
nodes:
  answer: {type: agent, instructions: "Be brief."}
"""


@dataclass
class Starter:
    """The page's own server (what the starter app is) and the hosted server it uses."""

    page_url: str
    hosted_url: str
    model: ScriptedEndpoint
    lifetime: int = 600
    sessions: list[dict[str, Any]] = field(default_factory=list)

    def admin(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.hosted_url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
        )


@pytest.fixture(scope="module")
def built_page() -> Path:
    sources = [PAGE_SOURCE / "main.tsx", PAGE_SOURCE / "index.html"]
    index = PAGE / "index.html"
    if not index.is_file() or index.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        subprocess.run(
            ["./node_modules/.bin/vite", "build", "--config", str(PAGE_SOURCE / "vite.config.mjs")],
            cwd=ROOT / "web",
            check=True,
            capture_output=True,
        )
    return PAGE


@pytest.fixture
def hosted_workflow() -> str | dict[str, str]:
    """The workflow ``wf_e2e`` the page's sessions run (a module may override it): its
    file's text, or the files of its folder by name (a code workflow and its program)."""
    return WORKFLOW


@pytest.fixture
def starter(
    tmp_path: Path, built_page: Path, hosted_workflow: str | dict[str, str]
) -> Iterator[Starter]:
    model = ScriptedEndpoint()
    files = hosted_workflow if isinstance(hosted_workflow, dict) else {"e2e.yaml": hosted_workflow}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    repository = WorkflowRepository(tmp_path)
    repository.publish("wf_e2e")
    with serve(model) as model_url:
        provider = OpenAICompatibleProvider("scripted", base_url=model_url + "/v1")
        hosted = create_hosted_app(repository, admin_keys=[ADMIN_KEY], provider=provider)
        with serve(hosted) as hosted_url:
            state = Starter("", hosted_url, model)

            async def index(request: Request) -> Response:
                html = (built_page / "index.html").read_text()
                return HTMLResponse(html.replace("__CHATKIT_JS__", f"{hosted_url}/chatkit.js"))

            async def create_session(request: Request) -> Response:
                # What the starter app's /api/create-session does, against chatloom.
                async with httpx.AsyncClient(base_url=hosted_url) as client:
                    upstream = await client.post(
                        "/v1/chatkit/sessions",
                        headers={
                            "Authorization": f"Bearer {ADMIN_KEY}",
                            "OpenAI-Beta": "chatkit_beta=v1",
                        },
                        json={
                            "workflow": {"id": "wf_e2e"},
                            "user": "visitor-1",
                            "chatkit_configuration": {
                                "file_upload": {"enabled": True},
                                "automatic_thread_titling": {"enabled": False},
                            },
                            "expires_after": {"anchor": "created_at", "seconds": state.lifetime},
                        },
                    )
                body = upstream.json()
                state.sessions.append(body)
                return JSONResponse(
                    {"client_secret": body["client_secret"], "expires_after": body["expires_after"]}
                )

            page_app = Starlette(
                routes=[
                    Route("/", index),
                    Route("/api/chatkit/session", create_session, methods=["POST"]),
                    Mount("/", StaticFiles(directory=built_page)),
                ]
            )
            with serve(page_app) as page_url:
                state.page_url = page_url
                yield state


def send(page: Any, text: str) -> None:
    box = page.locator("openai-chatkit textarea")
    box.fill(text)
    box.press("Enter")


def secret_calls(page: Any) -> list[str | None]:
    return list(page.evaluate("window.secretCalls"))


def threads(page: Any) -> list[str]:
    return [e for e in page.evaluate("window.chatLog") if e.startswith("thread:cthr_")]


def conversation_statuses(page: Any) -> list[int]:
    """Every status the conversation endpoint answered, in order (recorded from here on)."""
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if "/v1/chatkit/conversation" in r.url else None,
    )
    return statuses


def open_chat(page: Any, starter: Starter) -> Any:
    page.goto(starter.page_url)
    chat = page.locator("openai-chatkit")
    expect(chat.get_by_role("heading", name="Hosted starter")).to_be_visible()
    page.wait_for_function("window.secretCalls.length === 1")
    assert secret_calls(page) == [None]  # getClientSecret(null) as soon as options arrive
    return chat


def test_a_secret_expiring_mid_conversation_is_refreshed_and_the_thread_goes_on(
    page: Any, starter: Starter
) -> None:
    starter.lifetime = 4
    starter.model.script([Say("Reply one")], [Say("Reply two")])
    statuses = conversation_statuses(page)
    chat = open_chat(page, starter)
    send(page, "first message")
    expect(chat.locator(".ck-assistant")).to_contain_text("Reply one")
    first_secret = starter.sessions[0]["client_secret"]
    time.sleep(max(0.0, starter.sessions[0]["expires_at"] - time.time()) + 0.5)  # expired now

    send(page, "second message")
    expect(chat.locator(".ck-assistant").last).to_contain_text("Reply two")
    assert secret_calls(page) == [None, first_secret]  # asked again, with the old secret
    # Before expiry, from the expiry the server announced: no request was refused.
    assert statuses and 401 not in statuses
    assert len(set(threads(page))) == 1  # the same thread
    with starter.admin() as admin:
        listed = admin.get("/v1/chatkit/threads", params={"user": "visitor-1"}).json()["data"]
        assert len(listed) == 1
        items = admin.get(f"/v1/chatkit/threads/{listed[0]['id']}/items", params={"order": "asc"})
    kinds = [item["type"] for item in items.json()["data"]]
    assert kinds == ["chatkit.user_message", "chatkit.assistant_message"] * 2


def test_a_refused_secret_is_replaced_and_the_request_retried_once(
    page: Any, starter: Starter
) -> None:
    starter.model.script([Say("Reply one")], [Say("Reply after cancel")])
    statuses = conversation_statuses(page)
    chat = open_chat(page, starter)
    send(page, "hello")
    expect(chat.locator(".ck-assistant")).to_contain_text("Reply one")
    first = starter.sessions[0]
    with starter.admin() as admin:
        assert admin.post(f"/v1/chatkit/sessions/{first['id']}/cancel").status_code == 200

    send(page, "are you there?")
    expect(chat.locator(".ck-assistant").last).to_contain_text("Reply after cancel")
    assert secret_calls(page) == [None, first["client_secret"]]
    assert statuses.count(401) == 1  # refused once, then retried with the new secret
    assert len(set(threads(page))) == 1
    assert not [e for e in page.evaluate("window.chatLog") if e.startswith("error:")]


def imported_triage() -> str:
    """The triage code export, imported, as the workflow the page's sessions run."""
    export = ROOT / "tests" / "hosted" / "exports" / "support_triage.py"
    document = import_python_export(export.read_text(), filename=str(export)).document
    document["id"] = "wf_e2e"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize("hosted_workflow", [imported_triage()])
def test_an_imported_code_export_streams_and_asks_for_approval(page: Any, starter: Starter) -> None:
    starter.model.script(
        [Say('{"jailbreak": false, "confidence": 0.05}')],
        [Say('{"topic": "order", "urgent": false}')],
        [Say("Order 42 ships "), Say("tomorrow.")],
    )
    chat = open_chat(page, starter)
    send(page, "where is order 42?")
    expect(chat.locator(".ck-assistant").last).to_contain_text("Order 42 ships tomorrow.")
    form = chat.locator(".ck-structured")
    expect(form.get_by_text("Did that solve it?")).to_be_visible()

    form.get_by_role("radio", name="Reject").click()
    form.get_by_role("button", name="Submit").click()
    expect(form).to_have_count(0)  # answered: the composer is back
    assert len(starter.model.exchanges) == 3  # guardrail, triage, orders desk: nothing more
    with starter.admin() as admin:
        [thread] = admin.get("/v1/chatkit/threads", params={"user": "visitor-1"}).json()["data"]
        items = admin.get(f"/v1/chatkit/threads/{thread['id']}/items", params={"order": "asc"})
    kinds = [item["type"] for item in items.json()["data"]]
    assert kinds[0] == "chatkit.user_message" and "chatkit.assistant_message" in kinds


def triage_program() -> dict[str, str]:
    """The triage code export itself, unchanged, run as the workflow ``wf_e2e``."""
    export = ROOT / "tests" / "hosted" / "exports" / "support_triage.py"
    return {
        "e2e.yaml": "id: wf_e2e\ncode: support_triage.py:run_workflow\n",
        "support_triage.py": export.read_text(),
    }


@pytest.mark.parametrize("hosted_workflow", [triage_program()])
def test_the_code_export_itself_streams_and_its_approval_is_answered_in_the_page(
    page: Any, starter: Starter
) -> None:
    starter.model.script(
        [Say('{"jailbreak": false, "confidence": 0.05}')],
        [Say('{"topic": "order", "urgent": false}')],
        [Say("Order 42 ships "), Say("tomorrow.")],
    )
    chat = open_chat(page, starter)
    send(page, "where is order 42?")
    # The first message may wait for the program's load (the Agents SDK's import).
    expect(chat.locator(".ck-assistant").last).to_contain_text(
        "Order 42 ships tomorrow.", timeout=60_000
    )
    form = chat.locator(".ck-structured")
    expect(form.get_by_text("Did that solve it?")).to_be_visible()

    form.get_by_role("radio", name="Approve").click()
    form.get_by_role("button", name="Submit").click()
    expect(form).to_have_count(0)  # answered: the program went on and finished
    assert len(starter.model.exchanges) == 3  # replayed from the journal: no model call
    with starter.admin() as admin:
        [thread] = admin.get("/v1/chatkit/threads", params={"user": "visitor-1"}).json()["data"]

        def both_runs() -> list[dict[str, Any]]:
            runs = admin.get(f"/v1/chatkit/threads/{thread['id']}/runs").json()["data"]
            return list(runs) if len(runs) == 2 else []

        runs = eventually(both_runs, what="the answer's run is recorded")
    assert [run["status"] for run in runs] == ["completed", "suspended"]  # newest first
    assert runs[0]["steps"][0]["output"] == {"approved": True}
    assert [step["node"] for step in runs[1]["steps"]] == [
        "Jailbreak",
        "Contains PII",
        "Triage",
        "Orders desk",
    ]
