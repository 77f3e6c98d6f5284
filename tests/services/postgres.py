"""A throwaway PostgreSQL cluster for the tests: started once per session, a fresh
database per test.

The cluster lives in a temporary folder on a free loopback port, with durability off
(``fsync``, ``synchronous_commit``, ``full_page_writes``): a crash loses nothing a test
cares about, and start-up stays well under a second or two. ``initdb`` refuses to run as
root, so as root the cluster belongs to the ``postgres`` user (``runuser``).

When PostgreSQL is not installed the tests fail with a message naming the fix
(``make postgres``); they are never skipped silently.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from ..live_server import free_port

MISSING = (
    "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin): "
    "run `make postgres` (apt-get install -y postgresql)."
)
FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200")


def postgres_bin() -> Path | None:
    """The newest installed server's bin folder (``$PG_BIN`` wins)."""
    explicit = os.environ.get("PG_BIN")
    if explicit:
        return Path(explicit)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    """A running cluster; ``url(name)`` is the connection URL of one of its databases."""

    bin: Path
    folder: Path
    port: int
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = " ".join(
            [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.folder}"]
            + [f"-c {setting}" for setting in FAST]
        )
        self._run(
            "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def start_cluster() -> Cluster:
    bin = postgres_bin()
    if bin is None or not (bin / "initdb").exists():
        pytest.fail(MISSING, pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="chatloom-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(bin, folder, free_port())
    cluster._run(
        "initdb", "-D", str(folder / "data"), "-U", "postgres", "-A", "trust",
        "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
    )  # fmt: skip
    cluster.start()
    return cluster


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    started = time.monotonic()
    cluster = start_cluster()
    print(f"\nPostgreSQL test cluster up in {time.monotonic() - started:.2f}s")
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> str:
    """The URL of a fresh, empty database (one per test, so tests never see each other)."""
    return postgres_cluster.create_database()
