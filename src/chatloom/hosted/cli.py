"""``chatloom workflow validate|publish|import|trace`` and ``chatloom hosted serve <folder>``.

``publish`` and ``hosted serve`` read ``DATABASE_URL`` (:mod:`chatloom.config`): with
PostgreSQL, published versions, sessions and threads live there for every instance.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from .. import serving
from ..config import database_config
from ..store import StoreUnavailable
from .credentials import AdminKeys
from .workflow.code_import import ExportImportError, import_python_export
from .workflow.importer import AgentBuilderImportError, Imported, import_agent_builder
from .workflow.loader import (
    WORKFLOW_SUFFIXES,
    WorkflowError,
    load_workflow,
    parse_text,
    parse_workflow,
)
from .workflow.repository import UnknownWorkflow


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
            code = workflow.code
            shape = f"{len(workflow.all_nodes())} nodes" if code is None else f"runs {code.file}"
            print(f"{path}: ok ({workflow.id}, {shape})")
    return 1 if failed else 0


def publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        workflow = load_workflow(path)
        from .app import workflow_repository

        repository = workflow_repository(path.parent, database_config())
        published = repository.publish(workflow.id, make_default=not args.no_default)
    except (WorkflowError, UnknownWorkflow, OSError, StoreUnavailable) as error:
        print(error, file=sys.stderr)
        return 1
    note = "" if args.no_default else " (now the default)"
    print(f"Published {published.id} version {published.version}{note}")
    return 0


def _imported(source: Path, workflow_id: str | None) -> Imported:
    """Agent Builder's workflow JSON, or the Agents SDK program its Code button exported
    (Python or TypeScript: read, never run)."""
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".py":
        return import_python_export(text, filename=str(source), workflow_id=workflow_id)
    if source.suffix in (".ts", ".mts", ".js", ".mjs"):
        from .workflow.ts_import import import_typescript_export

        return import_typescript_export(text, filename=str(source), workflow_id=workflow_id)
    return import_agent_builder(json.loads(text), workflow_id=workflow_id)


def import_(args: argparse.Namespace) -> int:
    source = Path(args.file)
    try:
        result = _imported(source, args.id)
        workflow = parse_workflow(result.document, source=str(source))
    except ExportImportError as error:
        print(error, file=sys.stderr)  # each problem already names file:line
        return 1
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


def _admin_keys(variable: str) -> list[str]:
    return [key for key in re.split(r"[\s,]+", os.environ.get(variable, "")) if key]


def trace(args: argparse.Namespace) -> int:
    """Print a thread's workflow runs, fetched from a hosted server's admin API."""
    import httpx

    keys = _admin_keys(args.admin_key_env)
    if not keys:
        print(f"Set {args.admin_key_env} to an admin API key of the server.", file=sys.stderr)
        return 2
    url = f"{args.url.rstrip('/')}/v1/chatkit/threads/{args.thread_id}/runs"
    try:
        response = httpx.get(
            url,
            params={"limit": args.limit, **({"item_id": args.item} if args.item else {})},
            headers={"Authorization": f"Bearer {keys[0]}", "OpenAI-Beta": "chatkit_beta=v1"},
            timeout=30,
        )
    except httpx.HTTPError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1
    if response.status_code != 200:
        print(f"{url}: HTTP {response.status_code} {response.text[:500]}", file=sys.stderr)
        return 1
    runs = response.json()["data"]
    if args.json:
        print(json.dumps(runs, indent=2, ensure_ascii=False))
        return 0
    for run in reversed(runs):  # oldest first, like the thread
        print(_run_line(run))
        for step in run["steps"]:
            print("  " + _step_line(step))
        if run.get("steps_dropped"):
            print(f"  … {run['steps_dropped']} more step(s) not kept")
    if not runs:
        print("No workflow runs recorded for this thread.")
    return 0


def _short(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def _run_line(run: dict[str, Any]) -> str:
    usage = run.get("usage") or {}
    line = (
        f"{run['id']}  {run['started_at']}  {run['trigger']:<8} {run['status']:<10}"
        f" {run['duration_ms']:>9.1f} ms  model calls {usage.get('calls', 0)}"
        f"  ({run['workflow_id']}@{run['workflow_version']})"
    )
    return line + (f"\n  error: {run['error']}" if run.get("error") else "")


def _step_line(step: dict[str, Any]) -> str:
    outcome = step.get("outcome") or "failed"
    if outcome == "continue":
        outcome = f"→ {step.get('port') or '(end of branch)'}"
    line = (
        f"{step['node']:<20} {step['type']:<14} {outcome:<16} {step['duration_ms']:>9.1f} ms"
        f"  calls {step.get('usage', {}).get('calls', 0)}  in {_short(step['input'])}"
    )
    if step.get("error"):
        return f"{line}  error: {step['error']}"
    return f"{line}  out {_short(step.get('output'))}"


def serve(args: argparse.Namespace) -> int:
    from .. import deployment
    from ..agents import provider_from_env
    from .app import create_hosted_app, workflow_repository

    keys = _admin_keys(args.admin_key_env)
    if not keys:
        print(
            f"Set {args.admin_key_env} to the admin API key(s) servers will use.", file=sys.stderr
        )
        return 2
    try:
        admin_keys = AdminKeys.from_keys(keys)
    except ValueError as error:
        print(f"{args.admin_key_env}: {error}", file=sys.stderr)
        return 2
    database = database_config()
    try:
        repository = workflow_repository(args.folder, database)
        workflows = repository.drafts()
    except (WorkflowError, UnknownWorkflow, StoreUnavailable) as error:
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
        admin_keys=admin_keys,
        provider=provider_from_env(),
        data_dir=args.data,
        attachment_store=_files(args.data, shared),
        database=database,
        cors_origins=args.cors_origin or ["*"],
        limiter=shared.limiter,
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"chatloom hosted on http://{shown}:{args.port}/v1  (Ctrl+C stops)", flush=True)
    serving.serve(app, args.host, args.port, serving.limits_from(args), log_level="warning")
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
    workflow = commands.add_parser("workflow", help="validate, publish, import or trace workflows")
    actions = workflow.add_subparsers(dest="workflow_command", required=True)
    check = actions.add_parser("validate", help="check workflow files (or folders of them)")
    check.add_argument("paths", nargs="+")
    check.set_defaults(run=validate)
    release = actions.add_parser("publish", help="publish a draft as its next immutable version")
    release.add_argument("file", help="the workflow file (its folder holds the versions)")
    release.add_argument("--no-default", action="store_true", help="keep the current default")
    release.set_defaults(run=publish)
    convert = actions.add_parser(
        "import", help="convert Agent Builder workflow JSON or its exported code (.py, .ts)"
    )
    convert.add_argument("file", help="workflow JSON, or the Python/TypeScript code export")
    convert.add_argument("-o", "--output", help="the file to write (.yaml or .json)")
    convert.add_argument("--id", help="the workflow id to give it (wf_...)")
    convert.set_defaults(run=import_)
    traced = actions.add_parser("trace", help="show a thread's workflow runs (node by node)")
    traced.add_argument("thread_id")
    traced.add_argument("--url", default="http://127.0.0.1:8000", help="the hosted server")
    traced.add_argument(
        "--admin-key-env", default="CHATLOOM_ADMIN_KEY", help="variable holding an admin key"
    )
    traced.add_argument("--limit", type=int, default=20, help="how many runs (newest)")
    traced.add_argument("--item", help="only the runs this thread item started")
    traced.add_argument("--json", action="store_true", help="print the traces as JSON")
    traced.set_defaults(run=trace)

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
    serving.add_arguments(server)
    server.set_defaults(run=serve)


__all__ = ["add_commands"]
