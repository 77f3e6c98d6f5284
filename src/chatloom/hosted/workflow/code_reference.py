"""``code: <file>.py:<function>`` in a workflow file: found, read and checked, never run.

The loader calls :func:`inline_code` before validating a document: the reference is
resolved beside the workflow file (a path leaving that folder is refused), the file is
read into the document (so a published version carries its code) and checked the way
Python would load it: it must compile (a syntax error names file and line) and define
the entry point as a top-level ``async def`` taking the workflow input. A workflow with
no ``id`` takes the ``workflow_id`` of the export's ``trace_metadata``.

The program itself runs only when a conversation reaches it (:mod:`chatloom.hosted.code`).
Only a draft file may name code: a document whose ``code`` already holds source is
accepted solely from the repository's own published snapshots (``snapshot=True``), so
workflow documents stay data and the Python an operator runs is the Python they put
in the folder.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

MAX_SOURCE_BYTES = 2 * 1024 * 1024
_REFERENCE = re.compile(r"^(?P<file>[^:]+\.py):(?P<function>[A-Za-z_][A-Za-z0-9_]*)$")
_WORKFLOW_ID = re.compile(r"^wf_[A-Za-z0-9_-]{1,64}$")


def _problem(message: str) -> list[str]:
    return [message]


def check_source(source: str, filename: str, function: str) -> tuple[list[str], str | None]:
    """Problems of the program (file:line for Python errors) and its workflow id, if any."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as error:
        return _problem(f"{filename}:{error.lineno}: syntax error: {error.msg}"), None
    entry = next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
        ),
        None,
    )
    if entry is None:
        return _problem(f"{filename}: no top-level function {function!r}"), None
    if not isinstance(entry, ast.AsyncFunctionDef):
        return _problem(f"{filename}:{entry.lineno}: {function!r} must be 'async def'"), None
    if len(entry.args.posonlyargs) + len(entry.args.args) != 1:
        message = f"{filename}:{entry.lineno}: {function!r} must take one argument (the input)"
        return _problem(message), None
    return [], _workflow_id(tree)


def _workflow_id(tree: ast.Module) -> str | None:
    """The ``"workflow_id"`` the export writes into each ``RunConfig(trace_metadata=…)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "workflow_id"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and _WORKFLOW_ID.match(value.value)
                ):
                    return value.value
    return None


def inline_code(document: dict[str, Any], base: Path | None, *, snapshot: bool) -> list[str]:
    """Replace ``document["code"]`` (``file.py:function``) with the checked program, in
    place; the problems found (the loader reports them under the field ``code``)."""
    reference = document.get("code")
    if reference is None:
        return []
    if isinstance(reference, dict) and snapshot:
        source = reference.get("source")
        file, function = str(reference.get("file")), str(reference.get("function"))
        return check_source(source, file, function)[0] if isinstance(source, str) else []
    if not isinstance(reference, str) or not (match := _REFERENCE.match(reference.strip())):
        return _problem("write code: <file>.py:<function>, e.g. exported.py:run_workflow")
    relative, function = match["file"], match["function"]
    if base is None:
        return _problem("a workflow naming code must be read from its file")
    path = (base / relative).resolve()
    if not path.is_relative_to(base.resolve()):
        return _problem(f"{relative} is outside the workflow's folder")
    if not path.is_file():
        return _problem(f"no such file: {relative}")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        return _problem(f"{relative}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return _problem(f"{relative}: cannot be read: {error}")
    problems, workflow_id = check_source(source, relative, function)
    document["code"] = {"file": relative, "function": function, "source": source}
    if "id" not in document and workflow_id is not None:
        document["id"] = workflow_id
    return problems


__all__ = ["MAX_SOURCE_BYTES", "check_source", "inline_code"]
