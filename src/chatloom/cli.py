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

from . import serving
from .config import ConfigError, database_config, parse_database_url, s3_settings
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


def _serve(app: Any, args: argparse.Namespace, what: str) -> None:
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"{what} on http://{shown}:{args.port}/  (Ctrl+C stops)", flush=True)
    # uvicorn's own log says when the socket is open; one line per request is noise.
    serving.serve(
        app, args.host, args.port, serving.limits_from(args), log_level="info", access_log=False
    )


def _migrate(args: argparse.Namespace) -> int:
    config = database_config()
    url = args.to or (config.location if config and config.kind == "postgres" else None)
    if not url or not url.startswith(("postgresql://", "postgres://")):
        print("Name the PostgreSQL database: --to postgresql://... or DATABASE_URL.")
        return 2
    from .migrate import FileRefused, FilesToS3, migrate_to_postgres

    files: FilesToS3 | None = None
    if args.files is not None:
        try:
            settings = s3_settings()
        except ConfigError as error:
            print(error)
            return 2
        if settings is None:
            print("--files copies attachment bytes into S3: set CHATLOOM_S3_BUCKET (and keys).")
            return 2
        if not args.public_url:
            print("--files needs --public-url: the app's URL, for the new preview URLs.")
            return 2
        from .attachments.s3 import S3AttachmentStore
        from .deployment import shared_state

        shared = shared_state()  # REDIS_URL: the quotas the app's instances share
        store: S3AttachmentStore[Any] = S3AttachmentStore(
            settings, ledger=shared.ledger, marks=shared.marks
        )
        try:
            files = FilesToS3(args.files, store, args.public_url)
        except OSError as error:
            print(error)
            return 2
    print(f"Copying into {parse_database_url(url).redacted}")
    try:
        ok = migrate_to_postgres(
            url,
            args.sqlite,
            args.workflows,
            copy_bytes=files,
            bytes_report=files.report if files else None,
        )
        return 0 if ok else 1
    except (OSError, StoreUnavailable, FileRefused) as error:
        print(error)
        return 1
    finally:
        if files is not None:
            files.close()


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
        serving.add_arguments(command)
    migrate = commands.add_parser(
        "migrate", help="copy a SQLite deployment into PostgreSQL (resumable, verified)"
    )
    migrate.add_argument("sqlite", nargs="+", help="SQLite files (thread store, hosted.sqlite3)")
    migrate.add_argument("--workflows", help="a workflows folder whose versions/ to copy")
    migrate.add_argument("--to", help="postgresql://... (default: $DATABASE_URL)")
    migrate.add_argument(
        "--files", help="a disk attachment store's folder whose bytes to copy to CHATLOOM_S3_*"
    )
    migrate.add_argument(
        "--public-url",
        help="with --files: the app's public URL (preview URLs), e.g. https://chat.example.com",
    )
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
        _serve(load_app(args.target), args, f"Serving {args.target}")
    else:
        from .demo import create_demo_app

        _serve(create_demo_app(args.data), args, "chatloom demo")


__all__ = ["load_app", "main"]
