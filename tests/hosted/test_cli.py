"""``chatloom workflow validate|publish|import`` and ``chatloom hosted serve``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from chatloom.cli import main

from ..polling import eventually
from .conftest import HELLO
from .test_importer import FIXTURE


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    return int(caught.value.code or 0)


def test_validate_reports_ok_and_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "hello.yaml").write_text(HELLO)
    (tmp_path / "broken.yaml").write_text(
        "id: wf_broken\nstart: a\nnodes:\n  a: {type: agent, nxt: b}\n"
    )
    assert run("workflow", "validate", str(tmp_path / "hello.yaml")) == 0
    assert "ok (wf_hello, 1 nodes)" in capsys.readouterr().out
    assert run("workflow", "validate", str(tmp_path)) == 1
    captured = capsys.readouterr()
    assert "node 'a', field 'nxt': Extra inputs are not permitted" in captured.err
    assert "wf_hello" in captured.out


def test_publish_makes_versions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hello.yaml").write_text(HELLO)
    assert run("workflow", "publish", str(tmp_path / "hello.yaml")) == 0
    assert run("workflow", "publish", str(tmp_path / "hello.yaml"), "--no-default") == 0
    out = capsys.readouterr().out
    assert "Published wf_hello version 1 (now the default)" in out
    assert "Published wf_hello version 2\n" in out
    assert (tmp_path / "versions" / "wf_hello" / "default").read_text().strip() == "1"


def test_import_writes_a_valid_workflow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "bikes.yaml"
    assert run("workflow", "import", str(FIXTURE), "-o", str(output), "--id", "wf_bikes") == 0
    captured = capsys.readouterr()
    assert "warning: " in captured.err and "Wrote" in captured.out
    assert run("workflow", "validate", str(output)) == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"nodes": []}')
    assert run("workflow", "import", str(bad)) == 1


CLI_KEY = "sk-cli-0b7e3d9a51c84f26e0a9b3d7c15f8e42"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_hosted_serve_starts_and_requires_an_admin_key(tmp_path: Path) -> None:
    (tmp_path / "hello.yaml").write_text(HELLO)
    assert run("workflow", "publish", str(tmp_path / "hello.yaml")) == 0
    env = {k: v for k, v in os.environ.items() if k != "CHATLOOM_ADMIN_KEY"}
    command = [sys.executable, "-m", "chatloom", "hosted", "serve", str(tmp_path)]
    missing = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "CHATLOOM_ADMIN_KEY" in missing.stderr

    port = _free_port()
    env["CHATLOOM_ADMIN_KEY"] = "sk-cli-test"
    weak = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert weak.returncode == 2 and "at least 32 characters" in weak.stderr
    env["CHATLOOM_ADMIN_KEY"] = CLI_KEY
    process = subprocess.Popen(
        [*command, "--port", str(port), "--data", str(tmp_path / "var")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            assert process.poll() is None, "the server exited"
            try:
                return httpx.get(base + "/healthz").status_code == 200
            except httpx.TransportError:
                return False

        eventually(healthy, timeout=60, what="the server answers /healthz")
        response = httpx.post(
            base + "/v1/chatkit/sessions",
            json={"user": "u", "workflow": {"id": "wf_hello"}},
            headers={"Authorization": f"Bearer {CLI_KEY}"},
        )
        assert response.status_code == 200 and response.json()["workflow"]["version"] == "1"
        assert (tmp_path / "var" / "hosted.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(tmp_path / "var")
