"""Import Agent Builder's internal workflow JSON (``builtins.*`` nodes, ports, edges).

Agent Builder has no documented export; the JSON its platform API serves (captured by
third parties) is what teams have. The importer turns it into a chatloom workflow
document: edges become each node's ``next`` ports, CEL string literals become plain
text, ``variable_mapping`` placeholders become ``{{ expression }}``, Start's state
variables become ``state``, notes stay notes. Whatever has no equivalent here (web
search, code interpreter, hallucination checks, ...) is dropped with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import cel
from .expressions import compiled

_PASS_PORTS = ("on_result", "out", "on_pass")
_STATE_TYPES = {
    "string": "string",
    "number": "number",
    "integer": "number",
    "boolean": "boolean",
    "object": "object",
    "array": "array",
}
_GUARDRAIL_TYPES = {"pii", "moderation", "jailbreak"}


class AgentBuilderImportError(ValueError):
    """The document is not an Agent Builder workflow this importer understands."""


@dataclass
class Imported:
    document: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    """``text`` as a node id: lowercase words joined by ``_``, starting with a letter."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "node"
    return (f"n_{slug}" if slug[0].isdigit() else slug)[:48]


def _expression(value: Any) -> str | None:
    """The CEL source of ``{"expression": ..., "format": "cel"}`` (or a bare string)."""
    if isinstance(value, Mapping):
        value = value.get("expression")
    return value if isinstance(value, str) and value.strip() else None


def _text(value: Any) -> str:
    """A CEL expression used as text: a literal's value, else a ``{{ }}`` placeholder."""
    source = _expression(value)
    if source is None:
        return ""
    try:
        program = compiled(source)
        if not program.variables:
            result = program.evaluate({})
            if isinstance(result, str):
                return result
    except (cel.CelError, cel.CelEvaluationError):
        pass
    return "{{ " + source + " }}"


def _apply_mapping(text: str, mapping: Any) -> str:
    """Replace ``{{name}}`` placeholders named by a ``variable_mapping`` with CEL."""
    for entry in mapping or []:
        if not isinstance(entry, Mapping):
            continue
        name, source = entry.get("name"), _expression(entry.get("expression"))
        if isinstance(name, str) and source:
            text = re.sub(r"\{\{\s*" + re.escape(name) + r"\s*\}\}", "{{ " + source + " }}", text)
    return text


class _Converter:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.stores: dict[str, dict[str, str]] = {}
        self.used_ids: set[str] = set()

    def warn(self, label: str, message: str) -> None:
        self.warnings.append(f"{label}: {message}")

    def new_id(self, label: str) -> str:
        base = _slug(label)
        candidate, number = base, 2
        while candidate in self.used_ids:
            candidate = f"{base}_{number}"
            number += 1
        self.used_ids.add(candidate)
        return candidate

    def store(self, vector_store_id: str) -> str:
        name = _slug(vector_store_id)
        if name not in self.stores:
            self.stores[name] = {"path": f"stores/{name}"}
            self.warn(
                vector_store_id,
                f"file search now searches local documents: put them in stores/{name}/",
            )
        return name

    # --- graphs ---------------------------------------------------------------------------

    def graph(
        self, nodes: list[Any], edges: list[Any], start_id: str | None
    ) -> tuple[str, dict[str, Any]]:
        ids: dict[str, str] = {}
        by_id: dict[str, Mapping[str, Any]] = {}
        for node in nodes:
            if not isinstance(node, Mapping) or not isinstance(node.get("id"), str):
                raise AgentBuilderImportError("every node needs an id")
            by_id[node["id"]] = node
            if node.get("node_type") != "builtins.Start":
                ids[node["id"]] = self.new_id(str(node.get("label") or node["node_type"] or "node"))
        wires: dict[tuple[str, str], str] = {}
        for edge in edges:
            if isinstance(edge, Mapping):
                wires[(str(edge.get("source_node_id")), str(edge.get("source_port_id")))] = str(
                    edge.get("target_node_id")
                )

        def target(node_id: str, *ports: str) -> str | None:
            for port in ports:
                found = wires.get((node_id, port))
                if found is not None:
                    return ids.get(found)
            return None

        start_node = by_id.get(start_id or "") or next(
            (n for n in by_id.values() if n.get("node_type") == "builtins.Start"), None
        )
        if start_node is None:
            raise AgentBuilderImportError("no Start node")
        first = target(str(start_node["id"]), *_PASS_PORTS)
        if first is None:
            raise AgentBuilderImportError("the Start node is not connected to anything")
        converted = {
            ids[node_id]: self.node(node, lambda *ports, n=node_id: target(n, *ports))
            for node_id, node in by_id.items()
            if node_id in ids
        }
        return first, converted

    # --- nodes ----------------------------------------------------------------------------

    def node(self, node: Mapping[str, Any], target: Any) -> dict[str, Any]:
        kind = str(node.get("node_type"))
        config = node.get("config") or {}
        label = str(node.get("label") or node.get("id"))
        if kind == "builtins.Agent":
            return self.agent(label, config, target(*_PASS_PORTS))
        if kind == "builtins.IfElse":
            cases = [
                {
                    "when": _expression(case.get("predicate")) or "false",
                    "next": target(case.get("output_port_id")),
                }
                for case in config.get("cases") or []
            ]
            fallback = (config.get("fallback") or {}).get("output_port_id", "fallback")
            return {"type": "if_else", "cases": cases, "else": target(fallback)}
        if kind == "builtins.While":
            body = config.get("body") or {}
            start, nodes = self.graph(
                body.get("nodes") or [], body.get("edges") or [], body.get("start_node_id")
            )
            return {
                "type": "while",
                "condition": _expression(config.get("condition")) or "false",
                "body": {"start": start, "nodes": nodes},
                "next": target(*_PASS_PORTS),
            }
        if kind in ("builtins.BinaryApproval", "builtins.UserApproval"):
            message = _apply_mapping(
                str(config.get("message") or "Do you approve?"), config.get("variable_mapping")
            )
            return {
                "type": "user_approval",
                "message": message,
                "next": {"on_approve": target("on_approve"), "on_reject": target("on_reject")},
            }
        if kind == "builtins.Transform":
            return {
                "type": "transform",
                "expr": _expression(config.get("expr")) or "input",
                "next": target(*_PASS_PORTS),
            }
        if kind == "builtins.SetState":
            assignments = [
                {"name": a.get("name"), "expr": _expression(a.get("expression")) or "null"}
                for a in config.get("assignments") or []
            ]
            return {"type": "set_state", "assignments": assignments, "next": target(*_PASS_PORTS)}
        if kind == "builtins.End":
            expr = _expression(config.get("expr"))
            return {"type": "end", **({"expr": expr} if expr else {})}
        if kind == "builtins.Guardrails":
            return self.guardrails(label, config, target)
        if kind == "builtins.tool.FileSearch":
            return {
                "type": "file_search",
                "store": self.store(str(config.get("vector_store_id") or "documents")),
                "query": _expression(config.get("query")) or "workflow.input_as_text",
                "max_results": int(config.get("max_results") or 5),
                "next": target(*_PASS_PORTS),
            }
        raise AgentBuilderImportError(
            f"node '{label}' has type {kind!r}, which has no equivalent here"
        )

    def agent(self, label: str, config: Mapping[str, Any], next_id: str | None) -> dict[str, Any]:
        mapping = config.get("variable_mapping")
        instructions = _apply_mapping(_text(config.get("instructions")), mapping)
        for message in config.get("messages") or []:
            parts = message.get("content") if isinstance(message, Mapping) else None
            texts = [p.get("text", "") for p in parts or [] if isinstance(p, Mapping)]
            if texts:
                instructions += "\n\n" + _apply_mapping("\n".join(texts), mapping)
        return self.agent_node(label, instructions, _text(config.get("model")), config, next_id)

    def agent_node(
        self,
        label: str,
        instructions: str,
        model: str,
        config: Mapping[str, Any],
        next_id: str | None,
    ) -> dict[str, Any]:
        """An agent node from decoded instructions and model, and the rest of an Agent
        node's config (settings, output format, tools, history switches) as it is."""
        agent: dict[str, Any] = {
            "type": "agent",
            "name": label,
            "instructions": instructions.strip(),
        }
        if model and "{{" not in model:
            agent["model"] = model
        reasoning = {k: v for k, v in (config.get("reasoning") or {}).items() if v is not None}
        if reasoning:
            agent["reasoning"] = reasoning
        for ours, theirs in (
            ("temperature", "temperature"),
            ("top_p", "top_p"),
            ("max_output_tokens", "max_output_tokens"),
        ):
            if config.get(theirs) is not None:
                agent[ours] = config[theirs]
        text_format = ((config.get("text") or {}).get("format")) or {"type": "text"}
        widget = config.get("widget_config")
        if isinstance(widget, Mapping) and widget.get("widget_template"):
            agent["output"] = {
                "type": "widget",
                "template": widget["widget_template"],
                "data_schema": widget.get("widget_data_schema") or {"type": "object"},
            }
        elif text_format.get("type") == "json_schema":
            agent["output"] = {
                "type": "json_schema",
                "name": text_format.get("name") or "output",
                "schema": text_format.get("schema") or {"type": "object"},
            }
        tools = [
            converted for tool in config.get("tools") or [] if (converted := self.tool(label, tool))
        ]
        if tools:
            agent["tools"] = tools
        for ours, theirs in (
            ("reads_from_history", "reads_from_history"),
            ("writes_to_history", "writes_to_history"),
            ("user_visible", "user_visible"),
            ("show_progress", "show_progress_to_user"),
        ):
            if isinstance(config.get(theirs), bool):
                agent[ours] = config[theirs]
        agent["next"] = next_id
        return agent

    def tool(self, label: str, tool: Any) -> dict[str, Any] | None:
        if not isinstance(tool, Mapping):
            return None
        kind = tool.get("type")
        if kind in ("function", "client", "client_tool") and tool.get("name"):
            # ChatKit hands function calls of a hosted workflow to the page (onClientTool).
            return {
                "type": "client",
                "name": tool["name"],
                "description": tool.get("description") or "",
                "parameters": tool.get("parameters") or {"type": "object"},
            }
        if kind == "file_search":
            ids = tool.get("vector_store_ids") or ["documents"]
            if len(ids) > 1:
                self.warn(label, "file search over several vector stores: only the first is kept")
            return {
                "type": "file_search",
                "store": self.store(str(ids[0])),
                "max_results": int(tool.get("max_num_results") or 5),
            }
        if kind == "mcp" and isinstance(tool.get("server_url"), str):
            return {
                "type": "mcp",
                "server_label": _slug(str(tool.get("server_label") or "mcp")),
                "server_url": tool["server_url"],
                **(
                    {"allowed_tools": tool["allowed_tools"]}
                    if isinstance(tool.get("allowed_tools"), list)
                    else {}
                ),
                # "always", "never" or {always|never: {tool_names}}, as the export writes it
                **(
                    {"require_approval": tool["require_approval"]}
                    if isinstance(tool.get("require_approval"), str | dict)
                    else {}
                ),
            }
        self.warn(label, f"tool of type {kind!r} has no equivalent here and was dropped")
        return None

    def guardrails(self, label: str, config: Mapping[str, Any], target: Any) -> dict[str, Any]:
        text = _expression(config.get("expr")) or "workflow.input_as_text"
        checks = []
        for entry in config.get("guardrails") or []:
            kind = entry.get("type") if isinstance(entry, Mapping) else None
            settings = dict(entry.get("config") or {}) if isinstance(entry, Mapping) else {}
            if kind not in _GUARDRAIL_TYPES:
                self.warn(label, f"guardrail {kind!r} has no equivalent here and was dropped")
                continue
            allowed = {
                "pii": ("entities", "block"),
                "moderation": ("categories",),
                "jailbreak": ("model", "confidence_threshold"),
            }[kind]
            checks.append(
                {"type": kind, **{k: settings[k] for k in allowed if settings.get(k) is not None}}
            )
        ports = {
            "on_pass": target("on_pass"),
            "on_fail": target("on_fail"),
            "on_error": target("on_error"),
        }
        if not checks:
            self.warn(label, "no supported checks left: the node now passes the text through")
            return {
                "type": "transform",
                "expr": '{"safe_text": ' + text + "}",
                "next": ports["on_pass"],
            }
        return {
            "type": "guardrails",
            "input": text,
            "checks": checks,
            "continue_on_error": bool(config.get("continue_on_error", False)),
            "next": ports,
        }


def import_agent_builder(document: Any, *, workflow_id: str | None = None) -> Imported:
    """A chatloom workflow document from Agent Builder's JSON; check it with ``parse_workflow``."""
    if not isinstance(document, Mapping) or not isinstance(document.get("nodes"), list):
        raise AgentBuilderImportError("not an Agent Builder workflow (no 'nodes' list)")
    converter = _Converter()
    start, nodes = converter.graph(
        document["nodes"], document.get("edges") or [], document.get("start_node_id")
    )
    properties = (document.get("state_variable_json_schema") or {}).get("properties") or {}
    state: dict[str, Any] = {}
    for variable in document.get("state_vars") or []:
        name = variable.get("name") if isinstance(variable, Mapping) else None
        if isinstance(name, str):
            kind = _STATE_TYPES.get(str((properties.get(name) or {}).get("type")), "string")
            state[name] = {"type": kind, "default": variable.get("default")}
    for note in (document.get("ui_metadata") or {}).get("uiNodes") or []:
        if isinstance(note, Mapping) and note.get("type") == "note":
            text = str((note.get("data") or {}).get("text") or "")
            nodes[converter.new_id("note")] = {"type": "note", "text": text}
    source_id = document.get("id")
    name = str(document.get("name") or document.get("label") or "Imported workflow")
    result: dict[str, Any] = {
        "schema": "chatloom/workflow@1",
        "id": workflow_id
        or (
            source_id
            if isinstance(source_id, str) and source_id.startswith("wf_")
            else "wf_" + _slug(name)
        ),
        "name": name,
        "state": state,
        "start": start,
        "nodes": nodes,
    }
    if converter.stores:
        result["stores"] = converter.stores
    return Imported(result, converter.warnings)


__all__ = ["AgentBuilderImportError", "Imported", "import_agent_builder"]
