"""The CEL interpreter: the language as workflows use it, its errors, and its limits."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatloom.hosted import cel, linear_regex
from chatloom.hosted.cel import CelError, CelEvaluationError, CostExceeded

VARS = {
    "workflow": {"input_as_text": "I want a refund for order 42"},
    "state": {"plan": "pro", "tries": 2, "tags": ["a", "b"]},
    "input": {"output_text": "ok", "output_parsed": {"kind": "refund", "score": 0.9}},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('input.output_parsed.kind == "refund"', True),
        ("state.tries + 1", 3),
        ("state.tries < 3 && state.plan == 'pro'", True),
        ("'refund' in workflow.input_as_text.split(' ')", True),
        ("workflow.input_as_text.contains('refund')", True),
        ("size(state.tags)", 2),
        ("state.tags.size()", 2),
        ('{"result": state.tries * 2, "plan": state.plan}', {"result": 4, "plan": "pro"}),
        ("[1, 2, 3].map(x, x * x)", [1, 4, 9]),
        ("[1, 2, 3, 4].filter(x, x % 2 == 0)", [2, 4]),
        ("[1, 2, 3].map(x, x > 1, x * 10)", [20, 30]),
        ("[1, 2, 3].all(x, x > 0)", True),
        ("[1, 2, 3].exists(x, x == 2)", True),
        ("[1, 2, 3].exists_one(x, x > 2)", True),
        ("has(input.output_parsed.kind)", True),
        ("has(input.output_parsed.missing)", False),
        ("state.tries > 5 ? 'many' : 'few'", "few"),
        ('"\\"gpt-5\\""', '"gpt-5"'),
        ("'gpt-5'", "gpt-5"),
        ("r'a\\nb'", "a\\nb"),
        ('"""multi\nline"""', "multi\nline"),
        ("1 == 1.0", True),
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("-7 % 3", -1),
        ("7.0 / 2.0", 3.5),
        ("0x10 + 1", 17),
        ("int('12') + int(2.9)", 14),
        ("string(3) + 'x'", "3x"),
        ("double(1) / 4.0", 0.25),
        ("type(1) == int", True),
        ("type('a') == string", True),
        ("'Hello'.lowerAscii()", "hello"),
        ("['a', 'b'].join('-')", "a-b"),
        ("'abcdef'.substring(1, 3)", "bc"),
        ("'abc'.matches('^a.c$')", True),
        ("{'a': 1}['a']", 1),
        ("'a' in {'a': 1}", True),
        ("null == null", True),
        ("[1, [2]] == [1, [2]]", True),
        ("b'abc' == b'abc'", True),
        ("!false", True),
        ("-(3)", -3),
        ("state.tags[1]", "b"),
        # Error absorption: false && error is false, true || error is true.
        ("false && state.missing", False),
        ("true || state.missing", True),
    ],
)
def test_expressions(source: str, expected: object) -> None:
    assert cel.compile(source).evaluate(VARS) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("state.missing", "no such key"),
        ("nope", "undeclared reference"),
        ("1 + 'a'", "no such overload"),
        ("1 / 0", "division by zero"),
        ("9223372036854775807 + 1", "overflow"),
        ("[1][3]", "out of range"),
        ("'a' < 1", "no such overload"),
        ("foo(1)", "unknown function"),
        ("1 ? 2 : 3", "not a bool"),
        ("'aaaa'.matches('(a)\\\\1')", "invalid regular expression"),
        ("'aaaa'.matches('(?=a)')", "invalid regular expression"),
        ("'a'.matches('a' * 2)", "no such overload"),
        ("state.plan.frobnicate()", "unknown function"),
    ],
)
def test_evaluation_errors(source: str, message: str) -> None:
    with pytest.raises(CelEvaluationError, match=message):
        cel.compile(source).evaluate(VARS)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 +", "unexpected end"),
        ("(1", r"expected '\)'"),
        ("'open", "unterminated string"),
        ("a.b.", "field name"),
        ("has(a)", r"has\(\)"),
        ("1 $ 2", "unexpected character"),
        ("if", "reserved word"),
        ("", "empty"),
        ("[" * 200 + "]" * 200, "nested too deeply"),
        ("x" * 9000, "longer than"),
    ],
)
def test_syntax_errors(source: str, message: str) -> None:
    with pytest.raises(CelError, match=message):
        cel.compile(source)


def test_syntax_error_names_the_offset() -> None:
    with pytest.raises(CelError) as caught:
        cel.compile("state.a == ")
    assert caught.value.position == 11


def test_references_list_free_variables_and_their_first_field() -> None:
    program = cel.compile('state.plan == "pro" && input.output_parsed.kind in [1].map(x, x)')
    assert program.variables == {"state", "input"}
    assert ("state", "plan") in program.references
    assert ("input", "output_parsed") in program.references
    assert all(path[0] != "x" for path in program.references)


def test_exponential_growth_is_stopped_by_the_budget() -> None:
    # Each level doubles the string: 2**40 characters if nothing stopped it.
    source = "['ab']" + "".join(f".map(v{i}, v{i} + v{i})" for i in range(40))
    program = cel.compile(source)
    with pytest.raises(CostExceeded):  # the cost budget stops it, not a clock
        program.evaluate({})


def test_nested_comprehensions_are_bounded_by_cost() -> None:
    # 27 million steps if it ran to the end; the cost budget stops it long before (the
    # server-level guarantee, /healthz answering meanwhile, is tests/hosted/test_stalls.py).
    items = "[" + ",".join(["1"] * 300) + "]"
    source = f"{items}.all(a, {items}.all(b, {items}.all(c, a + b + c > 0)))"
    with pytest.raises(CostExceeded):
        cel.compile(source).evaluate({})


def test_no_host_access() -> None:
    # Python attributes are not CEL fields, and only mappings can be selected into.
    with pytest.raises(CelEvaluationError):
        cel.compile("state.__class__").evaluate({"state": "text"})
    with pytest.raises(CelEvaluationError, match="undeclared"):
        cel.compile("__import__").evaluate({})


@pytest.mark.parametrize("pattern", ["^((a+))+$", "^(a|a)*$", "^(a|aa)+$", "(a*)*b", "(x+x+)+y"])
def test_backtracking_patterns_are_answered_by_re2(pattern: str) -> None:
    # Python's re needs exponential time for these on 64 KiB of "a"; RE2 is linear.
    variables = {"workflow": {"input_as_text": "a" * 65536 + "!"}}
    source = f"workflow.input_as_text.matches({pattern!r})"
    assert cel.compile(source).evaluate(variables) is False


def test_matches_refuses_to_scan_more_than_its_limit() -> None:
    text = "a" * (linear_regex.MAX_TEXT_LENGTH + 1)
    with pytest.raises(CelEvaluationError, match="cannot be matched"):
        cel.compile("workflow.input_as_text.matches('b')").evaluate(
            {"workflow": {"input_as_text": text}}
        )


# --- fuzzing: any source, any input is a value or a CEL error; never a hang or a crash ----

_ATOMS = st.sampled_from(
    ["1", "-3", "2.5", "true", "null", "'a'", "b'x'", "[1, 'a']", "{'k': 1}", "state.plan",
     "state.tags", "workflow.input_as_text", "input", "x", "'(a|aa)+$'", "'a+'", "'['"]
)  # fmt: skip
_OPERATORS = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "in"])
_METHODS = st.sampled_from(
    ["size()", "contains('a')", "matches('((a+))+$')", "matches(state.plan)", "split('a')",
     "map(x, x + x)", "filter(x, x)", "all(x, x > 0)", "exists(x, x == 1)", "lowerAscii()",
     "join(',')", "replace('a', 'aa')", "substring(1)", "indexOf('a')"]
)  # fmt: skip


@st.composite
def _sources(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        return draw(_ATOMS)
    kind = draw(st.integers(0, 4))
    left = draw(_sources(depth + 1))
    if kind == 0:
        return f"({left} {draw(_OPERATORS)} {draw(_sources(depth + 1))})"
    if kind == 1:
        return f"{left}.{draw(_METHODS)}"
    if kind == 2:
        return f"({left} ? {draw(_sources(depth + 1))} : {draw(_sources(depth + 1))})"
    if kind == 3:
        return f"[{left}, {draw(_sources(depth + 1))}][{draw(st.integers(-1, 2))}]"
    return f"!{left}"


_ANY_SOURCE = st.one_of(_sources(), st.text(max_size=60))
_TEXT = st.text(alphabet="a.@!(", max_size=4000)


@settings(max_examples=300, deadline=timedelta(seconds=10), suppress_health_check=list(HealthCheck))
@given(source=_ANY_SOURCE, text=_TEXT)
def test_any_expression_is_a_value_or_a_cel_error(source: str, text: str) -> None:
    variables = {
        **VARS,
        "workflow": {"input_as_text": text},
        "state": {"plan": text[:30], "tags": [text]},
    }
    try:
        program = cel.compile(source)
    except CelError:
        return
    with contextlib.suppress(CelEvaluationError):
        program.evaluate(variables)
