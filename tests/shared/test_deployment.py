"""One set of environment variables configures every instance: REDIS_URL and
CHATLOOM_S3_* pick the shared implementations, their absence the in-process ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatloom import config, deployment
from chatloom.attachments import DiskAttachmentStore
from chatloom.attachments.s3 import S3AttachmentStore
from chatloom.hosted.ratelimit import SlidingWindowLimiter
from chatloom.shared.memory import MemoryUsageLedger
from chatloom.shared.redis import RedisRateLimiter, RedisUsageLedger

S3_ENV = {
    "CHATLOOM_S3_BUCKET": "files",
    "CHATLOOM_S3_ENDPOINT": "http://s3:8333",
    "CHATLOOM_S3_PUBLIC_ENDPOINT": "https://files.example.com",
    "CHATLOOM_S3_ACCESS_KEY_ID": "key",
    "CHATLOOM_S3_SECRET_ACCESS_KEY": "secret",
    "CHATLOOM_S3_PREFIX": "/prod/",
}


def test_without_settings_everything_stays_in_process(tmp_path: Path) -> None:
    shared = deployment.shared_state({})
    assert isinstance(shared.limiter, SlidingWindowLimiter)
    assert isinstance(shared.ledger, MemoryUsageLedger)
    files = deployment.attachment_store(tmp_path, env={})
    assert isinstance(files, DiskAttachmentStore)
    files.close()
    assert deployment.attachment_store(None, env={}) is None


def test_redis_url_and_a_bucket_select_the_shared_implementations() -> None:
    env = {"REDIS_URL": "redis://cache:6379/0", **S3_ENV}
    shared = deployment.shared_state(env)  # connects lazily: nothing runs at cache:6379
    assert isinstance(shared.limiter, RedisRateLimiter)
    files = deployment.attachment_store("unused", path="/v1/chatkit/files", shared=shared, env=env)
    assert isinstance(files, S3AttachmentStore)
    assert isinstance(files.ledger, RedisUsageLedger)
    assert files.path == "/v1/chatkit/files"
    assert files.prefix == "prod/"
    assert files.endpoint == "http://s3:8333"
    assert files.public_endpoint == "https://files.example.com"


def test_s3_settings_are_read_and_checked() -> None:
    assert config.s3_settings({}) is None
    settings = config.s3_settings(
        {"CHATLOOM_S3_BUCKET": "b", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
    )
    assert settings == config.S3Settings(
        bucket="b", access_key_id="k", secret_access_key="s", region="us-east-1"
    )
    with pytest.raises(config.ConfigError, match="CHATLOOM_S3_SECRET_ACCESS_KEY"):
        config.s3_settings({"CHATLOOM_S3_BUCKET": "b", "CHATLOOM_S3_ACCESS_KEY_ID": "k"})
