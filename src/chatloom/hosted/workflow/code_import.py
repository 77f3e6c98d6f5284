"""Import the Python program Agent Builder's **Code** button exported, without running it.

What Agent Builder's users hold after its shutdown is an Agents SDK program: module-level
``Agent(...)`` definitions and ``async def run_workflow(workflow_input)``, whose body is
the workflow graph written out as statements (one ``Runner.run`` per agent node, plain
``if``/``elif``/``else`` for If/else, ``while`` for While, ``approval_request(...)`` for
User approval, ``state["x"] = ...`` for Set state, a dict literal for Transform and End,
``run_and_apply_guardrails`` for Guardrails). This module reads that program with
:mod:`ast` and rebuilds the graph as a chatloom workflow document, so it runs on any
model and can be edited. Nothing in the file is executed or imported.

The importer recognises exactly the statement shapes the exporter generates; anything
else in the workflow function is an error naming file and line (a workflow that silently
lost a branch would be worse than none). Definitions with no equivalent (web search, a
function tool's Python body) are kept out with a warning naming file and line.

The nodes themselves are built by the Agent Builder JSON importer's converter, so a
workflow reads the same whichever way it was imported.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .importer import Imported, _Converter, _slug

MAX_SOURCE_BYTES = 2 * 1024 * 1024

# The guardrail names of the openai-guardrails package, as the exporter writes them.
_GUARDRAIL_NAMES = {
    "Contains PII": "pii",
    "Moderation": "moderation",
    "Jailbreak": "jailbreak",
    "Hallucination Detection": "hallucination",
    "NSFW Text": "nsfw",
    "URL Filter": "url_filter",
    "Prompt Injection Detection": "prompt_injection",
    "Custom Prompt Check": "custom_prompt_check",
}
# Module-level helpers the exporter writes around guardrails; they carry no workflow logic.
_GUARDRAIL_HELPERS = {
    "guardrails_has_tripwire",
    "get_guardrail_safe_text",
    "scrub_conversation_history",
    "scrub_workflow_input",
    "run_and_apply_guardrails",
    "build_guardrail_fail_output",
}
_SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
_CEL_OPERATORS: dict[type, str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Mod: "%",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ExportImportError(ValueError):
    """The file is not an export this importer understands; each problem names file:line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class _Unsupported(Exception):
    def __init__(self, node: ast.AST, message: str) -> None:
        super().__init__(message)
        self.line = getattr(node, "lineno", 0)


@dataclass
class _InstructionsFunction:
    """``def x_instructions(run_context, _agent)``: locals read from the run context,
    then ``return f"..."``."""

    template: ast.JoinedStr | ast.Constant
    context_attributes: dict[str, str]  # local name -> attribute of run_context.context


@dataclass
class _Definitions:
    """What the module defines outside the workflow function."""

    agents: dict[str, ast.Call] = field(default_factory=dict)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    tools: dict[str, dict[str, Any]] = field(default_factory=dict)
    guardrails: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    instructions: dict[str, _InstructionsFunction] = field(default_factory=dict)
    approvals: set[str] = field(default_factory=set)
    entry: ast.AsyncFunctionDef | None = None


@dataclass
class _Scope:
    """What the statements translated so far on this path leave behind."""

    current: str | None = None  # the variable holding the previous node's output ("input")
    bindings: dict[str, str] = field(default_factory=dict)  # variable -> node id producing it
    texts: dict[str, ast.expr] = field(default_factory=dict)  # simple aliases (messages...)
    tripwires: dict[str, str] = field(default_factory=dict)  # has-tripwire var -> guard id
    suffixes: dict[str, str] = field(default_factory=dict)  # var -> path into its node's output

    def branch(self) -> _Scope:
        return _Scope(
            self.current,
            dict(self.bindings),
            dict(self.texts),
            dict(self.tripwires),
            dict(self.suffixes),
        )


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as error:
        raise _Unsupported(node, "expected a literal value") from error


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg is not None}


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        base = _call_name_of_attribute(func.value)
        return f"{base}.{func.attr}" if base else func.attr
    return None


def _call_name_of_attribute(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _call_name_of_attribute(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _target_name(statement: ast.stmt) -> str | None:
    """The single variable an assignment binds, if it binds one."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id
    return None


def _value(statement: ast.stmt) -> ast.expr | None:
    if isinstance(statement, ast.Assign | ast.AnnAssign):
        return statement.value
    return None


class _Reader:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []
        self.converter = _Converter()
        self.nodes: dict[str, dict[str, Any]] = {}
        self.state: dict[str, dict[str, Any]] = {}
        self.stashed: dict[str, str] = {}  # variable -> node id whose output state keeps
        self.workflow_id: str | None = None
        self.name: str | None = None
        self.defs = _Definitions()

    def at(self, node: ast.AST | int, message: str) -> str:
        line = node if isinstance(node, int) else getattr(node, "lineno", 0)
        return f"{self.filename}:{line}: {message}"

    def warn(self, node: ast.AST, message: str) -> None:
        self.converter.warnings.append(self.at(node, message))

    def located(self, node: ast.AST, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """``build()``, with the converter's warnings it raises placed at ``node``'s line."""
        before = len(self.converter.warnings)
        built = build()
        for index in range(before, len(self.converter.warnings)):
            self.converter.warnings[index] = self.at(node, self.converter.warnings[index])
        return built

    # --- module-level definitions -----------------------------------------------------

    def definitions(self, module: ast.Module) -> None:
        for statement in module.body:
            try:
                self.definition(statement)
            except _Unsupported as error:
                self.problems.append(self.at(error.line, str(error)))

    def definition(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import | ast.ImportFrom | ast.Pass):
            return
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            return  # a docstring or a stray string
        if isinstance(statement, ast.AsyncFunctionDef) and statement.name == "run_workflow":
            self.defs.entry = statement
            return
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(statement)
            return
        if isinstance(statement, ast.ClassDef):
            self.class_(statement)
            return
        name, value = _target_name(statement), _value(statement)
        if name is None or value is None:
            self.warn(statement, "a module-level statement the exporter does not write: ignored")
            return
        called = _call_name(value)
        if called == "Agent" and isinstance(value, ast.Call):
            self.defs.agents[name] = value
        elif called in ("FileSearchTool", "WebSearchTool", "HostedMCPTool", "CodeInterpreterTool"):
            assert isinstance(value, ast.Call)
            self.defs.tools[name] = self.hosted_tool(called, value)
        elif isinstance(value, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value == "guardrails" for k in value.keys
        ):
            self.defs.guardrails[name] = self.guardrail_checks(value)
        elif called in ("AsyncOpenAI", "OpenAI", "SimpleNamespace", "GuardrailsContext"):
            return  # the shared client and the guardrails context: chatloom brings its own
        else:
            self.warn(statement, f"module-level {name!r} is not part of the workflow: ignored")

    def function(self, definition: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        decorators = {
            _call_name_of_attribute(d) or _call_name(d) for d in definition.decorator_list
        }
        if "function_tool" in decorators:
            self.defs.tools[definition.name] = self.function_tool(definition)
        elif definition.name in _GUARDRAIL_HELPERS:
            return
        elif definition.name.startswith("approval_request"):
            self.defs.approvals.add(definition.name)
        elif instructions := self.instructions_function(definition):
            self.defs.instructions[definition.name] = instructions
        else:
            self.warn(definition, f"function {definition.name!r} is not part of the workflow")

    def class_(self, definition: ast.ClassDef) -> None:
        bases = {_call_name_of_attribute(b) for b in definition.bases}
        if "BaseModel" in bases:
            if definition.name != "WorkflowInput":
                self.defs.schemas[definition.name] = self.schema(definition)
            return
        # The exporter writes a plain context class per agent with dynamic instructions.
        if definition.name.endswith("Context"):
            return
        self.warn(definition, f"class {definition.name!r} is not part of the workflow")

    def schema(self, definition: ast.ClassDef) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for statement in definition.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                properties[statement.target.id] = self.annotation(statement.annotation)
            elif not isinstance(statement, ast.Pass | ast.Expr):
                raise _Unsupported(statement, "an output type may only declare fields")
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    def annotation(self, node: ast.expr) -> dict[str, Any]:
        if isinstance(node, ast.Name):
            if node.id in _SCALARS:
                return {"type": _SCALARS[node.id]}
            if node.id in ("integer", "number", "string", "boolean"):
                return {"type": node.id}  # the exporter sometimes writes JSON type names
            if node.id in self.defs.schemas:
                return self.defs.schemas[node.id]
            if node.id == "dict":
                return {"type": "object"}
            if node.id == "list":
                return {"type": "array"}
        if isinstance(node, ast.Subscript):
            outer = _call_name_of_attribute(node.value)
            inner = node.slice
            if outer in ("list", "List"):
                return {"type": "array", "items": self.annotation(inner)}
            if outer in ("dict", "Dict"):
                return {"type": "object"}
            if outer in ("Optional",):
                return {"anyOf": [self.annotation(inner), {"type": "null"}]}
            if outer in ("Literal",):
                values = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                return {"enum": [_literal(v) for v in values]}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return {"anyOf": [self.annotation(node.left), self.annotation(node.right)]}
        if isinstance(node, ast.Constant) and node.value is None:
            return {"type": "null"}
        raise _Unsupported(node, f"field type {ast.unparse(node)!r} has no JSON schema here")

    def function_tool(self, definition: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for argument in definition.args.args:
            if argument.annotation is None:
                properties[argument.arg] = {}
                continue
            try:
                properties[argument.arg] = self.annotation(argument.annotation)
            except _Unsupported:
                properties[argument.arg] = {}
        body = [
            s
            for s in definition.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        ]
        if not all(isinstance(s, ast.Pass) for s in body):
            self.warn(
                definition,
                f"function tool {definition.name!r} has a Python body, which a workflow file "
                "cannot carry: it becomes a client tool the page answers (onClientTool)",
            )
        return {
            "type": "function",
            "name": _name_override(definition) or definition.name,
            "description": ast.get_docstring(definition) or "",
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
            },
        }

    def hosted_tool(self, kind: str, call: ast.Call) -> dict[str, Any]:
        options = _keywords(call)
        if kind == "FileSearchTool":
            return {
                "type": "file_search",
                "vector_store_ids": _literal(options["vector_store_ids"])
                if "vector_store_ids" in options
                else [],
                **(
                    {"max_num_results": _literal(options["max_num_results"])}
                    if "max_num_results" in options
                    else {}
                ),
            }
        if kind == "HostedMCPTool" and "tool_config" in options:
            config = _literal(options["tool_config"])
            return config if isinstance(config, dict) else {"type": "mcp"}
        return {"type": {"WebSearchTool": "web_search"}.get(kind, "code_interpreter")}

    def guardrail_checks(self, value: ast.Dict) -> list[dict[str, Any]]:
        document = _literal(value)
        checks = []
        for entry in document.get("guardrails") or []:
            name = entry.get("name") if isinstance(entry, dict) else None
            kind = _GUARDRAIL_NAMES.get(str(name), str(name))
            checks.append({"type": kind, "config": dict(entry.get("config") or {})})
        return checks

    def instructions_function(
        self, definition: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> _InstructionsFunction | None:
        attributes: dict[str, str] = {}
        for statement in definition.body:
            name, value = _target_name(statement), _value(statement)
            if (
                name
                and isinstance(value, ast.Attribute)
                and _call_name_of_attribute(value.value) == "run_context.context"
            ):
                attributes[name] = value.attr
            elif isinstance(statement, ast.Return) and isinstance(
                statement.value, ast.JoinedStr | ast.Constant
            ):
                return _InstructionsFunction(statement.value, attributes)
            else:
                return None
        return None

    # --- the workflow function --------------------------------------------------------

    def workflow(self) -> str:
        entry = self.defs.entry
        if entry is None:
            raise ExportImportError(
                [f"{self.filename}: no 'async def run_workflow(...)': not an Agent Builder export"]
            )
        body = entry.body
        if len(body) == 1 and isinstance(body[0], ast.With | ast.AsyncWith):
            block = body[0]
            trace = block.items[0].context_expr
            if _call_name(trace) == "trace" and isinstance(trace, ast.Call) and trace.args:
                name = trace.args[0]
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    self.name = name.value
            body = block.body
        first = self.sequence(body, _Scope(), None)
        if first is None:
            self.problems.append(self.at(entry, "the workflow runs no node"))
        return first or ""

    def sequence(
        self, statements: Sequence[ast.stmt], scope: _Scope, after: str | None
    ) -> str | None:
        """Translate ``statements`` forwards (bindings flow down), link them backwards.

        Returns the id of the first node, or ``after`` when they make none."""
        steps: list[Callable[[str | None], str | None]] = []
        index = 0
        while index < len(statements):
            try:
                step, index = self.step(statements, index, scope)
            except _Unsupported as error:
                self.problems.append(self.at(error.line, str(error)))
                index += 1
                continue
            if step is not None:
                steps.append(step)
        target = after
        for link in reversed(steps):
            target = link(target)
        return target

    def step(
        self, statements: Sequence[ast.stmt], index: int, scope: _Scope
    ) -> tuple[Callable[[str | None], str | None] | None, int]:
        """One node (or none) from the statements at ``index``; the index after them."""
        statement = statements[index]
        following = statements[index + 1 :]
        name, value = _target_name(statement), _value(statement)
        if isinstance(statement, ast.Pass):
            return None, index + 1
        if name == "state" and isinstance(value, ast.Dict):
            for variable, default in _literal(value).items():
                self.state[str(variable)] = {"type": _state_type(default), "default": default}
            return None, index + 1
        if name == "workflow" or name == "conversation_history":
            return None, index + 1
        if value is not None and _call_name(value) == "Runner.run":
            link, count = self.agent_step(statement, following, scope)
            return link, index + count
        if value is not None and _call_name(value) in (
            "run_and_apply_guardrails",
            "run_guardrails",
        ):
            link, count = self.guardrails_step(statement, following, scope)
            return link, index + count
        if value is not None and self._is_file_search(value):
            return self.file_search_step(statement, scope), index + 1
        if isinstance(statement, ast.If):
            return self.if_step(statement, scope), index + 1
        if isinstance(statement, ast.While):
            return self.while_step(statement, scope), index + 1
        if isinstance(statement, ast.Assign) and self._state_target(statement) is not None:
            count = 1
            while count < len(statements) - index and isinstance(
                statements[index + count], ast.Assign
            ):
                if self._state_target(statements[index + count]) is None:  # type: ignore[arg-type]
                    break
                count += 1
            return self.set_state_step(statements[index : index + count], scope), index + count
        if isinstance(statement, ast.Return):
            return self.end_step(statement, scope), index + 1
        if name is not None and isinstance(value, ast.Dict):
            if following and isinstance(following[0], ast.Return):
                returned = following[0].value
                if isinstance(returned, ast.Name) and returned.id == name:
                    expr = self.cel(value, scope)
                    return self.end_node(expr), index + 2
            return self.transform_step(statement, name, value, scope), index + 1
        if name is not None and value is not None and not isinstance(value, ast.Call | ast.Await):
            scope.texts[name] = value  # e.g. approval_message = "..."
            return None, index + 1
        raise _Unsupported(
            statement, f"statement {_first_line(statement)!r} is not a workflow step"
        )

    # --- steps ------------------------------------------------------------------------

    def agent_step(
        self, statement: ast.stmt, following: Sequence[ast.stmt], scope: _Scope
    ) -> tuple[Callable[[str | None], str | None], int]:
        """A Runner.run, with the history extension and result dict written after it."""
        call = _value(statement)
        if isinstance(call, ast.Await):
            call = call.value
        assert isinstance(call, ast.Call)
        if not call.args or not isinstance(call.args[0], ast.Name):
            raise _Unsupported(statement, "Runner.run needs an agent defined at module level")
        variable = call.args[0].id
        definition = self.defs.agents.get(variable)
        if definition is None:
            raise _Unsupported(statement, f"agent {variable!r} is not defined at module level")
        options = _keywords(call)
        self.trace_metadata(options.get("run_config"))
        temp = _target_name(statement)
        writes = bool(following) and _is_history_extension(following[0])
        rest = following[1:] if writes else following
        result = (
            _target_name(rest[0])
            if rest and isinstance(_value(rest[0]), ast.Dict) and _mentions(rest[0], temp)
            else None
        )
        reads = self.reads_history(options.get("input"), statement)
        context = options.get("context")
        label, node = self.agent_definition(variable, definition, context, scope)
        node_id = self.converter.new_id(label)
        config = node.pop("_config")
        config = {**config, "reads_from_history": reads, "writes_to_history": writes}
        for bound in (temp, result):
            if bound:
                scope.bindings[bound] = node_id
        scope.current = result or temp

        def link(next_id: str | None) -> str:
            self.nodes[node_id] = self.located(
                statement,
                lambda: self.converter.agent_node(
                    label, node["instructions"], node["model"], config, next_id
                ),
            )
            return node_id

        return link, 1 + writes + (result is not None)

    def reads_history(self, value: ast.expr | None, statement: ast.stmt) -> bool:
        if isinstance(value, ast.List) and any(
            isinstance(e, ast.Starred)
            and _call_name_of_attribute(e.value) == "conversation_history"
            for e in value.elts
        ):
            return True
        self.warn(statement, "an agent input other than the conversation history: it reads none")
        return False

    def trace_metadata(self, run_config: ast.expr | None) -> None:
        if not isinstance(run_config, ast.Call):
            return
        metadata = _keywords(run_config).get("trace_metadata")
        if metadata is None:
            return
        try:
            value = _literal(metadata)
        except _Unsupported:
            return
        workflow_id = value.get("workflow_id") if isinstance(value, dict) else None
        if isinstance(workflow_id, str) and re.fullmatch(r"wf_[A-Za-z0-9_-]{1,64}", workflow_id):
            self.workflow_id = workflow_id

    def agent_definition(
        self, variable: str, call: ast.Call, context: ast.expr | None, scope: _Scope
    ) -> tuple[str, dict[str, Any]]:
        options = _keywords(call)
        label = _literal(options["name"]) if "name" in options else variable
        instructions = self.instructions(options.get("instructions"), context, scope)
        model = _literal(options["model"]) if "model" in options else ""
        config: dict[str, Any] = {}
        settings = options.get("model_settings")
        if isinstance(settings, ast.Call):
            for key, value in _keywords(settings).items():
                if key == "reasoning" and isinstance(value, ast.Call):
                    config["reasoning"] = {k: _literal(v) for k, v in _keywords(value).items()}
                elif key in ("temperature", "top_p"):
                    config[key] = _literal(value)
                elif key == "max_tokens":
                    config["max_output_tokens"] = _literal(value)
        output = options.get("output_type")
        if isinstance(output, ast.Name) and output.id != "str":
            schema = self.defs.schemas.get(output.id)
            if schema is None:
                raise _Unsupported(output, f"output type {output.id!r} is not defined here")
            config["text"] = {
                "format": {"type": "json_schema", "name": _slug(output.id), "schema": schema}
            }
        tools = []
        listed = options.get("tools")
        for element in listed.elts if isinstance(listed, ast.List) else []:
            if isinstance(element, ast.Name) and element.id in self.defs.tools:
                tools.append(self.defs.tools[element.id])
            else:
                self.warn(element, f"tool {ast.unparse(element)!r} is not defined here: dropped")
        config["tools"] = tools
        return str(label), {"instructions": instructions, "model": str(model), "_config": config}

    def instructions(self, value: ast.expr | None, context: ast.expr | None, scope: _Scope) -> str:
        if value is None:
            return ""
        if isinstance(value, ast.Constant | ast.JoinedStr):
            return self.template(value, scope)
        if isinstance(value, ast.Name) and value.id in self.defs.instructions:
            function = self.defs.instructions[value.id]
            given = _keywords(context) if isinstance(context, ast.Call) else {}
            expressions = {
                local: self.cel(given[attribute], scope)
                for local, attribute in function.context_attributes.items()
                if attribute in given
            }
            return self.template(function.template, scope, expressions)
        raise _Unsupported(value, "instructions must be text or an exported instructions function")

    def template(
        self, value: ast.expr, scope: _Scope, locals_: dict[str, str] | None = None
    ) -> str:
        """Text with ``{{ cel }}`` placeholders from a string or f-string."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        if isinstance(value, ast.Name) and value.id in scope.texts:
            return self.template(scope.texts[value.id], scope, locals_)
        if not isinstance(value, ast.JoinedStr):
            return "{{ " + self.cel(value, scope) + " }}"
        parts = []
        for part in value.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
            elif isinstance(part, ast.FormattedValue):
                inner = part.value
                if locals_ is not None and isinstance(inner, ast.Name) and inner.id in locals_:
                    parts.append("{{ " + locals_[inner.id] + " }}")
                else:
                    parts.append("{{ " + self.cel(inner, scope) + " }}")
        return "".join(parts)

    def guardrails_step(
        self, statement: ast.stmt, following: Sequence[ast.stmt], scope: _Scope
    ) -> tuple[Callable[[str | None], str | None], int]:
        """The guardrails call, the flags read from its result, and the ``if`` on its
        tripwire (both exporter generations: ``run_and_apply_guardrails`` and
        ``run_guardrails`` with helper functions)."""
        call = _value(statement)
        if isinstance(call, ast.Await):
            call = call.value
        assert isinstance(call, ast.Call)
        config_name = next(
            (
                n.id
                for n in ast.walk(call)
                if isinstance(n, ast.Name) and n.id in self.defs.guardrails
            ),
            None,
        )
        if config_name is None:
            raise _Unsupported(statement, "a guardrails call whose config is not defined here")
        texts = [a for a in call.args if not (isinstance(a, ast.Name) and a.id == "ctx")]
        if not texts:
            raise _Unsupported(statement, "a guardrails call without the text to check")
        text = texts[0]
        if isinstance(text, ast.Name) and text.id in scope.texts:
            text = scope.texts[text.id]
        node_id = self.converter.new_id("guardrails")
        result = _target_name(statement)
        config = {
            "expr": {"expression": self.cel(text, scope)},
            "guardrails": self.defs.guardrails[config_name],
        }
        if result:
            scope.bindings[result] = node_id
        consumed = 1
        for later in following:
            value, bound = _value(later), _target_name(later)
            if not (bound and value is not None and result and _mentions(later, result)):
                break
            read = _result_field(value)
            if read == "hastripwire":
                scope.tripwires[bound] = node_id
            elif read == "safetext":
                scope.suffixes[bound] = ".safe_text"
            scope.bindings[bound] = node_id
            consumed += 1
        scope.current = result
        branch = following[consumed - 1] if len(following) >= consumed else None
        ports: dict[str, list[ast.stmt]] = {}
        if (
            isinstance(branch, ast.If)
            and isinstance(branch.test, ast.Name)
            and scope.tripwires.get(branch.test.id) == node_id
        ):
            ports = {"on_fail": branch.body, "on_pass": branch.orelse}
            consumed += 1
        scopes = {port: scope.branch() for port in ports}

        def link(next_id: str | None) -> str:
            targets = {
                port: self.sequence(body, scopes[port], next_id) for port, body in ports.items()
            } or {"on_pass": next_id, "on_fail": None}
            self.nodes[node_id] = self.located(
                statement,
                lambda: self.converter.guardrails(
                    "guardrails", config, lambda port: targets.get(port)
                ),
            )
            return node_id

        return link, consumed

    def _is_file_search(self, value: ast.expr) -> bool:
        return any(_call_name(node) == "client.vector_stores.search" for node in ast.walk(value))

    def file_search_step(
        self, statement: ast.stmt, scope: _Scope
    ) -> Callable[[str | None], str | None]:
        value = _value(statement)
        assert value is not None
        search = next(
            node
            for node in ast.walk(value)
            if _call_name(node) == "client.vector_stores.search" and isinstance(node, ast.Call)
        )
        options = _keywords(search)
        store = _literal(options["vector_store_id"]) if "vector_store_id" in options else "docs"
        query = self.cel(options["query"], scope) if "query" in options else None
        limit = _literal(options["max_num_results"]) if "max_num_results" in options else 5
        node_id = self.converter.new_id("file_search")
        name = _target_name(statement)
        if name:
            scope.bindings[name] = node_id
        scope.current = name

        def link(next_id: str | None) -> str:
            self.nodes[node_id] = {
                "type": "file_search",
                "store": self.located(
                    statement, lambda: {"name": self.converter.store(str(store))}
                )["name"],
                "query": query or "workflow.input_as_text",
                "max_results": int(limit),
                "next": next_id,
            }
            return node_id

        return link

    def if_step(self, statement: ast.If, scope: _Scope) -> Callable[[str | None], str | None]:
        test = statement.test
        if _call_name(test) in self.defs.approvals or (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Name)
            and test.func.id.startswith("approval_request")
        ):
            return self.approval_step(statement, scope)
        cases: list[tuple[str, list[ast.stmt], _Scope]] = []
        branch: ast.If | None = statement
        orelse: list[ast.stmt] = []
        while branch is not None:
            cases.append((self.cel(branch.test, scope), branch.body, scope.branch()))
            orelse = branch.orelse
            branch = orelse[0] if len(orelse) == 1 and isinstance(orelse[0], ast.If) else None
        else_scope = scope.branch()
        node_id = self.converter.new_id("if_else")
        scope.current = None  # the branches join here with different outputs

        def link(next_id: str | None) -> str:
            self.nodes[node_id] = {
                "type": "if_else",
                "cases": [
                    {"when": when, "next": self.sequence(body, inner, next_id)}
                    for when, body, inner in cases
                ],
                "else": self.sequence(orelse, else_scope, next_id),
            }
            return node_id

        return link

    def approval_step(self, statement: ast.If, scope: _Scope) -> Callable[[str | None], str | None]:
        test = statement.test.value if isinstance(statement.test, ast.Await) else statement.test
        assert isinstance(test, ast.Call)
        message = self.template(test.args[0], scope) if test.args else "Do you approve?"
        node_id = self.converter.new_id("approval")
        approve_scope, reject_scope = scope.branch(), scope.branch()
        scope.current = None

        def link(next_id: str | None) -> str:
            self.nodes[node_id] = {
                "type": "user_approval",
                "message": message or "Do you approve?",
                "next": {
                    "on_approve": self.sequence(statement.body, approve_scope, next_id),
                    "on_reject": self.sequence(statement.orelse, reject_scope, next_id),
                },
            }
            return node_id

        return link

    def while_step(self, statement: ast.While, scope: _Scope) -> Callable[[str | None], str | None]:
        if statement.orelse:
            raise _Unsupported(statement, "while ... else has no equivalent")
        condition = self.cel(statement.test, scope)
        body_scope = scope.branch()
        node_id = self.converter.new_id("while")
        scope.current = None

        def link(next_id: str | None) -> str:
            outer = self.nodes
            self.nodes = {}
            start = self.sequence(statement.body, body_scope, None)
            body, self.nodes = self.nodes, outer
            if start is None:
                self.problems.append(self.at(statement, "a while loop that runs no node"))
                start = node_id
            self.nodes[node_id] = {
                "type": "while",
                "condition": condition,
                "body": {"start": start, "nodes": body},
                "next": next_id,
            }
            return node_id

        return link

    def _state_target(self, statement: ast.Assign) -> str | None:
        target = statement.targets[0] if len(statement.targets) == 1 else None
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "state"
            and isinstance(target.slice, ast.Constant)
            and isinstance(target.slice.value, str)
        ):
            return target.slice.value
        return None

    def set_state_step(
        self, statements: Sequence[ast.stmt], scope: _Scope
    ) -> Callable[[str | None], str | None]:
        assignments = []
        for statement in statements:
            assert isinstance(statement, ast.Assign)
            name = self._state_target(statement)
            assignments.append({"name": name, "expr": self.cel(statement.value, scope)})
            if name not in self.state:
                self.warn(statement, f"state variable {name!r} is not declared: declared now")
                self.state[str(name)] = {"type": "string", "default": None}
        node_id = self.converter.new_id("set_state")

        def link(next_id: str | None) -> str:
            self.nodes[node_id] = {"type": "set_state", "assignments": assignments, "next": next_id}
            return node_id

        return link

    def transform_step(
        self, statement: ast.stmt, name: str, value: ast.Dict, scope: _Scope
    ) -> Callable[[str | None], str | None]:
        expr = self.cel(value, scope)
        node_id = self.converter.new_id(name.removesuffix("_result") or "transform")
        scope.bindings[name] = node_id
        scope.current = name

        def link(next_id: str | None) -> str:
            self.nodes[node_id] = {"type": "transform", "expr": expr, "next": next_id}
            return node_id

        return link

    def end_step(self, statement: ast.Return, scope: _Scope) -> Callable[[str | None], str | None]:
        value = statement.value
        expr = None if value is None else self.cel(value, scope)
        return self.end_node(expr)

    def end_node(self, expr: str | None) -> Callable[[str | None], str | None]:
        node_id = self.converter.new_id("end")

        def link(next_id: str | None) -> str:
            self.nodes[node_id] = {"type": "end", **({"expr": expr} if expr else {})}
            return node_id

        return link

    # --- expressions ------------------------------------------------------------------

    def cel(self, node: ast.expr, scope: _Scope) -> str:
        """The CEL for a Python expression of the generated subset."""
        if isinstance(node, ast.Constant):
            if node.value is None:
                return "null"
            if isinstance(node.value, bool):
                return "true" if node.value else "false"
            if isinstance(node.value, int | float):
                return repr(node.value)
            if isinstance(node.value, str):
                return json.dumps(node.value, ensure_ascii=False)
        if isinstance(node, ast.Name):
            return self.variable(node, scope)
        if isinstance(node, ast.Subscript | ast.Attribute):
            return self.path(node, scope)
        if isinstance(node, ast.Compare):
            parts = [self.cel(node.left, scope)]
            for operator, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(operator, ast.NotIn):
                    parts = [f"!({parts[-1]} in {self.cel(right, scope)})"]
                    continue
                symbol = _CEL_OPERATORS.get(type(operator))
                if symbol is None:
                    raise _Unsupported(node, f"operator in {ast.unparse(node)!r}")
                parts.append(f"{symbol} {self.cel(right, scope)}")
            return " ".join(parts)
        if isinstance(node, ast.BoolOp):
            joiner = " && " if isinstance(node.op, ast.And) else " || "
            return "(" + joiner.join(self.cel(v, scope) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return f"!({self.cel(node.operand, scope)})"
            if isinstance(node.op, ast.USub):
                return f"-{self.cel(node.operand, scope)}"
        if isinstance(node, ast.BinOp) and type(node.op) in _CEL_OPERATORS:
            symbol = _CEL_OPERATORS[type(node.op)]
            return f"({self.cel(node.left, scope)} {symbol} {self.cel(node.right, scope)})"
        if isinstance(node, ast.Dict):
            entries = []
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    raise _Unsupported(node, "a ** expansion in a dict")
                entries.append(f"{self.cel(key, scope)}: {self.cel(value, scope)}")
            return "{" + ", ".join(entries) + "}"
        if isinstance(node, ast.List | ast.Tuple):
            return "[" + ", ".join(self.cel(e, scope) for e in node.elts) + "]"
        if isinstance(node, ast.Call) and _call_name(node) == "len" and len(node.args) == 1:
            return f"size({self.cel(node.args[0], scope)})"
        if isinstance(node, ast.JoinedStr):
            pieces = []
            for part in node.values:
                if isinstance(part, ast.Constant):
                    pieces.append(json.dumps(str(part.value), ensure_ascii=False))
                elif isinstance(part, ast.FormattedValue):
                    pieces.append(f"string({self.cel(part.value, scope)})")
            return " + ".join(pieces) or '""'
        raise _Unsupported(node, f"expression {ast.unparse(node)!r} has no CEL equivalent here")

    def variable(self, node: ast.Name, scope: _Scope) -> str:
        name = node.id
        if name in ("state", "workflow"):
            return name
        if name in scope.texts:
            return self.cel(scope.texts[name], scope)
        if name in scope.tripwires:
            raise _Unsupported(node, "a tripwire flag outside its if statement")
        producer = scope.bindings.get(name)
        if producer is None:
            raise _Unsupported(node, f"{name!r} is not a workflow value")
        suffix = scope.suffixes.get(name, "")
        if name == scope.current or scope.bindings.get(scope.current or "") == producer:
            return "input" + suffix
        self.stashed[name] = producer
        return f"state.{_stash_key(producer)}{suffix}"

    def path(self, node: ast.Subscript | ast.Attribute, scope: _Scope) -> str:
        steps: list[str] = []  # CEL selectors, innermost last
        current: ast.expr = node
        while isinstance(current, ast.Subscript | ast.Attribute):
            if isinstance(current, ast.Attribute):
                steps.append(f".{current.attr}")
            elif isinstance(current.slice, ast.Constant) and isinstance(current.slice.value, str):
                key = current.slice.value
                steps.append(f".{key}" if _IDENTIFIER.match(key) else f"[{json.dumps(key)}]")
            else:
                steps.append(f"[{self.cel(current.slice, scope)}]")
            current = current.value
        if not isinstance(current, ast.Name):
            raise _Unsupported(node, f"expression {ast.unparse(node)!r} has no CEL equivalent")
        if current.id == "workflow_input":
            current = ast.Name(id="workflow", lineno=current.lineno)
        text = self.variable(current, scope)
        for step in reversed(steps):
            text += step
        return text

    # --- the document -----------------------------------------------------------------

    def stash_results(self) -> None:
        """Keep in state each node output that is read after the next node has run."""
        for producer in sorted(set(self.stashed.values())):
            holder = _find(self.nodes, producer)
            if holder is None:
                continue
            key = _stash_key(producer)
            stash_id = self.converter.new_id(f"keep_{producer}")
            node = holder[producer]
            ports = node.get("next")
            holder[stash_id] = {
                "type": "set_state",
                "assignments": [{"name": key, "expr": "input"}],
                "next": ports.get("on_pass") if isinstance(ports, dict) else ports,
            }
            if isinstance(ports, dict):
                ports["on_pass"] = stash_id
            else:
                node["next"] = stash_id
            self.state[key] = {"type": "object", "default": None}


def _in_graph_order(nodes: dict[str, dict[str, Any]], start: str) -> dict[str, dict[str, Any]]:
    """The node table in the order a reader follows it: depth first from ``start``
    (nodes are built back to front, which reads backwards in a file)."""
    order: list[str] = []
    pending = [start]
    while pending:
        node_id = pending.pop()
        if node_id in order or node_id not in nodes:
            continue
        order.append(node_id)
        node = nodes[node_id]
        body = node.get("body")
        if isinstance(body, dict):
            body["nodes"] = _in_graph_order(body.get("nodes") or {}, str(body.get("start")))
        targets: list[Any] = []
        following = node.get("next")
        targets += list(following.values()) if isinstance(following, dict) else [following]
        targets += [case.get("next") for case in node.get("cases") or []]
        targets.append(node.get("else"))
        pending.extend(t for t in reversed(targets) if isinstance(t, str))
    order += [node_id for node_id in nodes if node_id not in order]
    return {node_id: nodes[node_id] for node_id in order}


def _find(nodes: dict[str, dict[str, Any]], node_id: str) -> dict[str, dict[str, Any]] | None:
    """The node table (top level or a While body) that holds ``node_id``."""
    if node_id in nodes:
        return nodes
    for node in nodes.values():
        body = node.get("body")
        if isinstance(body, dict):
            found = _find(body.get("nodes") or {}, node_id)
            if found is not None:
                return found
    return None


def _stash_key(node_id: str) -> str:
    """The state variable that keeps a node's output for later nodes."""
    return f"{node_id}_output"


def _name_override(definition: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """``@function_tool(name_override="...")``: the name the model sees."""
    for decorator in definition.decorator_list:
        if isinstance(decorator, ast.Call) and "name_override" in _keywords(decorator):
            value = _literal(_keywords(decorator)["name_override"])
            return value if isinstance(value, str) else None
    return None


def _result_field(value: ast.expr) -> str | None:
    """Which field of the guardrails result ``value`` reads directly, in one spelling
    (``r["has_tripwire"]``, ``guardrails_has_tripwire(r)``, ``guardrailsHasTripwire(r)``,
    ``get_guardrail_safe_text(...)`` -> ``hastripwire`` / ``safetext``)."""
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
        name = str(value.slice.value)
    elif isinstance(value, ast.Call):
        name = _call_name(value) or ""
    else:
        return None
    name = name.replace("_", "").lower()
    return next((field for field in ("hastripwire", "safetext") if name.endswith(field)), None)


def _is_history_extension(statement: ast.stmt) -> bool:
    """``conversation_history.extend(...)``: the agent writes to the history."""
    return isinstance(statement, ast.Expr) and _call_name(statement.value) == (
        "conversation_history.extend"
    )


def _mentions(statement: ast.stmt, name: str | None) -> bool:
    return name is not None and any(
        isinstance(n, ast.Name) and n.id == name for n in ast.walk(statement)
    )


def _state_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def _first_line(statement: ast.stmt) -> str:
    return ast.unparse(statement).splitlines()[0][:80]


def import_python_export(
    source: str, *, filename: str = "<export>", workflow_id: str | None = None
) -> Imported:
    """A chatloom workflow document from an exported Agents SDK program (never run)."""
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise ExportImportError([f"{filename}: larger than {MAX_SOURCE_BYTES} bytes"])
    try:
        module = ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise ExportImportError(
            [f"{filename}:{error.lineno or 0}: syntax error: {error.msg}"]
        ) from error
    except (ValueError, RecursionError, MemoryError) as error:
        raise ExportImportError([f"{filename}: cannot be parsed: {error}"]) from error
    return read_export(module, filename=filename, workflow_id=workflow_id)


def read_export(module: ast.Module, *, filename: str, workflow_id: str | None = None) -> Imported:
    """The workflow document of an export's syntax tree (Python's, or TypeScript's lowered
    to it by :mod:`.ts_import`)."""
    reader = _Reader(filename)
    reader.definitions(module)
    try:
        start = reader.workflow()
    except RecursionError as error:
        raise ExportImportError([f"{filename}: nested too deeply"]) from error
    if reader.problems:
        raise ExportImportError(reader.problems)
    reader.stash_results()
    reader.nodes = _in_graph_order(reader.nodes, start)
    name = reader.name or "Imported workflow"
    document: dict[str, Any] = {
        "schema": "chatloom/workflow@1",
        "id": workflow_id or reader.workflow_id or "wf_" + _slug(name),
        "name": name,
        "state": reader.state,
        "start": start,
        "nodes": reader.nodes,
    }
    if reader.converter.stores:
        document["stores"] = reader.converter.stores
    return Imported(document, reader.converter.warnings)


__all__ = ["ExportImportError", "import_python_export", "read_export"]
