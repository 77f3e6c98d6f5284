"""Resumable responses across instances through a real redis-server: resume and cancel
on another instance, and an instance killed mid-reply ends its response as interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chatloom import deployment
from chatloom.http import create_app
from chatloom.responses import MemoryResponseLog, Responses
from chatloom.responses_redis import RedisResponseLog
from chatloom.shared.redis import connect

from .live_server import free_port, serve
from .polling import eventually
from .test_resumable import (
    PRELUDE,
    RESUMABLE_CREATE,
    CuttingProxy,
    GatedStory,
    event_id,
    read_frames,
    resume,
)

pytestmark = pytest.mark.redis

# Instances of one deployment share the key that signs anonymous user ids.
COOKIE_KEY = b"resumable-redis-tests-cookie-key-01234"


def instance(redis_url: str) -> GatedStory:
    return GatedStory(Responses(RedisResponseLog(connect(redis_url), alive_seconds=1.0)))


@pytest.fixture
def a(redis_url: str) -> GatedStory:
    return instance(redis_url)


@pytest.fixture
def b(redis_url: str) -> GatedStory:
    return instance(redis_url)


@pytest.fixture
def urls(a: GatedStory, b: GatedStory) -> Iterator[tuple[str, str]]:
    with (
        serve(create_app(a, serve_element=False, user_cookie_secret=COOKIE_KEY)) as url_a,
        serve(create_app(b, serve_element=False, user_cookie_secret=COOKIE_KEY)) as url_b,
    ):
        yield url_a, url_b


def test_a_reply_cut_on_one_instance_resumes_on_another(
    a: GatedStory, b: GatedStory, urls: tuple[str, str]
) -> None:
    url_a, url_b = urls
    with (
        CuttingProxy(int(url_a.rsplit(":", 1)[1])) as proxy,
        httpx.Client(base_url=f"http://127.0.0.1:{proxy.port}", timeout=20) as client,
        client.stream("POST", "/chatkit", json=RESUMABLE_CREATE) as response,
    ):
        cookie = response.cookies["chatloom_uid"]
        before = read_frames(response, stop_after=PRELUDE + 10)
        proxy.cut()
    last_seen = event_id(before[-1])
    response_id = last_seen.split(":")[0]
    results: dict[str, list[bytes]] = {}

    def follow(name: str, url: str, after: str) -> None:
        body = {"type": "responses.resume", "params": {"last_event_id": after}}
        with (
            httpx.Client(base_url=url, timeout=20, cookies={"chatloom_uid": cookie}) as client,
            client.stream("POST", "/chatkit", json=body) as resumed,
        ):
            assert resumed.status_code == 200
            results[name] = read_frames(resumed)

    readers = [
        threading.Thread(target=follow, args=("resumed", url_b, last_seen)),
        threading.Thread(target=follow, args=("tab", url_a, f"{response_id}:0")),
    ]
    for reader in readers:
        reader.start()
    a.gate.set()
    for reader in readers:
        reader.join(20)
    assert before + results["resumed"] == results["tab"]
    assert len(results["tab"]) == PRELUDE + 20 + 1
    assert a.runs == 1 and b.runs == 0
    with httpx.Client(base_url=url_b, timeout=20) as stranger:
        assert resume(stranger, f"{response_id}:0").status_code == 404


def test_stop_on_another_instance_cancels_the_reply(
    a: GatedStory, b: GatedStory, urls: tuple[str, str]
) -> None:
    url_a, url_b = urls
    with httpx.Client(base_url=url_a, timeout=20) as client:
        with client.stream("POST", "/chatkit", json=RESUMABLE_CREATE) as response:
            frames = read_frames(response, stop_after=PRELUDE + 10)
        cookie = client.cookies["chatloom_uid"]
    response_id = event_id(frames[0]).split(":")[0]
    with httpx.Client(base_url=url_b, timeout=20, cookies={"chatloom_uid": cookie}) as client:
        stop = {"type": "responses.cancel", "params": {"response_id": response_id}}
        assert client.post("/chatkit", json=stop).json() == {}
        eventually(a.cancelled.is_set, what="instance A to cancel the reply")
        eventually(
            lambda: client.post("/chatkit", json=stop).status_code == 404,
            what="the reply to end",
        )


APP = textwrap.dedent(
    """
    import os
    from chatloom.http import create_app
    from chatloom.responses import Responses
    from chatloom.responses_redis import RedisResponseLog
    from chatloom.shared.redis import connect
    from tests.test_resumable import GatedStory

    story = GatedStory(
        Responses(RedisResponseLog(connect(os.environ["REDIS_URL"]), alive_seconds=1.0))
    )
    app = create_app(story, serve_element=False)
    """
)


@pytest.fixture
def doomed(tmp_path: Path, redis_url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Instance A in a process of its own, to be killed."""
    (tmp_path / "doomed_app.py").write_text(APP)
    port = free_port()
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "doomed_app:app", "--port", str(port)],
        cwd=tmp_path,
        env={
            **os.environ,
            "REDIS_URL": redis_url,
            "PYTHONPATH": f"{tmp_path}:{root}",
            "CHATLOOM_COOKIE_SECRET": COOKIE_KEY.decode(),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    eventually(up, timeout=30, what="instance A to start")
    yield process, url
    process.kill()
    process.wait()


def test_an_instance_killed_mid_reply_ends_it_as_interrupted(
    doomed: tuple[subprocess.Popen[bytes], str], b: GatedStory, redis_url: str
) -> None:
    process, url_a = doomed
    with httpx.Client(base_url=url_a, timeout=20) as client:
        with client.stream("POST", "/chatkit", json=RESUMABLE_CREATE) as response:
            before = read_frames(response, stop_after=PRELUDE + 10)
        cookie = client.cookies["chatloom_uid"]
    process.send_signal(signal.SIGKILL)
    process.wait()
    last_seen = event_id(before[-1])
    with (
        serve(create_app(b, serve_element=False, user_cookie_secret=COOKIE_KEY)) as url_b,
        httpx.Client(base_url=url_b, timeout=20, cookies={"chatloom_uid": cookie}) as client,
    ):
        rest = resume(client, last_seen).content
        again = resume(client, last_seen).content
    # Ended for everyone, once: an error event that offers a retry, then the end.
    assert rest == again
    frames = [frame for frame in rest.split(b"\n\n") if frame]
    assert len(frames) == 1
    assert event_id(frames[0] + b"\n\n") == f"{last_seen.split(':')[0]}:{PRELUDE + 11}"
    assert json.loads(frames[0].split(b"data: ", 1)[1]) == {
        "type": "error",
        "code": "stream.error",
        "allow_retry": True,
    }


def test_redis_url_turns_resumable_responses_on() -> None:
    on = deployment.responses({"REDIS_URL": "redis://cache:6379/0"})  # connects lazily
    assert on is not None and isinstance(on.log, RedisResponseLog)
    memory = deployment.responses({"CHATLOOM_RESUMABLE": "1"})
    assert memory is not None and isinstance(memory.log, MemoryResponseLog)
    assert deployment.responses({}) is None
