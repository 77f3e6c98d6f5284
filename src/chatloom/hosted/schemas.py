"""JSON Schema (2020-12) for structured output: a real validator, bounded, regexes on RE2.

``jsonschema`` does the validating (``$ref``, ``anyOf``, ``pattern``, ``minimum``…, all
of the vocabulary; references never leave the schema: nothing is fetched). Its regex
keywords would run Python's backtracking ``re`` on model output, so ``pattern``,
``patternProperties`` and ``additionalProperties`` are re-bound to RE2 here, and a
schema that needs ``re`` elsewhere (``unevaluatedProperties`` over ``patternProperties``)
is refused. Schemas come from workflow authors: their size and depth are bounded, and
they are checked when the workflow loads.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import SchemaError
from referencing.exceptions import Unresolvable

from . import linear_regex

MAX_SCHEMA_CHARS = 65_536
MAX_SCHEMA_DEPTH = 32
MAX_MESSAGE_CHARS = 300


class SchemaRefused(ValueError):
    """A schema that is invalid, too big, too deep, or uses what cannot run safely."""


def _matches(pattern: str, text: str) -> bool:
    try:
        return linear_regex.search(pattern, text)
    except linear_regex.RegexError as error:
        raise SchemaRefused(str(error)) from None


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if _matches(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _additional_properties(
    validator: Any, additional: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    extras = [
        name
        for name in instance
        if name not in properties and not any(_matches(p, name) for p in patterns)
    ]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif additional is False and extras:
        names = ", ".join(repr(name) for name in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({names} unexpected)")


_Linear = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    },
)


def _walk(node: Any, depth: int = 0) -> Iterator[tuple[Any, int]]:
    yield node, depth
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from _walk(child, depth + 1)


def check_schema(schema: Mapping[str, Any]) -> None:
    """Refuse (:class:`SchemaRefused`) what the validator could not use safely."""
    if len(json.dumps(schema)) > MAX_SCHEMA_CHARS:
        raise SchemaRefused(f"the schema is longer than {MAX_SCHEMA_CHARS} characters")
    if max(depth for _node, depth in _walk(schema)) > MAX_SCHEMA_DEPTH:
        raise SchemaRefused(f"the schema is nested deeper than {MAX_SCHEMA_DEPTH} levels")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        raise SchemaRefused(f"invalid JSON schema: {error.message}") from None
    subschemas = [node for node, _depth in _walk(schema) if isinstance(node, dict)]
    patterns = [node["pattern"] for node in subschemas if isinstance(node.get("pattern"), str)]
    patterns += [p for node in subschemas for p in node.get("patternProperties") or {}]
    try:
        for pattern in patterns:
            linear_regex.compile_pattern(pattern)
    except linear_regex.RegexError as error:
        raise SchemaRefused(f"{error} (patterns use RE2 syntax)") from None
    references = [node.get(k) for node in subschemas for k in ("$ref", "$dynamicRef") if k in node]
    if any(not (isinstance(ref, str) and ref.startswith("#")) for ref in references):
        raise SchemaRefused("only references inside the schema (#…) are allowed")
    uses = {key for node in subschemas for key in node}
    if {"unevaluatedProperties", "patternProperties"} <= uses:
        raise SchemaRefused(
            "unevaluatedProperties together with patternProperties is not supported"
        )


@functools.lru_cache(maxsize=256)
def _validator(source: str) -> Any:
    schema = json.loads(source)
    check_schema(schema)
    return _Linear(schema)


def schema_problems(value: Any, schema: Mapping[str, Any], limit: int = 5) -> list[str]:
    """What keeps ``value`` from matching ``schema`` (at most ``limit`` findings)."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    problems: list[str] = []
    try:
        for error in validator.iter_errors(value):
            where = "$" + "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.path
            )
            message = error.message
            if len(message) > MAX_MESSAGE_CHARS:  # messages quote the (model's) value
                message = message[:MAX_MESSAGE_CHARS] + "…"
            problems.append(f"{where}: {message}")
            if len(problems) >= limit:
                break
    except RecursionError:
        raise SchemaRefused("the schema refers to itself without end") from None
    except Unresolvable as error:
        raise SchemaRefused(f"unresolvable reference: {error}") from None
    return problems


__all__ = [
    "MAX_SCHEMA_CHARS",
    "MAX_SCHEMA_DEPTH",
    "SchemaRefused",
    "check_schema",
    "schema_problems",
]
