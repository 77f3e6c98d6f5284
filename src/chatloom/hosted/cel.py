"""A Common Expression Language (CEL) interpreter for workflow files.

Workflow files come from people we do not trust with the host, so expressions are
parsed and evaluated here rather than by a general-purpose engine:

* no host access: an expression sees only the variables it is given (plain JSON-like
  values) and a fixed set of pure functions;
* bounded cost: sources are capped in length and nesting, every evaluation step and
  every value built (strings, lists, maps) is charged against a budget, and values
  are capped in size, so nested comprehensions cannot blow up time or memory;
* regular expressions (``matches``) run on RE2, CEL's own dialect: linear in the text,
  which is bounded too.

Supported: the CEL grammar (literals incl. triple-quoted, raw and bytes strings,
``?:``, ``||``, ``&&``, relations incl. ``in``, arithmetic, ``!``, unary ``-``,
selection, indexing, list and map literals, calls and receiver calls), the macros
``has``, ``all``, ``exists``, ``exists_one``, ``map``, ``filter``, the standard
functions (``size``, ``contains``, ``startsWith``, ``endsWith``, ``matches``, the
conversions ``int uint double string bool bytes dyn type``) and common string
extensions (``lowerAscii upperAscii trim split join replace indexOf substring``).
Not supported: protobuf messages, ``timestamp``/``duration``; ``uint`` values are
plain non-negative ints.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import linear_regex

MAX_SOURCE_LENGTH = 8192
MAX_DEPTH = 48
DEFAULT_BUDGET = 200_000
MAX_VALUE_SIZE = 1_000_000
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


class CelError(Exception):
    """A CEL source that does not parse (``position`` is a 0-based offset)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message if position is None else f"{message} (at offset {position})")
        self.message = message
        self.position = position


class CelEvaluationError(Exception):
    """An expression that failed while evaluating (no such key, bad types, over budget)."""


class CostExceeded(CelEvaluationError):
    pass


@dataclass(frozen=True)
class CelType:
    """A CEL type value, e.g. the result of ``type(1)`` or the identifier ``string``."""

    name: str


TYPES = {
    name: CelType(name)
    for name in ("int", "uint", "double", "string", "bool", "bytes", "list", "map", "null_type")
}
TYPES["type"] = CelType("type")


# --- tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*)
  | (?P<number>0[xX][0-9a-fA-F]+[uU]?
      | \d+\.\d*(?:[eE][+-]?\d+)? | \.\d+(?:[eE][+-]?\d+)? | \d+[eE][+-]?\d+
      | \d+[uU]?)
  | (?P<string>[rRbB]{0,2}(?:\"\"\"|'''|"|'))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\|\||&&|==|!=|<=|>=|[-+*/%!<>?:.,()\[\]{}])
    """,
    re.VERBOSE,
)
_RESERVED = {
    "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
    "loop", "package", "namespace", "return", "var", "void", "while",
}  # fmt: skip
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, bytes, ident, op, end
    value: Any
    position: int


def _read_string(source: str, start: int, prefix: str, quote: str) -> tuple[Any, int]:
    raw = "r" in prefix.lower()
    is_bytes = "b" in prefix.lower()
    position = start
    out: list[str] = []
    while True:
        if position >= len(source):
            raise CelError("unterminated string", start)
        if source.startswith(quote, position):
            position += len(quote)
            break
        char = source[position]
        if char == "\n" and len(quote) == 1:
            raise CelError("newline in a single-quoted string", position)
        if char == "\\" and not raw:
            position += 1
            if position >= len(source):
                raise CelError("unterminated string", start)
            escape = source[position]
            if escape in _ESCAPES:
                out.append(_ESCAPES[escape])
                position += 1
            elif escape in "\\'\"`?":
                out.append(escape)
                position += 1
            elif escape in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[escape]
                digits = source[position + 1 : position + 1 + width]
                if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise CelError("bad escape", position)
                out.append(chr(int(digits, 16)))
                position += 1 + width
            elif escape in "01234567":
                digits = source[position : position + 3]
                if len(digits) != 3 or not all(c in "01234567" for c in digits):
                    raise CelError("bad octal escape", position)
                out.append(chr(int(digits, 8)))
                position += 3
            else:
                raise CelError(f"unknown escape \\{escape}", position)
            continue
        out.append(char)
        position += 1
    text = "".join(out)
    return (text.encode("utf-8") if is_bytes else text), position


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise CelError(f"unexpected character {source[position]!r}", position)
        kind = match.lastgroup
        text = match.group()
        if kind == "space":
            position = match.end()
            continue
        if kind == "string":
            prefix = text.rstrip("'\"")
            quote = text[len(prefix) :]
            value, position = _read_string(source, match.end(), prefix, quote)
            tokens.append(
                _Token("bytes" if isinstance(value, bytes) else "string", value, match.start())
            )
            continue
        if kind == "number":
            tokens.append(_Token("number", _number(text, match.start()), match.start()))
        elif kind == "ident":
            if text in _RESERVED:
                raise CelError(f"reserved word {text!r}", match.start())
            tokens.append(_Token("ident", text, match.start()))
        else:
            tokens.append(_Token("op", text, match.start()))
        position = match.end()
    tokens.append(_Token("end", None, len(source)))
    return tokens


def _number(text: str, position: int) -> int | float:
    lowered = text.lower()
    if any(c in lowered for c in ".e") and not lowered.startswith("0x"):
        return float(text)
    unsigned = lowered.endswith("u")
    digits = lowered.rstrip("u")
    value = int(digits, 16) if digits.startswith("0x") else int(digits)
    if value > (2**64 - 1 if unsigned else INT_MAX + 1):
        raise CelError("integer literal out of range", position)
    return value


# --- syntax tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    position: int


@dataclass(frozen=True)
class Literal(Node):
    value: Any


@dataclass(frozen=True)
class Ident(Node):
    name: str


@dataclass(frozen=True)
class Select(Node):
    operand: Node
    field: str
    test_only: bool = False  # has(a.b)


@dataclass(frozen=True)
class Index(Node):
    operand: Node
    index: Node


@dataclass(frozen=True)
class Call(Node):
    function: str
    target: Node | None
    args: tuple[Node, ...]


@dataclass(frozen=True)
class ListLit(Node):
    elements: tuple[Node, ...]


@dataclass(frozen=True)
class MapLit(Node):
    entries: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True)
class Comprehension(Node):
    macro: str  # all, exists, exists_one, map, filter
    range: Node
    variable: str
    predicate: Node | None
    transform: Node | None


_MACROS = {"all": 2, "exists": 2, "exists_one": 2, "filter": 2, "map": (2, 3)}
_BINARY_PRECEDENCE = [
    ("||",),
    ("&&",),
    ("==", "!=", "<", "<=", ">", ">=", "in"),
    ("+", "-"),
    ("*", "/", "%"),
]


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, *ops: str) -> bool:
        token = self.token
        if token.kind == "op" and token.value in ops:
            return True
        return token.kind == "ident" and token.value in ops  # "in"

    def expect(self, op: str) -> _Token:
        if not self.at(op):
            raise CelError(f"expected {op!r}", self.token.position)
        return self.take()

    def parse(self) -> Node:
        node = self.expression()
        if self.token.kind != "end":
            raise CelError(f"unexpected {self.token.value!r}", self.token.position)
        return node

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise CelError("expression nested too deeply", self.token.position)
        condition = self.binary(0)
        if self.at("?"):
            position = self.take().position
            then = self.binary(0)
            self.expect(":")
            otherwise = self.expression()
            condition = Call(position, "_?_:_", None, (condition, then, otherwise))
        self.depth -= 1
        return condition

    def binary(self, level: int) -> Node:
        if level == len(_BINARY_PRECEDENCE):
            return self.unary()
        left = self.binary(level + 1)
        while self.at(*_BINARY_PRECEDENCE[level]):
            token = self.take()
            right = self.binary(level + 1)
            left = Call(token.position, token.value, None, (left, right))
        return left

    def unary(self) -> Node:
        if self.at("!", "-"):
            token = self.take()
            operand = self.unary()
            if token.value == "-" and isinstance(operand, Literal) and _is_number(operand.value):
                value = -operand.value
                if isinstance(value, int) and value < INT_MIN:
                    raise CelError("integer literal out of range", token.position)
                return Literal(token.position, value)
            return Call(token.position, "!_" if token.value == "!" else "-_", None, (operand,))
        return self.member()

    def member(self) -> Node:
        node = self.primary()
        while True:
            if self.at("."):
                self.take()
                name = self.take()
                if name.kind != "ident":
                    raise CelError("expected a field name", name.position)
                if self.at("("):
                    node = self.call(name.value, node, name.position)
                else:
                    node = Select(name.position, node, name.value)
            elif self.at("["):
                position = self.take().position
                index = self.expression()
                self.expect("]")
                node = Index(position, node, index)
            else:
                return node

    def arguments(self, close: str) -> list[Node]:
        args: list[Node] = []
        while not self.at(close):
            args.append(self.expression())
            if not self.at(close):
                self.expect(",")
        self.take()
        return args

    def call(self, name: str, target: Node | None, position: int) -> Node:
        self.expect("(")
        args = self.arguments(")")
        if name == "has" and target is None:
            if len(args) != 1 or not isinstance(args[0], Select):
                raise CelError("has() takes one field selection, e.g. has(a.b)", position)
            select = args[0]
            return Select(select.position, select.operand, select.field, test_only=True)
        if target is not None and name in _MACROS:
            arity = _MACROS[name]
            if len(args) in (arity if isinstance(arity, tuple) else (arity,)):
                variable = args[0]
                if not isinstance(variable, Ident):
                    raise CelError(f"{name}() needs a variable name first", position)
                if name == "map":
                    predicate = args[1] if len(args) == 3 else None
                    transform: Node | None = args[-1]
                else:
                    predicate, transform = args[1], None
                return Comprehension(position, name, target, variable.name, predicate, transform)
        return Call(position, name, target, tuple(args))

    def primary(self) -> Node:
        token = self.take()
        if token.kind in ("number", "string", "bytes"):
            return Literal(token.position, token.value)
        if token.kind == "ident":
            name = token.value
            if name in ("true", "false"):
                return Literal(token.position, name == "true")
            if name == "null":
                return Literal(token.position, None)
            if self.at("("):
                return self.call(name, None, token.position)
            return Ident(token.position, name)
        if token.kind == "op":
            if token.value == ".":  # a leading dot names the root scope
                name = self.take()
                if name.kind != "ident":
                    raise CelError("expected an identifier", name.position)
                return Ident(name.position, name.value)
            if token.value == "(":
                node = self.expression()
                self.expect(")")
                return node
            if token.value == "[":
                return ListLit(token.position, tuple(self.arguments("]")))
            if token.value == "{":
                entries: list[tuple[Node, Node]] = []
                while not self.at("}"):
                    key = self.expression()
                    self.expect(":")
                    entries.append((key, self.expression()))
                    if not self.at("}"):
                        self.expect(",")
                self.take()
                return MapLit(token.position, tuple(entries))
        if token.kind == "end":
            raise CelError("unexpected end of expression", token.position)
        raise CelError(f"unexpected {token.value!r}", token.position)


# --- evaluation --------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def type_name(value: Any) -> str:
    if value is None:
        return "null_type"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, CelType):
        return "type"
    return type(value).__name__


def _check_int(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise CelEvaluationError("integer overflow")
    return value


def _equal(left: Any, right: Any) -> bool:
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if type_name(left) != type_name(right):
        return False
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(
            _equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, Mapping):
        return left.keys() == right.keys() and all(_equal(left[k], right[k]) for k in left)
    return bool(left == right)


def _compare(op: str, left: Any, right: Any) -> bool:
    comparable = (_is_number(left) and _is_number(right)) or (
        type_name(left) == type_name(right) and type_name(left) in ("string", "bytes", "bool")
    )
    if not comparable:
        raise CelEvaluationError(f"no such overload: {type_name(left)} {op} {type_name(right)}")
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _matches(text: Any, pattern: Any) -> bool:
    """RE2 semantics, as CEL specifies: linear time, so no pattern or text can stall."""
    try:
        return linear_regex.search(_want(str, pattern, "matches"), _want(str, text, "matches"))
    except linear_regex.RegexError as error:
        raise CelEvaluationError(str(error)) from None


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CelEvaluationError("no such overload: int(bool)")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CelEvaluationError("int() of a non-finite double")
        return _check_int(int(value))
    if isinstance(value, str):
        try:
            return _check_int(int(value, 10))
        except ValueError:
            raise CelEvaluationError(f"cannot convert {value!r} to int") from None
    raise CelEvaluationError(f"no such overload: int({type_name(value)})")


def _to_double(value: Any) -> float:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise CelEvaluationError(f"cannot convert {value!r} to double") from None
    raise CelEvaluationError(f"no such overload: double({type_name(value)})")


def _to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value).replace("inf", "Infinity")
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise CelEvaluationError("bytes are not valid UTF-8") from None
    if isinstance(value, CelType):
        return value.name
    raise CelEvaluationError(f"no such overload: string({type_name(value)})")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "True", "TRUE", "t", "1"):
        return True
    if isinstance(value, str) and value in ("false", "False", "FALSE", "f", "0"):
        return False
    raise CelEvaluationError(f"cannot convert {value!r} to bool")


def _uint(value: Any) -> int:
    result = _to_int(value) if not isinstance(value, float) else int(value)
    if result < 0 or result > 2**64 - 1:
        raise CelEvaluationError("uint out of range")
    return result


def _size(value: Any) -> int:
    if isinstance(value, str | bytes | list | tuple | Mapping):
        return len(value)
    raise CelEvaluationError(f"no such overload: size({type_name(value)})")


def _want(kind: Any, value: Any, function: str) -> Any:
    """``value`` if it is a ``kind`` (a bool never passes for an int), else a CEL error."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise CelEvaluationError(f"no such overload: {function}({type_name(value)})")
    return value


def _substring(text: Any, start: Any, end: Any = None) -> str:
    text = _want(str, text, "substring")
    begin = _want(int, start, "substring")
    stop = len(text) if end is None else _want(int, end, "substring")
    if not 0 <= begin <= stop <= len(text):
        raise CelEvaluationError("substring index out of range")
    return str(text[begin:stop])


def _join(items: Any, separator: Any = "") -> str:
    parts = _want(list | tuple, items, "join")
    if not all(isinstance(part, str) for part in parts):
        raise CelEvaluationError("join() needs a list of strings")
    return str(_want(str, separator, "join")).join(parts)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "size": _size,
    "int": _to_int,
    "uint": _uint,
    "double": _to_double,
    "string": _to_string,
    "bool": _to_bool,
    "bytes": lambda v: v if isinstance(v, bytes) else _want(str, v, "bytes").encode("utf-8"),
    "dyn": lambda v: v,
    "type": lambda v: TYPES.get(type_name(v), CelType(type_name(v))),
}
_METHODS: dict[str, Callable[..., Any]] = {
    "size": _size,
    "contains": lambda s, t: _want(str, t, "contains") in _want(str, s, "contains"),
    "startsWith": lambda s, t: _want(str, s, "startsWith").startswith(_want(str, t, "startsWith")),
    "endsWith": lambda s, t: _want(str, s, "endsWith").endswith(_want(str, t, "endsWith")),
    "matches": _matches,
    "lowerAscii": lambda s: "".join(
        c.lower() if c.isascii() else c for c in _want(str, s, "lowerAscii")
    ),
    "upperAscii": lambda s: "".join(
        c.upper() if c.isascii() else c for c in _want(str, s, "upperAscii")
    ),
    "trim": lambda s: _want(str, s, "trim").strip(),
    "split": lambda s, sep: (
        _want(str, s, "split").split(_want(str, sep, "split")) if sep else list(s)
    ),
    "join": _join,
    "replace": lambda s, old, new: _want(str, s, "replace").replace(
        _want(str, old, "replace"), _want(str, new, "replace")
    ),
    "indexOf": lambda s, t: _want(str, s, "indexOf").find(_want(str, t, "indexOf")),
    "substring": _substring,
}
_FUNCTIONS["matches"] = _METHODS["matches"]  # CEL allows both matches(s, re) and s.matches(re)


@dataclass
class _Run:
    budget: int
    spent: int = 0

    def charge(self, units: int) -> None:
        self.spent += units
        if self.spent > self.budget:
            raise CostExceeded(f"expression exceeded its cost budget of {self.budget}")

    def sized(self, value: Any) -> Any:
        size = len(value) if isinstance(value, str | bytes | list | tuple | Mapping) else 1
        if size > MAX_VALUE_SIZE:
            raise CostExceeded(f"expression built a value larger than {MAX_VALUE_SIZE}")
        self.charge(size // 16)
        return value


class _Error:
    """An evaluation error carried as a value, so ``&&``/``||`` can absorb it (CEL rules)."""

    def __init__(self, error: CelEvaluationError) -> None:
        self.error = error


def _evaluate(node: Node, scope: Mapping[str, Any], run: _Run) -> Any:
    run.charge(1)
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ident):
        if node.name in scope:
            return scope[node.name]
        if node.name in TYPES:
            return TYPES[node.name]
        raise CelEvaluationError(f"undeclared reference to {node.name!r}")
    if isinstance(node, Select):
        operand = _evaluate(node.operand, scope, run)
        if not isinstance(operand, Mapping):
            if node.test_only:
                raise CelEvaluationError(f"has() on a {type_name(operand)}")
            raise CelEvaluationError(f"no such field {node.field!r} on a {type_name(operand)}")
        if node.test_only:
            return node.field in operand
        if node.field not in operand:
            raise CelEvaluationError(f"no such key: {node.field!r}")
        return operand[node.field]
    if isinstance(node, Index):
        return _index(_evaluate(node.operand, scope, run), _evaluate(node.index, scope, run))
    if isinstance(node, ListLit):
        return run.sized([_evaluate(element, scope, run) for element in node.elements])
    if isinstance(node, MapLit):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.entries:
            key = _evaluate(key_node, scope, run)
            if not isinstance(key, str | int | bool) or isinstance(key, float):
                raise CelEvaluationError(f"unsupported map key type {type_name(key)}")
            if key in result:
                raise CelEvaluationError(f"repeated map key {key!r}")
            result[key] = _evaluate(value_node, scope, run)
        return run.sized(result)
    if isinstance(node, Comprehension):
        return _comprehension(node, scope, run)
    assert isinstance(node, Call)
    return _call(node, scope, run)


def _index(operand: Any, index: Any) -> Any:
    if isinstance(operand, list | tuple):
        if isinstance(index, float) and index.is_integer():
            index = int(index)
        if not isinstance(index, int) or isinstance(index, bool):
            raise CelEvaluationError(f"list index must be an int, not {type_name(index)}")
        if not 0 <= index < len(operand):
            raise CelEvaluationError(f"index {index} out of range")
        return operand[index]
    if isinstance(operand, Mapping):
        if index not in operand or isinstance(index, float):
            raise CelEvaluationError(f"no such key: {index!r}")
        return operand[index]
    raise CelEvaluationError(f"cannot index a {type_name(operand)}")


def _iterate(value: Any) -> Iterator[Any]:
    if isinstance(value, list | tuple):
        return iter(value)
    if isinstance(value, Mapping):
        return iter(list(value.keys()))
    raise CelEvaluationError(f"cannot iterate over a {type_name(value)}")


def _comprehension(node: Comprehension, scope: Mapping[str, Any], run: _Run) -> Any:
    source = _evaluate(node.range, scope, run)
    inner = dict(scope)

    def test(element: Any) -> bool | _Error:
        inner[node.variable] = element
        assert node.predicate is not None
        try:
            value = _evaluate(node.predicate, inner, run)
        except CostExceeded:
            raise
        except CelEvaluationError as error:
            return _Error(error)
        if not isinstance(value, bool):
            return _Error(CelEvaluationError(f"{node.macro}() predicate is not a bool"))
        return value

    if node.macro in ("all", "exists"):
        decisive = node.macro == "exists"
        error: _Error | None = None
        for element in _iterate(source):
            outcome = test(element)
            if isinstance(outcome, _Error):
                error = error or outcome
            elif outcome is decisive:
                return decisive
        if error is not None:
            raise error.error
        return not decisive
    if node.macro == "exists_one":
        count = 0
        for element in _iterate(source):
            outcome = test(element)
            if isinstance(outcome, _Error):
                raise outcome.error
            count += outcome
        return count == 1
    results: list[Any] = []
    for element in _iterate(source):
        if node.predicate is not None:
            outcome = test(element)
            if isinstance(outcome, _Error):
                raise outcome.error
            if not outcome:
                continue
        if node.macro == "filter":
            results.append(element)
        else:
            inner[node.variable] = element
            assert node.transform is not None
            results.append(_evaluate(node.transform, inner, run))
        run.sized(results)
    return results


def _logical(node: Call, scope: Mapping[str, Any], run: _Run) -> bool:
    decisive = node.function == "||"
    first_error: CelEvaluationError | None = None
    for operand in node.args:
        try:
            value = _evaluate(operand, scope, run)
        except CostExceeded:
            raise
        except CelEvaluationError as error:
            first_error = first_error or error
            continue
        if not isinstance(value, bool):
            first_error = first_error or CelEvaluationError(
                f"no such overload: {type_name(value)} {node.function} ..."
            )
            continue
        if value is decisive:
            return decisive
    if first_error is not None:
        raise first_error
    return not decisive


def _call(node: Call, scope: Mapping[str, Any], run: _Run) -> Any:
    name = node.function
    if name in ("&&", "||"):
        return _logical(node, scope, run)
    if name == "_?_:_":
        condition = _evaluate(node.args[0], scope, run)
        if not isinstance(condition, bool):
            raise CelEvaluationError(f"condition is a {type_name(condition)}, not a bool")
        return _evaluate(node.args[1] if condition else node.args[2], scope, run)
    args = [_evaluate(arg, scope, run) for arg in node.args]
    if node.target is not None:
        target = _evaluate(node.target, scope, run)
        method = _METHODS.get(name)
        if method is None:
            raise CelEvaluationError(f"unknown function {name}()")
        return run.sized(_apply(method, name, [target, *args]))
    if name in _OPERATORS:
        return run.sized(_OPERATORS[name](*args))
    function = _FUNCTIONS.get(name)
    if function is None:
        raise CelEvaluationError(f"unknown function {name}()")
    return run.sized(_apply(function, name, args))


def _apply(function: Callable[..., Any], name: str, args: Sequence[Any]) -> Any:
    try:
        return function(*args)
    except TypeError:
        raise CelEvaluationError(f"no such overload: {name} with {len(args)} argument(s)") from None


def _add(left: Any, right: Any) -> Any:
    if _is_number(left) and _is_number(right) and type(left) is type(right):
        return _check_int(left + right) if isinstance(left, int) else left + right
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, bytes) and isinstance(right, bytes):
        return left + right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return [*left, *right]
    raise CelEvaluationError(f"no such overload: {type_name(left)} + {type_name(right)}")


def _arith(op: str) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        if not (_is_number(left) and _is_number(right) and type(left) is type(right)):
            raise CelEvaluationError(f"no such overload: {type_name(left)} {op} {type_name(right)}")
        if isinstance(left, float):
            if op == "%":
                raise CelEvaluationError("no such overload: double % double")
            if op == "/":
                return (
                    left / right
                    if right
                    else math.copysign(math.inf, left) * (1 if left else math.nan)
                )
            return left - right if op == "-" else left * right
        if op in ("/", "%") and right == 0:
            raise CelEvaluationError("division by zero" if op == "/" else "modulus by zero")
        if op == "/":
            return _check_int(abs(left) // abs(right) * (1 if (left < 0) == (right < 0) else -1))
        if op == "%":
            return int(math.fmod(left, right))
        return _check_int(left - right if op == "-" else left * right)

    return apply


def _negate(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return _check_int(-value)
    if isinstance(value, float):
        return -value
    raise CelEvaluationError(f"no such overload: -{type_name(value)}")


def _not(value: Any) -> bool:
    if not isinstance(value, bool):
        raise CelEvaluationError(f"no such overload: !{type_name(value)}")
    return not value


def _in(element: Any, container: Any) -> bool:
    if isinstance(container, list | tuple):
        return any(_equal(element, candidate) for candidate in container)
    if isinstance(container, Mapping):
        return any(_equal(element, key) for key in container)
    raise CelEvaluationError(f"no such overload: {type_name(element)} in {type_name(container)}")


_OPERATORS: dict[str, Callable[..., Any]] = {
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "<": lambda a, b: _compare("<", a, b),
    "<=": lambda a, b: _compare("<=", a, b),
    ">": lambda a, b: _compare(">", a, b),
    ">=": lambda a, b: _compare(">=", a, b),
    "in": _in,
    "+": _add,
    "-": _arith("-"),
    "*": _arith("*"),
    "/": _arith("/"),
    "%": _arith("%"),
    "-_": _negate,
    "!_": _not,
}


# --- public API --------------------------------------------------------------------------


@dataclass(frozen=True)
class Program:
    """A parsed expression; evaluate it as often as needed."""

    source: str
    root: Node
    references: frozenset[tuple[str, ...]] = field(default=frozenset())

    @property
    def variables(self) -> frozenset[str]:
        """The free variables the expression reads (``state``, ``input``, ...)."""
        return frozenset(path[0] for path in self.references)

    def evaluate(self, variables: Mapping[str, Any], *, budget: int = DEFAULT_BUDGET) -> Any:
        """The value of the expression; :class:`CelEvaluationError` if it fails."""
        try:
            return _evaluate(self.root, variables, _Run(budget))
        except RecursionError:
            raise CelEvaluationError("expression nested too deeply") from None


def _references(node: Node, bound: frozenset[str]) -> Iterator[tuple[str, ...]]:
    """Free variable paths such as ``("state", "plan")`` (up to the first two names)."""
    if isinstance(node, Ident):
        if node.name not in bound and node.name not in TYPES:
            yield (node.name,)
        return
    if isinstance(node, Select) and isinstance(node.operand, Ident):
        if node.operand.name not in bound and node.operand.name not in TYPES:
            yield (node.operand.name, node.field)
        return
    if isinstance(node, Comprehension):
        yield from _references(node.range, bound)
        for part in (node.predicate, node.transform):
            if part is not None:
                yield from _references(part, bound | {node.variable})
        return
    children: list[Node] = []
    if isinstance(node, Select):
        children = [node.operand]
    elif isinstance(node, Index):
        children = [node.operand, node.index]
    elif isinstance(node, Call):
        children = [*([node.target] if node.target else []), *node.args]
    elif isinstance(node, ListLit):
        children = list(node.elements)
    elif isinstance(node, MapLit):
        children = [part for entry in node.entries for part in entry]
    for child in children:
        yield from _references(child, bound)


def compile(source: str) -> Program:
    """Parse ``source``; :class:`CelError` names what is wrong and where."""
    if not isinstance(source, str):
        raise CelError(f"an expression must be a string, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        raise CelError(f"expression longer than {MAX_SOURCE_LENGTH} characters")
    if not source.strip():
        raise CelError("empty expression")
    try:
        root = _Parser(source).parse()
    except RecursionError:
        raise CelError("expression nested too deeply") from None
    return Program(source, root, frozenset(_references(root, frozenset())))


def evaluate(source: str, variables: Mapping[str, Any] | None = None) -> Any:
    """Compile and evaluate in one step (for one-off expressions)."""
    return compile(source).evaluate(variables or {})


__all__ = [
    "DEFAULT_BUDGET",
    "CelError",
    "CelEvaluationError",
    "CelType",
    "CostExceeded",
    "Program",
    "compile",
    "evaluate",
]
