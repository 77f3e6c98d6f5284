"""DATABASE_URL and its companions, as every entry point reads them (chatloom.config)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from chatloom.agents import OpenAICompatibleProvider
from chatloom.cli import main
from chatloom.config import (
    ConfigError,
    DatabaseConfig,
    database_config,
    parse_database_url,
    store_from_env,
)
from chatloom.demo import create_demo_app
from chatloom.postgres import migrations
from chatloom.store.postgres import PostgresStore
from chatloom.store.sqlite import SQLiteStore

from .live_server import serve
from .test_store_contract import ALICE, thread


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("var/chat.sqlite3", DatabaseConfig("sqlite", "var/chat.sqlite3")),
        ("/srv/chat.db", DatabaseConfig("sqlite", "/srv/chat.db")),
        ("sqlite:///var/chat.db", DatabaseConfig("sqlite", "var/chat.db")),
        ("sqlite:////srv/chat.db", DatabaseConfig("sqlite", "/srv/chat.db")),
        ("sqlite:///:memory:", DatabaseConfig("sqlite", ":memory:")),
        (
            "postgresql://u:p@db:5432/chat",
            DatabaseConfig("postgres", "postgresql://u:p@db:5432/chat"),
        ),
        ("postgres://db/chat", DatabaseConfig("postgres", "postgres://db/chat")),
    ],
)
def test_database_urls(value: str, expected: DatabaseConfig) -> None:
    assert parse_database_url(value) == expected


@pytest.mark.parametrize("value", ["mysql://db/chat", "sqlite://relative.db"])
def test_unknown_database_urls_are_refused_with_the_expected_forms(value: str) -> None:
    with pytest.raises(ConfigError, match=r"expected.*sqlite:///"):
        parse_database_url(value)


def test_pool_settings_and_their_checks() -> None:
    url = "postgresql://u:secret@db/chat"
    config = database_config(
        {"DATABASE_URL": url, "DATABASE_POOL_MIN": "2", "DATABASE_POOL_MAX": "20"}
    )
    assert config == DatabaseConfig("postgres", url, 2, 20, 5.0)
    assert config.redacted == "postgresql://u:***@db/chat"
    assert database_config({}) is None
    with pytest.raises(ConfigError, match="DATABASE_POOL_MAX: expected a number"):
        database_config({"DATABASE_URL": url, "DATABASE_POOL_MAX": "many"})
    with pytest.raises(ConfigError, match="exceeds"):
        database_config({"DATABASE_URL": url, "DATABASE_POOL_MIN": "5", "DATABASE_POOL_MAX": "2"})


def test_nothing_set_stays_embedded(tmp_path: Path) -> None:
    store = store_from_env(tmp_path / "default.sqlite3", environ={})
    assert isinstance(store, SQLiteStore)
    store.close()
    assert (tmp_path / "default.sqlite3").exists()


def test_a_sqlite_url_wins_over_the_default(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "chat.db"
    store = store_from_env(tmp_path / "x.db", environ={"DATABASE_URL": f"sqlite:///{target}"})
    assert isinstance(store, SQLiteStore)
    store.close()
    assert target.exists() and not (tmp_path / "x.db").exists()


@pytest.mark.postgres
async def test_a_postgres_url_gives_a_migrated_postgres_store(postgres_url: str) -> None:
    store: Any = store_from_env(environ={"DATABASE_URL": postgres_url, "DATABASE_POOL_MAX": "3"})
    assert isinstance(store, PostgresStore)
    assert store.database.pool.max_size == 3
    await store.save_thread(thread("thr_a"), ALICE)
    assert (await store.load_thread("thr_a", ALICE)).id == "thr_a"
    await store.close()


def test_the_cli_refuses_a_malformed_url_before_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://db/chat")
    with pytest.raises(SystemExit, match="DATABASE_URL: expected"):
        main(["serve", "app:server"])


@pytest.mark.postgres
def test_the_demo_keeps_its_threads_where_database_url_says(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    model = OpenAICompatibleProvider("m", base_url="http://127.0.0.1:9/v1", api_key="unused")
    with serve(create_demo_app(tmp_path / "data", provider=model)) as url:
        assert httpx.get(f"{url}/readyz").json() == {"status": "ready"}
        listed = httpx.post(f"{url}/chatkit", json={"type": "threads.list", "params": {}})
        assert listed.status_code == 200 and listed.json()["data"] == []
    assert not (tmp_path / "data" / "chatloom.sqlite3").exists()
    with psycopg.connect(postgres_url) as db:
        applied = db.execute("SELECT count(*) FROM chatloom_migrations").fetchone()
    assert applied == (len(migrations()),)
