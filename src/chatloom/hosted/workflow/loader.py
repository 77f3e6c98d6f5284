"""Reading workflow files (YAML or JSON) into checked :class:`Workflow` models.

Problems are reported all at once, each naming the node and the field:
``node 'answer', field 'output.schema': Field required``. Structure is checked first
(every field of every node); the graph and the expressions once the structure holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import cel
from .code_reference import inline_code
from .expressions import NAMESPACES, compiled, placeholders
from .model import (
    AgentNode,
    ClassifyNode,
    EndNode,
    FileSearchNode,
    FileSearchTool,
    GuardrailsNode,
    HallucinationCheck,
    IfElseNode,
    McpNode,
    Node,
    SetStateNode,
    TransformNode,
    WhileNode,
    WidgetOutput,
    Workflow,
    ports,
)

MAX_FILE_BYTES = 1024 * 1024
WORKFLOW_SUFFIXES = (".yaml", ".yml", ".json")

# Discriminator values pydantic puts in error locations; not field names.
_TAGS = frozenset(
    {
        "agent", "if_else", "while", "set_state", "transform", "end", "note", "file_search",
        "guardrails", "user_approval", "classify", "text", "json_schema", "widget", "client",
        "mcp", "pii", "moderation", "jailbreak", "nsfw", "url_filter", "hallucination",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    node: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.node is not None:
            where.append(f"node {self.node!r}")
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class WorkflowError(ValueError):
    """A workflow that cannot be loaded; ``problems`` lists every issue found."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{head}invalid workflow ({len(self.problems)} problem(s)):\n{lines}")


def _locate(location: tuple[int | str, ...]) -> Problem:
    """Split a pydantic error location into the innermost node id and a dotted field."""
    node: str | None = None
    field: list[str] = []
    parts = list(location)
    index = 0
    while index < len(parts):
        part = parts[index]
        if part == "nodes" and index + 1 < len(parts):
            node, field = str(parts[index + 1]), []
            index += 2
            continue
        if isinstance(part, str) and part in _TAGS:
            index += 1
            continue
        field.append(f"[{part}]" if isinstance(part, int) else str(part))
        index += 1
    dotted = ".".join(field).replace(".[", "[")
    return Problem(node, dotted or None, "")


class _NoAliasLoader:
    """Built lazily so PyYAML stays an optional dependency."""

    @staticmethod
    def load(text: str) -> Any:
        import yaml

        class Loader(yaml.SafeLoader):
            # Aliases would let a small file expand into a huge document.
            def compose_node(self, parent: Any, index: Any) -> Any:
                if self.check_event(yaml.AliasEvent):
                    raise yaml.YAMLError("YAML aliases (*name) are not allowed in workflow files")
                return super().compose_node(parent, index)

        return yaml.load(text, Loader=Loader)


def parse_text(text: str, suffix: str, source: str | None = None) -> Any:
    """The document in ``text``: JSON for ``.json``, YAML otherwise."""
    try:
        if suffix == ".json":
            return json.loads(text)
        return _NoAliasLoader.load(text)
    except ImportError:
        raise WorkflowError(
            [Problem(None, None, "YAML workflows need PyYAML: pip install 'chatloom[hosted]'")],
            source,
        ) from None
    except Exception as error:  # json.JSONDecodeError, yaml.YAMLError
        raise WorkflowError(
            [Problem(None, None, f"not valid {suffix[1:]}: {error}")], source
        ) from None


def _resolve_inside(base: Path, relative: str) -> Path | None:
    path = (base / relative).resolve()
    return path if path.is_relative_to(base.resolve()) else None


def _inline_templates(document: Any, base: Path | None) -> list[Problem]:
    """Read each agent's ``output.template_file`` into ``output.template`` (in place)."""
    problems: list[Problem] = []
    if not isinstance(document, dict):
        return problems

    def visit(nodes: Any) -> None:
        if not isinstance(nodes, dict):
            return
        for node_id, node in nodes.items():
            if not isinstance(node, dict):
                continue
            body = node.get("body")
            if isinstance(body, dict):
                visit(body.get("nodes"))
            output = node.get("output")
            if not (isinstance(output, dict) and isinstance(output.get("template_file"), str)):
                continue
            relative = output.pop("template_file")
            path = _resolve_inside(base, relative) if base is not None else None
            if path is None or not path.is_file():
                problems.append(
                    Problem(str(node_id), "output.template_file", f"no such file: {relative}")
                )
                continue
            try:
                definition = json.loads(path.read_text(encoding="utf-8"))
                output.setdefault("template", definition["template"])
                output.setdefault("data_schema", definition.get("jsonSchema"))
                output.setdefault("name", definition.get("name") or "widget")
            except (ValueError, KeyError, TypeError) as error:
                problems.append(
                    Problem(str(node_id), "output.template_file", f"not a .widget file: {error}")
                )

    visit(document.get("nodes"))
    return problems


def _expressions(node: Node) -> Iterable[tuple[str, str]]:
    """(field, CEL source) for every expression of a node, placeholders included."""
    if isinstance(node, IfElseNode):
        for index, case in enumerate(node.cases):
            yield f"cases[{index}].when", case.when
    elif isinstance(node, WhileNode):
        yield "condition", node.condition
    elif isinstance(node, SetStateNode):
        for index, assignment in enumerate(node.assignments):
            yield f"assignments[{index}].expr", assignment.expr
    elif isinstance(node, TransformNode | EndNode) and node.expr is not None:
        yield "expr", node.expr
    if isinstance(node, FileSearchNode):
        yield "query", node.query
    if isinstance(node, GuardrailsNode | ClassifyNode):
        yield "input", node.input
    if isinstance(node, McpNode):
        yield "tool", node.tool
        yield "arguments", node.arguments
    for name in ("instructions", "message", "approval_message"):
        text = getattr(node, name, None)
        if isinstance(text, str):
            for expression in placeholders(text):
                yield name, expression


def _check_expression(
    workflow: Workflow, node_id: str, field: str, source: str
) -> Iterable[Problem]:
    try:
        program = compiled(source)
    except cel.CelError as error:
        yield Problem(node_id, field, f"invalid CEL: {error}")
        return
    for path in program.references:
        root = path[0]
        if root not in NAMESPACES:
            yield Problem(
                node_id, field, f"unknown name {root!r} (use workflow., state. or input.)"
            )
        elif root == "state" and len(path) > 1 and path[1] not in workflow.state:
            yield Problem(node_id, field, f"state variable {path[1]!r} is not declared")
        elif root == "workflow" and len(path) > 1 and path[1] != "input_as_text":
            yield Problem(node_id, field, f"unknown workflow input {path[1]!r}")


def _cycle(nodes: Mapping[str, Node]) -> list[str] | None:
    """A cycle among ``nodes`` (only While may loop), as a path, or ``None``."""
    visiting: list[str] = []
    done: set[str] = set()

    def walk(node_id: str) -> list[str] | None:
        if node_id in visiting:
            return [*visiting[visiting.index(node_id) :], node_id]
        if node_id in done or node_id not in nodes:
            return None
        visiting.append(node_id)
        for target in ports(nodes[node_id]).values():
            if target is not None and (found := walk(target)):
                return found
        visiting.pop()
        done.add(node_id)
        return None

    for node_id in nodes:
        if found := walk(node_id):
            return found
    return None


def _check_scope(
    workflow: Workflow, start: str, nodes: Mapping[str, Node], where: str | None
) -> Iterable[Problem]:
    if start not in nodes:
        yield Problem(where, "start" if where is None else "body.start", f"no node {start!r}")
    for node_id, node in nodes.items():
        for port, target in ports(node).items():
            if target is not None and target not in nodes:
                scope = "" if where is None else f" in the body of {where!r}"
                yield Problem(node_id, port, f"no node {target!r}{scope}")
    if cycle := _cycle(nodes):
        yield Problem(
            cycle[0], None, f"cycle {' -> '.join(cycle)} (loop with a 'while' node instead)"
        )
    for node_id, node in nodes.items():
        if isinstance(node, WhileNode):
            yield from _check_scope(workflow, node.body.start, node.body.nodes, node_id)


def check(workflow: Workflow) -> list[Problem]:
    """Every semantic problem of a structurally valid workflow."""
    if workflow.start is None:  # a code workflow: its program was checked when read
        return []
    problems = list(_check_scope(workflow, workflow.start, workflow.nodes, None))
    seen: dict[str, int] = {}

    def count(nodes: Mapping[str, Node]) -> None:
        for node_id, node in nodes.items():
            seen[node_id] = seen.get(node_id, 0) + 1
            if isinstance(node, WhileNode):
                count(node.body.nodes)

    count(workflow.nodes)
    problems += [Problem(n, None, "node id used more than once") for n, c in seen.items() if c > 1]
    for action, target in workflow.on_action.items():
        if target not in workflow.nodes:
            problems.append(Problem(None, f"on_action.{action}", f"no node {target!r}"))
    for node_id, node in workflow.all_nodes().items():
        for field, source in _expressions(node):
            problems += _check_expression(workflow, node_id, field, source)
        if isinstance(node, SetStateNode):
            for index, assignment in enumerate(node.assignments):
                if assignment.name not in workflow.state:
                    problems.append(
                        Problem(
                            node_id,
                            f"assignments[{index}].name",
                            f"state variable {assignment.name!r} is not declared",
                        )
                    )
        stores = [("store", node.store)] if isinstance(node, FileSearchNode) else []
        if isinstance(node, AgentNode):
            stores += [
                (f"tools[{index}].store", tool.store)
                for index, tool in enumerate(node.tools)
                if isinstance(tool, FileSearchTool)
            ]
            if isinstance(node.output, WidgetOutput) and not node.output.template:
                problems.append(
                    Problem(node_id, "output", "a widget output needs template or template_file")
                )
            names = [getattr(tool, "name", None) for tool in node.tools]
            duplicates = {name for name in names if name is not None and names.count(name) > 1}
            problems += [Problem(node_id, "tools", f"two tools named {n!r}") for n in duplicates]
        if isinstance(node, GuardrailsNode):
            stores += [
                (f"checks[{index}].store", check.store)
                for index, check in enumerate(node.checks)
                if isinstance(check, HallucinationCheck)
            ]
        for field, store in stores:
            if store not in workflow.stores:
                problems.append(Problem(node_id, field, f"store {store!r} is not declared"))
    return problems


def parse_workflow(
    document: Any,
    *,
    base_dir: Path | None = None,
    source: str | None = None,
    snapshot: bool = False,
) -> Workflow:
    """A checked workflow from a parsed document; :class:`WorkflowError` lists every problem.

    ``snapshot``: the document is a published version the repository wrote itself (the
    only kind that may carry a code workflow's program inline)."""
    if not isinstance(document, dict):
        raise WorkflowError([Problem(None, None, "a workflow must be a mapping")], source)
    document = json.loads(json.dumps(document))  # a private copy, plain JSON types only
    code = inline_code(document, base_dir, snapshot=snapshot)
    if code:  # a program that cannot be read or loaded leaves nothing to validate
        raise WorkflowError([Problem(None, "code", message) for message in code], source)
    problems = _inline_templates(document, base_dir)
    try:
        workflow = Workflow.model_validate(document)
    except ValidationError as error:
        for detail in error.errors(include_url=False, include_input=False):
            located = _locate(tuple(detail["loc"]))
            problems.append(Problem(located.node, located.field, detail["msg"]))
        raise WorkflowError(problems, source) from None
    problems += check(workflow)
    if problems:
        raise WorkflowError(problems, source)
    return workflow


def load_workflow(path: str | Path) -> Workflow:
    """Read and check a workflow file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    if path.suffix not in WORKFLOW_SUFFIXES:
        raise WorkflowError(
            [Problem(None, None, "expected a .yaml, .yml or .json file")], str(path)
        )
    if path.stat().st_size > MAX_FILE_BYTES:
        raise WorkflowError([Problem(None, None, "file larger than 1 MiB")], str(path))
    document = parse_text(path.read_text(encoding="utf-8"), path.suffix, str(path))
    return parse_workflow(document, base_dir=path.parent, source=str(path))


def dump_workflow(workflow: Workflow) -> dict[str, Any]:
    """The workflow as a plain document (templates inlined), for snapshots and exports."""
    return workflow.model_dump(mode="json", by_alias=True, exclude_none=True)


__all__ = [
    "WORKFLOW_SUFFIXES",
    "Problem",
    "WorkflowError",
    "check",
    "dump_workflow",
    "load_workflow",
    "parse_text",
    "parse_workflow",
]
