"""The ``chatloom`` command: ``serve`` an app, run the ``demo``, ``migrate`` to PostgreSQL.

Both read ``DATABASE_URL`` (see :mod:`chatloom.config`): the demo keeps its threads
there, and ``serve`` checks it before starting so a malformed value fails at once (the
served app opens it with :func:`chatloom.config.store_from_env`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import uvicorn

from .config import ConfigError, database_config, parse_database_url
from .hosted.cli import add_commands as add_hosted_commands
from .http import create_app
from .server import ChatKitServer
from .store import StoreUnavailable


def load_app(target: str) -> Any:
    """``module:attribute`` as an ASGI app; a ChatKit server gets the chatloom app."""
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise SystemExit(f"Expected module:attribute (e.g. myapp:server), got {target!r}")
    sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise SystemExit(f"Could not import {module_name!r}: {error}") from None
    app = module
    for part in attribute.split("."):
        try:
            app = getattr(app, part)
        except AttributeError:
            raise SystemExit(f"{module_name!r} has no attribute {attribute!r}") from None
    if isinstance(app, ChatKitServer):
        return create_app(app)
    if not callable(app):
        raise SystemExit(f"{target} is neither a ChatKitServer nor an ASGI app")
    return app


def _serve(app: Any, host: str, port: int, what: str) -> None:
    shown = f"[{host}]" if ":" in host else host
    print(f"{what} on http://{shown}:{port}/  (Ctrl+C stops)", flush=True)
    # uvicorn's own log says when the socket is open; one line per request is noise.
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)


def _migrate(args: argparse.Namespace) -> int:
    config = database_config()
    url = args.to or (config.location if config and config.kind == "postgres" else None)
    if not url or not url.startswith(("postgresql://", "postgres://")):
        print("Name the PostgreSQL database: --to postgresql://... or DATABASE_URL.")
        return 2
    from .migrate import migrate_to_postgres

    print(f"Copying into {parse_database_url(url).redacted}")
    try:
        return 0 if migrate_to_postgres(url, args.sqlite, args.workflows) else 1
    except (OSError, StoreUnavailable) as error:
        print(error)
        return 1


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="chatloom", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a ChatKitServer or an ASGI app")
    serve.add_argument("target", help="module:attribute, e.g. myapp:server")
    demo = commands.add_parser("demo", help="run the help-desk demo (no key, no network)")
    demo.add_argument("--data", help="data folder (default: $CHATLOOM_DATA or ./var)")
    for command in (serve, demo):
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8000)
    migrate = commands.add_parser(
        "migrate", help="copy a SQLite deployment into PostgreSQL (resumable, verified)"
    )
    migrate.add_argument("sqlite", nargs="+", help="SQLite files (thread store, hosted.sqlite3)")
    migrate.add_argument("--workflows", help="a workflows folder whose versions/ to copy")
    migrate.add_argument("--to", help="postgresql://... (default: $DATABASE_URL)")
    migrate.set_defaults(run=_migrate)
    add_hosted_commands(commands)
    args = parser.parse_args(argv)
    try:
        database_config()
    except ConfigError as error:
        raise SystemExit(str(error)) from None
    if hasattr(args, "run"):  # chatloom workflow ..., chatloom hosted serve
        raise SystemExit(args.run(args))
    if args.command == "serve":
        _serve(load_app(args.target), args.host, args.port, f"Serving {args.target}")
    else:
        from .demo import create_demo_app

        _serve(create_demo_app(args.data), args.host, args.port, "chatloom demo")


__all__ = ["load_app", "main"]
