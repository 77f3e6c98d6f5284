"""Import the TypeScript program Agent Builder's **Code** button exported.

The TypeScript export has the Python export's structure in the JavaScript Agents SDK's
words: ``new Agent({...})`` with camelCase settings, zod schemas for output types,
``runner.run(agent, [...conversationHistory])``, ``conversationHistory.push(...)``,
``await approvalRequest(message)``, ``state.x = ...``. This module parses the file with
tree-sitter's TypeScript grammar (a real parser: the file is never run, and never matched
with regular expressions) and lowers the generated subset to the Python export's syntax
tree, so one reader (:mod:`.code_import`) rebuilds the graph for both languages. Line
numbers are kept, so every problem still names the TypeScript file and line.
"""

from __future__ import annotations

import ast
from typing import Any, TypeVar

from tree_sitter import Language, Node, Parser
from tree_sitter_typescript import language_typescript

from .code_import import MAX_SOURCE_BYTES, ExportImportError, read_export
from .importer import Imported

_PARSER = Parser(Language(language_typescript()))

# JavaScript SDK names -> the Python SDK's, where the reader looks for them.
_NAMES = {
    "conversationHistory": "conversation_history",
    "approvalRequest": "approval_request",
    "runGuardrails": "run_and_apply_guardrails",
    "runAndApplyGuardrails": "run_and_apply_guardrails",
    "guardrailsHasTripwire": "guardrails_has_tripwire",
    "getGuardrailSafeText": "get_guardrail_safe_text",
    "buildGuardrailFailOutput": "build_guardrail_fail_output",
    "scrubConversationHistory": "scrub_conversation_history",
    "scrubWorkflowInput": "scrub_workflow_input",
}
_SETTINGS = {
    "temperature": "temperature",
    "topP": "top_p",
    "maxTokens": "max_tokens",
    "parallelToolCalls": "parallel_tool_calls",
    "store": "store",
}
_ZOD_SCALARS = {"string": "str", "number": "float", "boolean": "bool"}
_COMPARISONS: dict[str, ast.cmpop] = {
    "==": ast.Eq(),
    "===": ast.Eq(),
    "!=": ast.NotEq(),
    "!==": ast.NotEq(),
    "<": ast.Lt(),
    "<=": ast.LtE(),
    ">": ast.Gt(),
    ">=": ast.GtE(),
}
_ARITHMETIC: dict[str, ast.operator] = {
    "+": ast.Add(),
    "-": ast.Sub(),
    "*": ast.Mult(),
    "/": ast.Div(),
    "%": ast.Mod(),
}


class _Refused(Exception):
    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line = node.start_point[0] + 1


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


_Made = TypeVar("_Made", bound=ast.AST)


def _at(node: Node, made: _Made) -> _Made:
    """``made`` (a Python syntax node) placed at ``node``'s line."""
    line = node.start_point[0] + 1
    for attribute, value in (("lineno", line), ("end_lineno", line)):
        setattr(made, attribute, value)
    for attribute in ("col_offset", "end_col_offset"):
        setattr(made, attribute, 0)
    return made


def _named(node: Node) -> list[Node]:
    return [child for child in node.named_children if child.type != "comment"]


class _Lowering:
    def __init__(self) -> None:
        self.trace_metadata: ast.expr | None = None
        self.runner_names: set[str] = set()

    # --- module -----------------------------------------------------------------------

    def module(self, root: Node) -> ast.Module:
        body: list[ast.stmt] = []
        for statement in _named(root):
            body.extend(self.top_level(statement))
        return ast.Module(body=body, type_ignores=[])

    def top_level(self, node: Node) -> list[ast.stmt]:
        if node.type in ("import_statement", "type_alias_declaration", "interface_declaration"):
            return []
        if node.type == "export_statement":
            declaration = node.child_by_field_name("declaration")
            return self.top_level(declaration) if declaration is not None else []
        if node.type == "function_declaration":
            return [self.function(node, _text(node.child_by_field_name("name") or node), node)]
        if node.type in ("lexical_declaration", "variable_declaration"):
            return [self.declaration(d) for d in _named(node) if d.type == "variable_declarator"]
        if node.type == "expression_statement":
            return [_at(node, ast.Pass())]  # e.g. a stray call: nothing the workflow runs
        raise _Refused(node, f"a top-level {node.type.replace('_', ' ')} the exporter never writes")

    def declaration(self, node: Node) -> ast.stmt:
        name = _text(node.child_by_field_name("name") or node)
        value = node.child_by_field_name("value")
        if value is None:
            return _at(node, ast.Pass())
        if value.type in ("arrow_function", "function_expression", "function"):
            return self.function(value, name, node)
        if _callee(value) == "z.object":
            return self.schema(name, value)
        if _callee(value) == "tool":
            return self.function_tool(name, value)
        try:
            lowered = self.value(value)
        except _Refused:
            # A client, a guardrails context, a helper constant: the reader reports what it
            # does not use, and none of these is needed to rebuild the graph.
            lowered = _at(value, ast.Constant(value=None))
        target = self.target(_NAMES.get(name, name), node)
        return _at(node, ast.Assign(targets=[target], value=lowered))

    def function(self, node: Node, name: str, where: Node) -> ast.stmt:
        if name == "runWorkflow":
            return _at(
                where,
                ast.AsyncFunctionDef(
                    name="run_workflow",
                    args=_arguments(["workflow_input"]),
                    body=self.workflow_body(node),
                    decorator_list=[],
                    returns=None,
                ),
            )
        # approvalRequest and helpers: only their names matter to the reader.
        return _at(
            where,
            ast.FunctionDef(
                name=_NAMES.get(name, name),
                args=_arguments(["message"]),
                body=[_at(where, ast.Pass())],
                decorator_list=[],
                returns=None,
            ),
        )

    def schema(self, name: str, call: Node) -> ast.stmt:
        fields: list[ast.stmt] = []
        shape = _first_argument(call)
        for pair in _named(shape) if shape is not None else []:
            if pair.type != "pair":
                raise _Refused(pair, "a schema field that is not `name: z.type()`")
            key = _key(pair)
            fields.append(
                _at(
                    pair,
                    ast.AnnAssign(
                        target=ast.Name(id=key, ctx=ast.Store()),
                        annotation=self.zod(pair.child_by_field_name("value") or pair),
                        value=None,
                        simple=1,
                    ),
                )
            )
        return _at(
            call,
            ast.ClassDef(
                name=name,
                bases=[ast.Name(id="BaseModel", ctx=ast.Load())],
                keywords=[],
                body=fields or [_at(call, ast.Pass())],
                decorator_list=[],
            ),
        )

    def zod(self, node: Node) -> ast.expr:
        """A zod type as the Python annotation the reader turns into JSON schema."""
        callee = _callee(node) or ""
        kind = callee.removeprefix("z.")
        if kind in _ZOD_SCALARS:
            return ast.Name(id=_ZOD_SCALARS[kind], ctx=ast.Load())
        if kind == "array":
            inner = _first_argument(node)
            if inner is None:
                raise _Refused(node, "z.array() without an item type")
            return ast.Subscript(
                value=ast.Name(id="list", ctx=ast.Load()), slice=self.zod(inner), ctx=ast.Load()
            )
        if kind == "enum":
            values = _first_argument(node)
            return ast.Subscript(
                value=ast.Name(id="Literal", ctx=ast.Load()),
                slice=ast.Tuple(elts=[self.value(v) for v in _named(values)], ctx=ast.Load())
                if values is not None
                else ast.Constant(value=None),
                ctx=ast.Load(),
            )
        if callee.endswith(".nullable") or callee.endswith(".optional"):
            function = node.child_by_field_name("function")
            inner = function.child_by_field_name("object") if function is not None else None
            if inner is None:
                raise _Refused(node, "an optional type without its base type")
            return ast.Subscript(
                value=ast.Name(id="Optional", ctx=ast.Load()), slice=self.zod(inner), ctx=ast.Load()
            )
        if kind == "object":
            raise _Refused(node, "nested z.object(): declare it as its own schema constant")
        if node.type == "identifier":
            return ast.Name(id=_text(node), ctx=ast.Load())
        raise _Refused(node, f"schema type {_text(node)[:40]!r} has no JSON schema here")

    def function_tool(self, name: str, call: Node) -> ast.stmt:
        options = _object_pairs(_first_argument(call))
        tool_name = _string(options["name"]) if "name" in options else name
        arguments: list[str] = []
        annotations: list[ast.expr | None] = []
        parameters = options.get("parameters")
        shape = _first_argument(parameters) if parameters is not None else None
        for pair in _named(shape) if shape is not None else []:
            if pair.type == "pair":
                arguments.append(_key(pair))
                annotations.append(self.zod(pair.child_by_field_name("value") or pair))
        description = _string(options["description"]) if "description" in options else ""
        args = _arguments(arguments)
        for argument, annotation in zip(args.args, annotations, strict=True):
            argument.annotation = annotation
        body: list[ast.stmt] = [_at(call, ast.Expr(value=ast.Constant(value=description)))]
        if "execute" in options and _text(options["execute"]).count("\n") > 2:
            body.append(_at(call, ast.Expr(value=ast.Constant(value=...))))  # a real body
        body.append(_at(call, ast.Pass()))
        return _at(
            call,
            ast.FunctionDef(
                name=name,
                args=args,
                body=body,
                decorator_list=[
                    _python_call("function_tool", name_override=ast.Constant(value=tool_name))
                ],
                returns=None,
            ),
        )

    # --- the workflow function --------------------------------------------------------

    def workflow_body(self, function: Node) -> list[ast.stmt]:
        body = function.child_by_field_name("body")
        if body is None:
            raise _Refused(function, "runWorkflow has no body")
        statements = _named(body) if body.type == "statement_block" else []
        # `return await withTrace("name", async () => { ... })`
        if len(statements) == 1 and statements[0].type == "return_statement":
            traced = _named(statements[0])[0] if _named(statements[0]) else None
            call = (
                _named(traced)[0]
                if traced is not None and traced.type == "await_expression"
                else traced
            )
            if call is not None and _callee(call) == "withTrace":
                arguments = _named(call.child_by_field_name("arguments") or call)
                inner = arguments[1] if len(arguments) > 1 else None
                block = inner.child_by_field_name("body") if inner is not None else None
                if block is not None:
                    return [
                        _at(
                            call,
                            ast.With(
                                items=[
                                    ast.withitem(
                                        context_expr=_at(
                                            call,
                                            ast.Call(
                                                func=ast.Name(id="trace", ctx=ast.Load()),
                                                args=[self.value(arguments[0])],
                                                keywords=[],
                                            ),
                                        )
                                    )
                                ],
                                body=self.block(block),
                            ),
                        )
                    ]
        return self.block(body)

    def block(self, node: Node) -> list[ast.stmt]:
        statements: list[ast.stmt] = []
        for child in _named(node) if node.type == "statement_block" else [node]:
            statements.extend(self.statement(child))
        return statements or [_at(node, ast.Pass())]

    def statement(self, node: Node) -> list[ast.stmt]:
        kind = node.type
        if kind in ("lexical_declaration", "variable_declaration"):
            return [s for d in _named(node) if (s := self.local(d)) is not None]
        if kind == "expression_statement":
            return self.expression_statement(_named(node)[0])
        if kind == "if_statement":
            if _only_throws(node):
                return []  # `if (!result.finalOutput) throw ...`: a failed run errors here too
            return [self.if_(node)]
        if kind == "while_statement":
            condition = node.child_by_field_name("condition")
            body = node.child_by_field_name("body")
            if condition is None or body is None:
                raise _Refused(node, "an incomplete while loop")
            return [
                _at(node, ast.While(test=self.value(condition), body=self.block(body), orelse=[]))
            ]
        if kind == "return_statement":
            values = _named(node)
            return [_at(node, ast.Return(value=self.value(values[0]) if values else None))]
        if kind == "throw_statement":
            return []  # the "agent result is undefined" guard: a failed run is an error here too
        if kind == "statement_block":
            return self.block(node)
        raise _Refused(node, f"a {kind.replace('_', ' ')} is not a workflow step")

    def local(self, node: Node) -> ast.stmt | None:
        name = _text(node.child_by_field_name("name") or node)
        value = node.child_by_field_name("value")
        if value is None:
            return None
        if (
            value.type == "new_expression"
            and _text(value.child_by_field_name("constructor") or value) == "Runner"
        ):
            self.runner_names.add(name)
            self.trace_metadata = _object_pairs(_first_argument(value)).get("traceMetadata") and (
                self.value(_object_pairs(_first_argument(value))["traceMetadata"])
            )
            return None
        python = _NAMES.get(name, name)
        return _at(node, ast.Assign(targets=[self.target(python, node)], value=self.value(value)))

    def expression_statement(self, node: Node) -> list[ast.stmt]:
        if node.type == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                raise _Refused(node, "an incomplete assignment")
            return [_at(node, ast.Assign(targets=[self.assignable(left)], value=self.value(right)))]
        if _callee(node) == "conversationHistory.push":
            return [
                _at(
                    node,
                    ast.Expr(
                        value=_at(
                            node,
                            ast.Call(
                                func=ast.Attribute(
                                    value=ast.Name(id="conversation_history", ctx=ast.Load()),
                                    attr="extend",
                                    ctx=ast.Load(),
                                ),
                                args=[],
                                keywords=[],
                            ),
                        )
                    ),
                )
            ]
        raise _Refused(
            node, f"statement {_text(node).splitlines()[0][:60]!r} is not a workflow step"
        )

    def if_(self, node: Node) -> ast.stmt:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        if condition is None or consequence is None:
            raise _Refused(node, "an incomplete if statement")
        orelse: list[ast.stmt] = []
        if alternative is not None:
            inner = _named(alternative)[0] if _named(alternative) else None
            if inner is not None:
                orelse = [self.if_(inner)] if inner.type == "if_statement" else self.block(inner)
        return _at(
            node, ast.If(test=self.value(condition), body=self.block(consequence), orelse=orelse)
        )

    # --- expressions ------------------------------------------------------------------

    def target(self, name: str, node: Node) -> ast.expr:
        return _at(node, ast.Name(id=name, ctx=ast.Store()))

    def assignable(self, node: Node) -> ast.expr:
        lowered = self.value(node)
        if isinstance(lowered, ast.Attribute):
            lowered = ast.Subscript(
                value=lowered.value, slice=ast.Constant(value=lowered.attr), ctx=ast.Store()
            )
        return _at(node, lowered)

    def value(self, node: Node) -> ast.expr:
        kind = node.type
        if kind == "parenthesized_expression":
            return self.value(_named(node)[0])
        if kind in ("as_expression", "satisfies_expression", "non_null_expression"):
            return self.value(_named(node)[0])
        if kind == "string":
            return _at(node, ast.Constant(value=_string(node)))
        if kind == "template_string":
            return _at(node, self.template(node))
        if kind == "number":
            text = _text(node)
            return _at(node, ast.Constant(value=float(text) if "." in text else int(text, 0)))
        if kind in ("true", "false"):
            return _at(node, ast.Constant(value=kind == "true"))
        if kind in ("null", "undefined"):
            return _at(node, ast.Constant(value=None))
        if kind == "identifier":
            return _at(node, ast.Name(id=_NAMES.get(_text(node), _text(node)), ctx=ast.Load()))
        if kind == "member_expression":
            base = node.child_by_field_name("object")
            member = node.child_by_field_name("property")
            if base is None or member is None:
                raise _Refused(node, "an incomplete member access")
            return _at(
                node, ast.Attribute(value=self.value(base), attr=_text(member), ctx=ast.Load())
            )
        if kind == "subscript_expression":
            base = node.child_by_field_name("object")
            index = node.child_by_field_name("index")
            if base is None or index is None:
                raise _Refused(node, "an incomplete index")
            return _at(
                node, ast.Subscript(value=self.value(base), slice=self.value(index), ctx=ast.Load())
            )
        if kind == "object" and "guardrailLlm" in _object_pairs(node):
            # The guardrails context, which Python writes as SimpleNamespace(guardrail_llm=...).
            return _at(node, _python_call("SimpleNamespace"))
        if kind == "object":
            keys: list[ast.expr | None] = []
            values: list[ast.expr] = []
            for pair in _named(node):
                if pair.type == "shorthand_property_identifier":
                    keys.append(ast.Constant(value=_text(pair)))
                    values.append(_at(pair, ast.Name(id=_text(pair), ctx=ast.Load())))
                elif pair.type == "pair":
                    keys.append(ast.Constant(value=_key(pair)))
                    values.append(self.value(pair.child_by_field_name("value") or pair))
                else:
                    raise _Refused(pair, "an object entry that is not `key: value`")
            return _at(node, ast.Dict(keys=keys, values=values))
        if kind == "array":
            return _at(node, ast.List(elts=[self.value(e) for e in _named(node)], ctx=ast.Load()))
        if kind == "spread_element":
            return _at(node, ast.Starred(value=self.value(_named(node)[0]), ctx=ast.Load()))
        if kind == "await_expression":
            return _at(node, ast.Await(value=self.value(_named(node)[0])))
        if kind == "unary_expression":
            operator = node.child_by_field_name("operator")
            operand = node.child_by_field_name("argument")
            if operator is None or operand is None:
                raise _Refused(node, "an incomplete unary expression")
            op: ast.unaryop = ast.Not() if _text(operator) == "!" else ast.USub()
            return _at(node, ast.UnaryOp(op=op, operand=self.value(operand)))
        if kind == "binary_expression":
            return self.binary(node)
        if kind == "ternary_expression":
            parts = [
                node.child_by_field_name(f) for f in ("condition", "consequence", "alternative")
            ]
            if any(part is None for part in parts):
                raise _Refused(node, "an incomplete conditional expression")
            test, body, orelse = (self.value(part) for part in parts if part is not None)
            return _at(node, ast.IfExp(test=test, body=body, orelse=orelse))
        if kind == "call_expression":
            return self.call(node)
        if kind == "new_expression":
            return self.new(node)
        raise _Refused(
            node, f"expression {_text(node).splitlines()[0][:60]!r} has no equivalent here"
        )

    def binary(self, node: Node) -> ast.expr:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            raise _Refused(node, "an incomplete binary expression")
        symbol = _text(operator)
        if symbol in ("&&", "||", "??"):
            op: ast.boolop = ast.And() if symbol == "&&" else ast.Or()  # ?? reads as a fallback
            return _at(node, ast.BoolOp(op=op, values=[self.value(left), self.value(right)]))
        if symbol in _COMPARISONS:
            return _at(
                node,
                ast.Compare(
                    left=self.value(left),
                    ops=[_COMPARISONS[symbol]],
                    comparators=[self.value(right)],
                ),
            )
        if symbol in _ARITHMETIC:
            return _at(
                node,
                ast.BinOp(left=self.value(left), op=_ARITHMETIC[symbol], right=self.value(right)),
            )
        raise _Refused(node, f"operator {symbol!r} has no equivalent here")

    def call(self, node: Node) -> ast.expr:
        callee = _callee(node) or ""
        arguments = _named(node.child_by_field_name("arguments") or node)
        receiver = callee.rsplit(".", 1)[0] if "." in callee else ""
        if callee.endswith(".run") and receiver in self.runner_names and len(arguments) >= 2:
            keywords = [ast.keyword(arg="input", value=self.value(arguments[1]))]
            if self.trace_metadata is not None:
                keywords.append(
                    ast.keyword(
                        arg="run_config",
                        value=ast.Call(
                            func=ast.Name(id="RunConfig", ctx=ast.Load()),
                            args=[],
                            keywords=[ast.keyword(arg="trace_metadata", value=self.trace_metadata)],
                        ),
                    )
                )
            return _at(
                node,
                ast.Call(
                    func=ast.Attribute(
                        value=ast.Name(id="Runner", ctx=ast.Load()), attr="run", ctx=ast.Load()
                    ),
                    args=[self.value(arguments[0])],
                    keywords=keywords,
                ),
            )
        if callee == "fileSearchTool":
            ids = self.value(arguments[0]) if arguments else ast.List(elts=[], ctx=ast.Load())
            return _at(node, _python_call("FileSearchTool", vector_store_ids=ids))
        if callee == "webSearchTool":
            return _at(node, _python_call("WebSearchTool"))
        if callee in ("hostedMcpTool", "codeInterpreterTool"):
            options = _object_pairs(arguments[0] if arguments else None)
            config: dict[str, Any] = {
                "type": "mcp" if callee == "hostedMcpTool" else "code_interpreter"
            }
            for key, value in options.items():
                config[_snake(key)] = ast.literal_eval(self.value(value))
            name = "HostedMCPTool" if callee == "hostedMcpTool" else "CodeInterpreterTool"
            return _at(
                node,
                _python_call(
                    name, tool_config=ast.Constant(value=None) if not config else _constant(config)
                ),
            )
        if callee == "JSON.stringify" and arguments:
            return self.value(arguments[0])
        lowered_callee = self.value(node.child_by_field_name("function") or node)
        return _at(
            node,
            ast.Call(func=lowered_callee, args=[self.value(a) for a in arguments], keywords=[]),
        )

    def new(self, node: Node) -> ast.expr:
        constructor = _text(node.child_by_field_name("constructor") or node)
        options = _object_pairs(_first_argument(node))
        if constructor == "OpenAI":
            return _at(node, _python_call("AsyncOpenAI"))  # the shared client, as in Python
        if constructor != "Agent":
            raise _Refused(node, f"new {constructor}(...) is not part of an export")
        keywords = []
        for key, value in options.items():
            if key == "modelSettings":
                keywords.append(ast.keyword(arg="model_settings", value=self.settings(value)))
            elif key == "outputType":
                keywords.append(ast.keyword(arg="output_type", value=self.value(value)))
            else:
                keywords.append(ast.keyword(arg=key, value=self.value(value)))
        return _at(
            node, ast.Call(func=ast.Name(id="Agent", ctx=ast.Load()), args=[], keywords=keywords)
        )

    def settings(self, node: Node) -> ast.expr:
        keywords = []
        for key, value in _object_pairs(node).items():
            if key == "reasoning":
                reasoning = [
                    ast.keyword(arg=k, value=self.value(v)) for k, v in _object_pairs(value).items()
                ]
                keywords.append(
                    ast.keyword(arg="reasoning", value=_python_call("Reasoning", reasoning))
                )
            elif key in _SETTINGS:
                keywords.append(ast.keyword(arg=_SETTINGS[key], value=self.value(value)))
        return _at(node, _python_call("ModelSettings", keywords))

    def template(self, node: Node) -> ast.expr:
        parts: list[ast.expr] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(ast.Constant(value=_text(child)))
            elif child.type == "template_substitution":
                parts.append(ast.FormattedValue(value=self.value(_named(child)[0]), conversion=-1))
            elif child.type == "escape_sequence":
                parts.append(ast.Constant(value=ast.literal_eval(f'"{_text(child)}"')))
        return ast.JoinedStr(values=parts)


def _python_call(
    name: str, keywords: list[ast.keyword] | None = None, **named: ast.expr
) -> ast.Call:
    return ast.Call(
        func=ast.Name(id=name, ctx=ast.Load()),
        args=[],
        keywords=(keywords or []) + [ast.keyword(arg=k, value=v) for k, v in named.items()],
    )


def _constant(value: Any) -> ast.expr:
    return ast.parse(repr(value), mode="eval").body


def _arguments(names: list[str]) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=n) for n in names],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )


def _callee(node: Node | None) -> str | None:
    if node is None:
        return None
    if node.type == "await_expression" and _named(node):
        return _callee(_named(node)[0])
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    return _text(function) if function is not None else None


def _first_argument(node: Node | None) -> Node | None:
    arguments = node.child_by_field_name("arguments") if node is not None else None
    named = _named(arguments) if arguments is not None else []
    return named[0] if named else None


def _key(pair: Node) -> str:
    key = pair.child_by_field_name("key")
    if key is None:
        raise _Refused(pair, "an object entry without a key")
    return _string(key) if key.type == "string" else _text(key)


def _object_pairs(node: Node | None) -> dict[str, Node]:
    if node is None or node.type != "object":
        return {}
    return {
        _key(pair): pair.child_by_field_name("value") or pair
        for pair in _named(node)
        if pair.type == "pair"
    }


def _string(node: Node) -> str:
    if node.type != "string":
        raise _Refused(node, "expected a string")
    parts = []
    for child in node.named_children:
        if child.type == "escape_sequence":
            parts.append(ast.literal_eval(f'"{_text(child)}"'))
        else:
            parts.append(_text(child))
    return "".join(parts)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def import_typescript_export(
    source: str, *, filename: str = "<export>", workflow_id: str | None = None
) -> Imported:
    """A chatloom workflow document from an exported TypeScript Agents SDK program."""
    data = source.encode("utf-8", "surrogatepass")
    if len(data) > MAX_SOURCE_BYTES:
        raise ExportImportError([f"{filename}: larger than {MAX_SOURCE_BYTES} bytes"])
    tree = _PARSER.parse(data)
    if tree.root_node.has_error:
        broken = _first_error(tree.root_node)
        line = broken.start_point[0] + 1 if broken is not None else 0
        raise ExportImportError([f"{filename}:{line}: syntax error"])
    try:
        module = _Lowering().module(tree.root_node)
    except _Refused as error:
        raise ExportImportError([f"{filename}:{error.line}: {error}"]) from error
    except RecursionError as error:
        raise ExportImportError([f"{filename}: nested too deeply"]) from error
    return read_export(
        ast.fix_missing_locations(module), filename=filename, workflow_id=workflow_id
    )


def _only_throws(node: Node) -> bool:
    consequence = node.child_by_field_name("consequence")
    if consequence is None or node.child_by_field_name("alternative") is not None:
        return False
    statements = _named(consequence) if consequence.type == "statement_block" else [consequence]
    return bool(statements) and all(s.type == "throw_statement" for s in statements)


def _first_error(node: Node) -> Node | None:
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        if child.has_error:
            return _first_error(child)
    return None


__all__ = ["import_typescript_export"]
