"""Client secrets and isolation: expired, cancelled and forged secrets; other users'
threads; the per-session rate limit; CORS for pages on other origins."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.hosted.credentials import AdminKeys, digest, new_client_secret

from .conftest import ADMIN_KEY, BETA, Hosted, create, thread_id_of

LIST = {"type": "threads.list", "params": {}}


def test_forged_and_missing_secrets_are_401(hosted: Hosted) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer ek_forged"},
        {"Authorization": f"Bearer {ADMIN_KEY}"},
    ):
        response = httpx.post(hosted.url + "/v1/chatkit/conversation", json=LIST, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_client_secret"
    forged = new_client_secret()  # well formed, never issued
    assert hosted.post(forged, LIST).status_code == 401


def test_responses_say_when_the_secret_expires(hosted: Hosted) -> None:
    session = hosted.session(expires_after={"anchor": "created_at", "seconds": 90})
    response = hosted.post(session["client_secret"], LIST)
    assert response.headers["Chatloom-Secret-Expires-At"] == str(session["expires_at"])


def test_a_cancelled_secret_is_401(hosted: Hosted) -> None:
    session = hosted.session()
    assert hosted.post(session["client_secret"], LIST).status_code == 200
    with hosted.admin() as admin:
        assert admin.post(f"/v1/chatkit/sessions/{session['id']}/cancel").status_code == 200
    response = hosted.post(session["client_secret"], LIST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_cancelled"


def test_an_expired_secret_is_401(hosted: Hosted) -> None:
    session = hosted.session(expires_after={"anchor": "created_at", "seconds": 3})
    assert hosted.post(session["client_secret"], LIST).status_code == 200
    time.sleep(max(0.0, session["expires_at"] - time.time()) + 0.1)
    response = hosted.post(session["client_secret"], LIST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


def test_one_users_secret_cannot_read_another_users_threads(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    endpoint.script([Say("Hello Alice")])
    alice = hosted.session("alice")["client_secret"]
    thread_id = thread_id_of(hosted.events(alice, create("my secret plan")))
    mallory = hosted.session("mallory")["client_secret"]
    for body in (
        {"type": "threads.get_by_id", "params": {"thread_id": thread_id}},
        {"type": "items.list", "params": {"thread_id": thread_id}},
        {"type": "threads.delete", "params": {"thread_id": thread_id}},
        {"type": "threads.update", "params": {"thread_id": thread_id, "title": "pwned"}},
    ):
        assert hosted.post(mallory, body).status_code == 404
    assert hosted.post(mallory, LIST).json()["data"] == []
    # Alice's thread is intact, and a new session of hers (a refreshed secret) sees it.
    again = hosted.session("alice")["client_secret"]
    threads = hosted.post(again, LIST).json()["data"]
    assert [t["id"] for t in threads] == [thread_id]
    assert threads[0].get("title") is None


def test_the_rate_limit_answers_429_with_retry_after(hosted: Hosted) -> None:
    session = hosted.session(rate_limits={"max_requests_per_1_minute": 2})
    secret = session["client_secret"]
    update = {"type": "threads.update", "params": {"thread_id": "cthr_none", "title": "x"}}
    assert hosted.post(secret, update).status_code == 404  # counted
    assert hosted.post(secret, update).status_code == 404  # counted
    limited = hosted.post(secret, update)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.json()["error"]["type"] == "rate_limit_exceeded"
    # Reads are not counted, so a client can still load its history.
    assert hosted.post(secret, LIST).status_code == 200
    # Another session of the same user has its own window.
    other = hosted.session(rate_limits={"max_requests_per_1_minute": 2})["client_secret"]
    assert hosted.post(other, update).status_code == 404


def test_history_disabled_hides_earlier_threads(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    endpoint.script([Say("Hi")])
    secret = hosted.session("carol")["client_secret"]
    hosted.events(secret, create("hello"))
    hidden = hosted.session("carol", chatkit_configuration={"history": {"enabled": False}})
    assert hosted.post(hidden["client_secret"], LIST).json() == {"data": [], "has_more": False}


def test_recent_threads_limits_the_history(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    secret = hosted.session("dave")["client_secret"]
    made = []
    for text in ("one", "two", "three"):
        endpoint.script([Say(text)])
        made.append(thread_id_of(hosted.events(secret, create(text))))
    recent = hosted.session("dave", chatkit_configuration={"history": {"recent_threads": 2}})
    listed = hosted.post(recent["client_secret"], LIST).json()
    assert [t["id"] for t in listed["data"]] == [made[2], made[1]] and listed["has_more"] is False
    assert listed["data"][0]["items"] == {"data": [], "has_more": False}
    after = {"type": "threads.list", "params": {"after": made[1]}}
    assert hosted.post(recent["client_secret"], after).json()["data"] == []
    assert len(hosted.post(secret, LIST).json()["data"]) == 3  # unlimited without it


def test_cors_preflight_names_authorization_and_openai_beta(hosted: Hosted) -> None:
    response = httpx.options(
        hosted.url + "/v1/chatkit/conversation",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,openai-beta",
        },
    )
    assert response.status_code == 200
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "openai-beta" in allowed
    assert response.headers["access-control-allow-origin"] in ("*", "https://shop.example")
    secret = hosted.session()["client_secret"]
    exposed = hosted.post(secret, LIST).headers  # no Origin: CORS headers only on cross-origin
    assert "Chatloom-Secret-Expires-At" in exposed
    cross = httpx.post(
        hosted.url + "/v1/chatkit/conversation",
        json=LIST,
        headers={"Authorization": f"Bearer {secret}", "Origin": "https://shop.example"},
    )
    assert "chatloom-secret-expires-at" in cross.headers["access-control-expose-headers"].lower()


ONE = "sk-one-5a0c9e3f7b1d48a2c6e0f9b3d7a1c5e8"
TWO = "sk-two-e8c1a7d3f9b5024c8a6e1f3d9b7c5a0e"


def test_admin_keys_are_kept_as_digests() -> None:
    keys = AdminKeys.from_keys([ONE, TWO])
    assert keys.accepts(TWO) and not keys.accepts(TWO + "x") and not keys.accepts(None)
    assert ONE not in repr(vars(keys))
    assert AdminKeys([f"sha256:{digest(ONE)}"]).accepts(ONE)
    with pytest.raises(ValueError):
        AdminKeys([])


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("sk-short-key", "at least 32 characters"),
        ("a" * 40, "too easy to guess"),
        ("sk-changeme-changeme-changeme-changeme", "too easy to guess"),
        ("sk-your-key-here-0123456789abcdefghijk", "too easy to guess"),
    ],
)
def test_weak_admin_keys_are_refused(key: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        AdminKeys.from_keys([key])


def test_wrong_admin_keys_are_logged_and_throttled_per_client(
    hosted: Hosted, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = {"Authorization": "Bearer sk-guess-000000000000000000000000000000", **BETA}
    with httpx.Client(base_url=hosted.url, headers=wrong) as guesser:
        answers = [guesser.get("/v1/chatkit/threads").status_code for _ in range(12)]
        assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]
        # Throttled: even the right key is not looked at from this address now.
        right = guesser.get("/v1/chatkit/threads", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
        assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1
    assert "Refused a wrong admin key to GET /v1/chatkit/threads from 127.0.0.1" in caplog.text


def test_oversized_bodies_are_refused_before_they_are_read(hosted: Hosted) -> None:
    secret = hosted.session()["client_secret"]
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    big = b'{"type": "threads.list", "params": {}, "pad": "' + b"x" * (9 * 1024 * 1024) + b'"}'
    declared = httpx.post(hosted.url + "/v1/chatkit/conversation", content=big, headers=headers)
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "request_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 1 << 20):
            yield big[start : start + (1 << 20)]

    streamed = httpx.post(
        hosted.url + "/v1/chatkit/conversation", content=chunks(), headers=headers
    )
    assert streamed.status_code == 413


def test_deeply_nested_json_is_a_400_on_every_endpoint(hosted: Hosted) -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    with hosted.admin() as admin:
        response = admin.post("/v1/chatkit/sessions", content=nested)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    secret = hosted.session()["client_secret"]
    for body in (nested, b'{"type": "threads.list", "params": ' + nested + b"}"):
        response = httpx.post(
            hosted.url + "/v1/chatkit/conversation",
            content=body,
            headers={"Authorization": f"Bearer {secret}", **BETA},
        )
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/json"
