"""Three real ``chatloom hosted serve`` processes on one PostgreSQL, one Redis and one S3
bucket: a client spreads its requests across them and sees one service. Then one
instance is killed (``SIGKILL``) in the middle of a reply: nothing acknowledged is lost
and the others keep serving the thread."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatloom.agents.providers.scripted import Pause, Say, ScriptedEndpoint
from chatloom.config import S3Settings

from ..attachments.conftest import image_bytes
from ..live_server import free_port
from ..polling import eventually
from .conftest import ADMIN_KEY, BETA, Hosted, add, create, done_items, thread_id_of, user_input

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.s3]


@dataclass
class Instance:
    hosted: Hosted
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return self.hosted.url


def _environment(
    postgres_url: str, redis_url: str, s3: S3Settings, endpoint_url: str
) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        "CHATLOOM_S3_BUCKET": s3.bucket,
        "CHATLOOM_S3_ENDPOINT": s3.endpoint or "",
        "CHATLOOM_S3_ACCESS_KEY_ID": s3.access_key_id or "",
        "CHATLOOM_S3_SECRET_ACCESS_KEY": s3.secret_access_key or "",
        "CHATLOOM_S3_PREFIX": s3.prefix,
        "CHATLOOM_ADMIN_KEY": ADMIN_KEY,
        "CHATLOOM_MODEL": "scripted",
        "OPENAI_BASE_URL": endpoint_url,
        "OPENAI_API_KEY": "sk-model",
    }


@pytest.fixture
def instances(
    workflow_dir: Path,
    endpoint_url: str,
    postgres_url: str,
    redis_url: str,
    s3_settings: S3Settings,
    tmp_path: Path,
) -> Iterator[list[Instance]]:
    env = _environment(postgres_url, redis_url, s3_settings, endpoint_url)
    chatloom = [sys.executable, "-m", "chatloom"]
    subprocess.run(
        [*chatloom, "workflow", "publish", str(workflow_dir / "hello.yaml")],
        env=env, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    started: list[Instance] = []
    try:
        for number in range(3):
            port = free_port()
            log = (tmp_path / f"instance{number}.log").open("wb")
            process = subprocess.Popen(
                [*chatloom, "hosted", "serve", str(workflow_dir), "--port", str(port)],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            started.append(Instance(Hosted(f"http://127.0.0.1:{port}", None, None), process))  # type: ignore[arg-type]
        for instance in started:
            eventually(lambda i=instance: _ready(i), timeout=60, what=f"{instance.url} is ready")
        yield started
    finally:
        for instance in started:
            if instance.process.poll() is None:
                instance.process.terminate()
                instance.process.wait(timeout=15)


def _ready(instance: Instance) -> bool:
    if instance.process.poll() is not None:
        raise AssertionError(f"instance exited with {instance.process.returncode}")
    try:
        return httpx.get(instance.url + "/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _items(instance: Instance, secret: str, thread_id: str, **page: Any) -> dict[str, Any]:
    body = {"type": "items.list", "params": {"thread_id": thread_id, "order": "asc", **page}}
    response = instance.hosted.post(secret, body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_three_instances_serve_one_conversation(
    instances: list[Instance], endpoint: ScriptedEndpoint
) -> None:
    a, b, c = instances
    secret = a.hosted.session(
        user="ada",
        chatkit_configuration={
            "automatic_thread_titling": {"enabled": False},
            "file_upload": {"enabled": True},
        },
    )["client_secret"]

    # A thread made on B, a message added on C, the history read on A, page by page.
    endpoint.script([Say("First answer")], [Say("Second answer")])
    thread_id = thread_id_of(b.hosted.events(secret, create("hello")))
    c.hosted.events(secret, add(thread_id, "and again"))
    first = _items(a, secret, thread_id, limit=2)
    assert first["has_more"] is True
    rest = _items(a, secret, thread_id, limit=2, after=first["after"])
    texts = [part["text"] for item in first["data"] + rest["data"] for part in item["content"]]
    assert texts == ["hello", "First answer", "and again", "Second answer"]

    # An upload reserved on A goes to the bucket, is sent on B, downloaded through C.
    data = image_bytes((80, 60))
    reserved = a.hosted.post(
        secret,
        {
            "type": "attachments.create",
            "params": {"name": "map.png", "size": len(data), "mime_type": "image/png"},
        },
    ).json()
    descriptor = reserved["upload_descriptor"]
    assert (
        httpx.put(descriptor["url"], content=data, headers=descriptor["headers"]).status_code == 200
    )
    endpoint.script([Say("Nice map")])
    message = {**user_input("see the map"), "attachments": [reserved["id"]]}
    events = b.hosted.events(
        secret,
        {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message}},
    )
    assert done_items(events, "user_message")[0]["attachments"][0]["id"] == reserved["id"]
    download = httpx.get(
        f"{c.url}/v1/chatkit/files/{reserved['id']}",
        headers={"Authorization": f"Bearer {secret}", **BETA},
    )
    assert download.status_code == 302, download.text
    assert httpx.get(download.headers["location"]).content == data

    # A session limited to 2 requests a minute: counted on A and B, refused on C.
    limited = a.hosted.session(user="bo", rate_limits={"max_requests_per_1_minute": 2})
    update = {"type": "threads.update", "params": {"thread_id": "cthr_none", "title": "x"}}
    assert a.hosted.post(limited["client_secret"], update).status_code == 404
    assert b.hosted.post(limited["client_secret"], update).status_code == 404
    refused = c.hosted.post(limited["client_secret"], update)
    assert refused.status_code == 429
    assert refused.json()["error"]["type"] == "rate_limit_exceeded"


def test_killing_an_instance_mid_reply_loses_nothing_acknowledged(
    instances: list[Instance], endpoint: ScriptedEndpoint
) -> None:
    a, b, c = instances
    secret = b.hosted.session(user="cy")["client_secret"]
    endpoint.script([Say("Settled")])
    thread_id = thread_id_of(c.hosted.events(secret, create("first")))

    # A reply that starts and then stalls: the user's message is acknowledged (its
    # thread.item.done arrived) while A is still streaming.
    endpoint.script([Say("Half an ans"), Pause(60), Say("wer")])
    acknowledged = threading.Event()
    seen: list[dict[str, Any]] = []

    def stream() -> None:
        headers = {"Authorization": f"Bearer {secret}", **BETA}
        body = add(thread_id, "second, interrupted")
        try:
            with httpx.stream(
                "POST", a.url + "/v1/chatkit/conversation", json=body, headers=headers, timeout=120
            ) as response:
                for line in response.iter_lines():
                    if line.startswith("data: "):
                        seen.append(json.loads(line[6:]))
                        if done_items(seen, "user_message"):
                            acknowledged.set()
        except httpx.HTTPError:
            pass  # the instance was killed under it

    reader = threading.Thread(target=stream, daemon=True)
    reader.start()
    eventually(acknowledged.is_set, timeout=60, what="the user message was acknowledged")
    eventually(
        lambda: any(e["type"] == "thread.item.updated" for e in seen),
        what="A is streaming the reply",
    )
    a.process.send_signal(signal.SIGKILL)
    a.process.wait(timeout=10)
    reader.join(timeout=30)

    # B and C still have everything acknowledged, and keep serving the thread.
    items = _items(b, secret, thread_id)["data"]
    users = [item["content"][0]["text"] for item in items if item["type"] == "user_message"]
    assert users == ["first", "second, interrupted"]
    endpoint.script([Say("Still here")])
    events = c.hosted.events(secret, add(thread_id, "third"))
    assert done_items(events, "assistant_message")[-1]["content"][0]["text"] == "Still here"
    assert [i["type"] for i in _items(b, secret, thread_id)["data"]].count("user_message") == 3
