"""deploy/: the compose file and the proxy configuration, checked without Docker (which
does not run here): the file parses, every instance reads a usable configuration through
chatloom.config, what it mounts exists, and nginx accepts the proxy configuration."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatloom import config, deployment
from chatloom.attachments.s3 import S3AttachmentStore

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def test_the_stack_has_every_service_with_health_checks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "s3", "chatloom", "proxy"}
    assert services["chatloom"]["deploy"]["replicas"] == 3
    for name in ("postgres", "redis", "s3", "chatloom"):
        assert services[name]["healthcheck"]["test"], name
    assert {
        name: dependency["condition"]
        for name, dependency in services["chatloom"]["depends_on"].items()
    } == {"postgres": "service_healthy", "redis": "service_healthy", "s3": "service_healthy"}
    assert "/readyz" in " ".join(services["chatloom"]["healthcheck"]["test"])
    assert services["proxy"]["ports"] == ["8080:80"]


def test_every_instance_reads_a_complete_configuration(compose: dict[str, Any]) -> None:
    env = {k: str(v) for k, v in compose["services"]["chatloom"]["environment"].items()}
    database = config.database_config(env)
    assert database is not None and database.kind == "postgres"
    assert config.redis_url(env) == "redis://redis:6379/0"
    s3 = config.s3_settings(env)
    assert s3 is not None and s3.endpoint == "http://s3:8333"
    files = deployment.attachment_store(None, path="/v1/chatkit/files", env=env)
    assert isinstance(files, S3AttachmentStore)
    # The bucket's credentials are the ones the instances sign with.
    identities = json.loads((DEPLOY / "seaweedfs-s3.json").read_text())["identities"]
    assert {"accessKey": s3.access_key_id, "secretKey": s3.secret_access_key} in identities[0][
        "credentials"
    ]
    assert f"-bucket={s3.bucket}" in compose["services"]["s3"]["command"]


def test_what_the_services_mount_and_build_exists(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), source
    build = compose["services"]["chatloom"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()


def test_the_proxy_streams_and_nginx_accepts_its_configuration(tmp_path: Path) -> None:
    text = (DEPLOY / "nginx.conf").read_text()
    for directive in ("proxy_buffering off;", "proxy_read_timeout 1h;", "proxy_http_version 1.1;"):
        assert directive in text
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light) to run nginx -t")
    # Outside compose the service names do not resolve: point them at loopback.
    local = re.sub(r"server (chatloom|s3):", "server 127.0.0.1:", text)
    conf = tmp_path / "nginx.conf"
    conf.write_text(local.replace("events {", f"pid {tmp_path}/nginx.pid;\nevents {{"))
    checked = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-e", str(tmp_path / "error.log"), "-g", f"error_log {tmp_path}/error.log;"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
