"""Structured output validation: JSON Schema 2020-12 through jsonschema, regexes on RE2."""

from __future__ import annotations

from typing import Any

import pytest

from chatloom.hosted.schemas import (
    MAX_SCHEMA_DEPTH,
    SchemaRefused,
    check_schema,
    schema_problems,
)

ORDER: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 99},
        "ship": {"anyOf": [{"$ref": "#/$defs/address"}, {"const": "pickup"}]},
        "tags": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
    },
    "required": ["sku", "quantity", "ship"],
    "additionalProperties": False,
    "$defs": {
        "address": {
            "type": "object",
            "properties": {"city": {"type": "string", "minLength": 2}},
            "required": ["city"],
        }
    },
}


def test_a_valid_value_has_no_problems() -> None:
    value = {"sku": "ABC-1234", "quantity": 2, "ship": {"city": "Oslo"}, "tags": {"x-a": "1"}}
    assert schema_problems(value, ORDER) == []
    assert schema_problems({"sku": "ABC-1234", "quantity": 2, "ship": "pickup"}, ORDER) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"sku": "abc", "quantity": 2, "ship": "pickup"}, "$.sku: 'abc' does not match"),
        ({"sku": "ABC-1234", "quantity": 0, "ship": "pickup"}, "$.quantity: 0 is less than"),
        ({"sku": "ABC-1234", "quantity": 2, "ship": {"city": "O"}}, "$.ship: {'city': 'O'} is not valid under any"),
        ({"sku": "ABC-1234", "quantity": 2, "ship": "pickup", "x": 1}, "$: Additional properties"),
        ({"sku": "ABC-1234", "quantity": 2, "ship": "pickup", "tags": {"x-a": 1}}, "$.tags.x-a: 1 is not of type"),
        ({"quantity": 2, "ship": "pickup"}, "$: 'sku' is a required property"),
    ],
)  # fmt: skip
def test_what_the_hand_written_subset_let_through_is_caught(value: Any, problem: str) -> None:
    problems = schema_problems(value, ORDER)
    assert any(p.startswith(problem) for p in problems), problems


def test_patterns_run_on_re2_so_model_output_cannot_stall_them() -> None:
    schema = {"type": "string", "pattern": "^(a|aa)+$"}
    keys = {"type": "object", "patternProperties": {"^(a|a)*$": {}}, "additionalProperties": False}
    # Exponential for Python's re; linear for RE2.
    assert schema_problems("a" * 50_000 + "!", schema)[0].endswith("…")
    [problem] = schema_problems({"a" * 50_000 + "!": 1}, keys)
    assert problem.startswith("$: Additional properties are not allowed")


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "strin"}, "invalid JSON schema"),
        ({"type": "string", "pattern": "(?=a)"}, "RE2 syntax"),
        ({"patternProperties": {"(a)\\1": {}}}, "RE2 syntax"),
        ({"unevaluatedProperties": False, "patternProperties": {"a": {}}}, "not supported"),
        ({"description": "x" * 70_000}, "longer than"),
    ],
)
def test_unusable_schemas_are_refused(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaRefused, match=message):
        check_schema(schema)


def test_deep_schemas_are_refused() -> None:
    schema: dict[str, Any] = {"type": "object"}
    for _ in range(MAX_SCHEMA_DEPTH):
        schema = {"type": "object", "properties": {"a": schema}}
    with pytest.raises(SchemaRefused, match="deeper"):
        check_schema(schema)


def test_references_stay_inside_the_schema() -> None:
    with pytest.raises(SchemaRefused, match="only references inside"):
        check_schema({"$ref": "http://127.0.0.1:9/schema.json"})
    with pytest.raises(SchemaRefused, match="unresolvable"):
        schema_problems({}, {"$ref": "#/$defs/missing"})
