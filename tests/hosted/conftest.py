"""Hosted-mode fixtures: a scripted model server and the hosted app, both under real
uvicorn on loopback, and helpers that speak the REST API and the ChatKit protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from chatloom.agents import OpenAICompatibleProvider
from chatloom.hosted import WorkflowRepository, create_hosted_app
from chatloom.hosted.ratelimit import SlidingWindowLimiter

from ..live_server import serve

ADMIN_KEY = "sk-test-3f9a1c7e5b2d4086a1f3c9e7b5d2a4f8"
BETA = {"OpenAI-Beta": "chatkit_beta=v1"}

HELLO = """
id: wf_hello
name: Hello
state:
  plan: {type: string, default: free}
  visits: {type: number, default: 0}
start: answer
nodes:
  answer:
    type: agent
    instructions: "Help the {{ state.plan }} customer."
"""


@pytest.fixture
def workflow_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "hello.yaml").write_text(HELLO)
    return folder


@dataclass
class Hosted:
    url: str
    repository: WorkflowRepository
    limiter: SlidingWindowLimiter

    def publish(self, text: str) -> str:
        """Add a workflow file and publish it; its id."""
        document = yaml.safe_load(text)
        (self.repository.folder / f"{document['id']}.yaml").write_text(text)
        return self.repository.publish(document["id"]).id

    def admin(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {ADMIN_KEY}", **BETA}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def session(self, user: str = "user-1", **body: Any) -> dict[str, Any]:
        body.setdefault("workflow", {"id": "wf_hello"})
        body.setdefault("chatkit_configuration", {"automatic_thread_titling": {"enabled": False}})
        with self.admin() as client:
            response = client.post("/v1/chatkit/sessions", json={"user": user, **body})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def post(self, secret: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {secret}", **BETA}
        return httpx.post(
            self.url + "/v1/chatkit/conversation", json=body, headers=headers, timeout=30
        )

    def events(self, secret: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.post(secret, body)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        return [
            json.loads(line[6:])
            for line in response.text.split("\n\n")
            if line.startswith("data: ")
        ]


@pytest.fixture
def hosted(workflow_dir: Path, endpoint_url: str) -> Iterator[Hosted]:
    repository = WorkflowRepository(workflow_dir)
    for workflow_id in repository.drafts():
        repository.publish(workflow_id)
    limiter = SlidingWindowLimiter()
    provider = OpenAICompatibleProvider("scripted", base_url=endpoint_url, api_key="sk-model")
    app = create_hosted_app(
        repository,
        admin_keys=[ADMIN_KEY],
        provider=provider,
        serve_element=False,
        limiter=limiter,
    )
    with serve(app) as url:
        yield Hosted(url, repository, limiter)


def user_input(text: str) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def create(text: str) -> dict[str, Any]:
    return {"type": "threads.create", "params": {"input": user_input(text)}}


def add(thread_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "threads.add_user_message",
        "params": {"thread_id": thread_id, "input": user_input(text)},
    }


def done_items(events: list[dict[str, Any]], kind: str | None = None) -> list[dict[str, Any]]:
    return [
        e["item"]
        for e in events
        if e["type"] == "thread.item.done" and (kind is None or e["item"]["type"] == kind)
    ]


def structured(thread_id: str, item_id: str, answer: str) -> dict[str, Any]:
    submission = {"status": "answered", "answers": {"decision": {"values": [answer]}}}
    params = {"thread_id": thread_id, "item_id": item_id, "input": submission}
    return {"type": "threads.add_structured_input", "params": params}


def thread_id_of(events: list[dict[str, Any]]) -> str:
    return str(next(e["thread"]["id"] for e in events if e["type"] == "thread.created"))
