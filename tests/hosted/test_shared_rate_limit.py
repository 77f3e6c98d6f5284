"""The hosted rate limit kept in Redis: the same 429 as in process, and a clear 503
(never unlimited requests) while Redis is down."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from chatloom.agents import OpenAICompatibleProvider
from chatloom.hosted import WorkflowRepository, create_hosted_app
from chatloom.shared.redis import RedisRateLimiter, connect

from ..live_server import serve
from ..polling import eventually
from ..services.redis import RedisServer
from .conftest import ADMIN_KEY, Hosted

pytestmark = pytest.mark.redis

UPDATE = {"type": "threads.update", "params": {"thread_id": "cthr_none", "title": "x"}}


@pytest.fixture
def redis(redis_factory: Callable[[], RedisServer]) -> RedisServer:
    return redis_factory()


@pytest.fixture
def hosted_on_redis(workflow_dir: Path, endpoint_url: str, redis: RedisServer) -> Iterator[Hosted]:
    repository = WorkflowRepository(workflow_dir)
    repository.publish("wf_hello")
    limiter = RedisRateLimiter(connect(redis.url, timeout=1.0))
    app = create_hosted_app(
        repository,
        admin_keys=[ADMIN_KEY],
        provider=OpenAICompatibleProvider("scripted", base_url=endpoint_url, api_key="sk-model"),
        serve_element=False,
        limiter=limiter,
    )
    with serve(app) as url:
        yield Hosted(url, repository, limiter)  # type: ignore[arg-type]


def test_the_limit_kept_in_redis_answers_429(hosted_on_redis: Hosted) -> None:
    secret = hosted_on_redis.session(rate_limits={"max_requests_per_1_minute": 2})["client_secret"]
    assert hosted_on_redis.post(secret, UPDATE).status_code == 404  # counted
    assert hosted_on_redis.post(secret, UPDATE).status_code == 404  # counted
    limited = hosted_on_redis.post(secret, UPDATE)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.json()["error"]["type"] == "rate_limit_exceeded"


def test_redis_down_answers_503_and_the_server_keeps_serving(
    hosted_on_redis: Hosted, redis: RedisServer
) -> None:
    secret = hosted_on_redis.session()["client_secret"]
    assert hosted_on_redis.post(secret, UPDATE).status_code == 404
    redis.stop()
    refused = hosted_on_redis.post(secret, UPDATE)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    error = refused.json()["error"]
    assert error["type"] == "service_unavailable"
    assert error["code"] == "rate_limiter_unavailable"
    assert "try again" in error["message"]
    assert httpx.get(hosted_on_redis.url + "/healthz", timeout=5).status_code == 200
    redis.start()
    eventually(
        lambda: hosted_on_redis.post(secret, UPDATE).status_code == 404,
        what="requests are served again once Redis is back",
    )
