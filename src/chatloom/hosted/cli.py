"""``chatloom workflow validate|publish|import`` and ``chatloom hosted serve <folder>``."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from .workflow.importer import AgentBuilderImportError, import_agent_builder
from .workflow.loader import (
    WORKFLOW_SUFFIXES,
    WorkflowError,
    load_workflow,
    parse_text,
    parse_workflow,
)
from .workflow.repository import UnknownWorkflow, WorkflowRepository


def _workflow_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix in WORKFLOW_SUFFIXES
            )
        else:
            files.append(path)
    return files


def validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in _workflow_files(args.paths):
        try:
            workflow = load_workflow(path)
        except (WorkflowError, OSError) as error:
            failed += 1
            print(error, file=sys.stderr)
        else:
            print(f"{path}: ok ({workflow.id}, {len(workflow.all_nodes())} nodes)")
    return 1 if failed else 0


def publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        workflow = load_workflow(path)
        published = WorkflowRepository(path.parent).publish(
            workflow.id, make_default=not args.no_default
        )
    except (WorkflowError, UnknownWorkflow, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    note = "" if args.no_default else " (now the default)"
    print(f"Published {published.id} version {published.version}{note}")
    return 0


def import_(args: argparse.Namespace) -> int:
    source = Path(args.file)
    try:
        result = import_agent_builder(
            json.loads(source.read_text(encoding="utf-8")), workflow_id=args.id
        )
        workflow = parse_workflow(result.document, source=str(source))
    except (AgentBuilderImportError, WorkflowError, ValueError, OSError) as error:
        print(f"{source}: {error}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    output = Path(args.output) if args.output else Path(f"{workflow.id}.yaml")
    if output.suffix == ".json":
        text = json.dumps(result.document, indent=2, ensure_ascii=False) + "\n"
    else:
        import yaml

        text = yaml.safe_dump(result.document, sort_keys=False, allow_unicode=True, width=100)
    output.write_text(text, encoding="utf-8")
    parse_text(text, output.suffix)  # what was written reads back
    print(f"Wrote {output} ({workflow.id}, {len(workflow.all_nodes())} nodes)")
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .. import deployment
    from ..agents import provider_from_env
    from .app import create_hosted_app

    keys = [key for key in re.split(r"[\s,]+", os.environ.get(args.admin_key_env, "")) if key]
    if not keys:
        print(
            f"Set {args.admin_key_env} to the admin API key(s) servers will use.", file=sys.stderr
        )
        return 2
    repository = WorkflowRepository(args.folder)
    try:
        workflows = repository.drafts()
    except (WorkflowError, UnknownWorkflow) as error:
        print(error, file=sys.stderr)
        return 1
    for workflow_id in workflows:
        version = repository.default_version(workflow_id) or "none published (use version 'draft')"
        print(f"  {workflow_id}: default version {version}")
    shared = deployment.shared_state()
    if shared.redis_url is not None:
        print("Rate limits and upload quotas are shared through Redis (REDIS_URL).")
    app = create_hosted_app(
        repository,
        admin_keys=keys,
        provider=provider_from_env(),
        data_dir=args.data,
        attachment_store=_files(args.data, shared),
        cors_origins=args.cors_origin or ["*"],
        limiter=shared.limiter,
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"chatloom hosted on http://{shown}:{args.port}/v1  (Ctrl+C stops)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _files(data: str | None, shared: Any) -> Any:
    """Uploads in the S3 bucket of ``CHATLOOM_S3_*``, else under ``<data>/files`` when
    there is a data folder and the [files] extra."""
    from .. import deployment

    files = deployment.attachment_store(
        Path(data) / "files" if data else None, path="/v1/chatkit/files", shared=shared
    )
    if files is None and data is not None:
        print("File uploads are off: pip install 'chatloom[files]' to enable them.")
    return files


def add_commands(commands: Any) -> None:
    """Add ``workflow`` and ``hosted`` to the ``chatloom`` command's subparsers."""
    workflow = commands.add_parser("workflow", help="validate, publish or import workflows")
    actions = workflow.add_subparsers(dest="workflow_command", required=True)
    check = actions.add_parser("validate", help="check workflow files (or folders of them)")
    check.add_argument("paths", nargs="+")
    check.set_defaults(run=validate)
    release = actions.add_parser("publish", help="publish a draft as its next immutable version")
    release.add_argument("file", help="the workflow file (its folder holds the versions)")
    release.add_argument("--no-default", action="store_true", help="keep the current default")
    release.set_defaults(run=publish)
    convert = actions.add_parser("import", help="convert Agent Builder workflow JSON")
    convert.add_argument("file")
    convert.add_argument("-o", "--output", help="the file to write (.yaml or .json)")
    convert.add_argument("--id", help="the workflow id to give it (wf_...)")
    convert.set_defaults(run=import_)

    hosted = commands.add_parser("hosted", help="serve workflows behind the hosted ChatKit API")
    hosted_actions = hosted.add_subparsers(dest="hosted_command", required=True)
    server = hosted_actions.add_parser("serve", help="serve a folder of workflows")
    server.add_argument("folder")
    server.add_argument(
        "--admin-key-env", default="CHATLOOM_ADMIN_KEY", help="variable holding the admin key(s)"
    )
    server.add_argument(
        "--data", help="folder for threads, sessions and the document index (default: memory)"
    )
    server.add_argument(
        "--cors-origin", action="append", help="an origin allowed to call (default: any)"
    )
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8000)
    server.set_defaults(run=serve)


__all__ = ["add_commands"]
