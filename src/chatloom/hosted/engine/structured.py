"""JSON answers from any chat model: classification, guardrail checks, structured output.

The provider interface streams text, so the schema goes into the instructions, the
reply is parsed and validated against the schema (:mod:`..schemas`: JSON Schema
2020-12), and a reply that does not fit is sent
back once with what was wrong. Small local models often answer with plain text: for a
schema with a single string field, that text is taken as the field's value.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from ...agents.providers.base import ModelProvider, ModelRequest, TextDelta
from ..schemas import SchemaRefused, schema_problems
from .offload import OverBudget, off_loop


class StructuredOutputError(Exception):
    """The model did not produce JSON matching the schema."""


def _parse(text: str) -> Any:
    """The JSON in a reply, tolerating code fences and text around one object."""
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        return json.loads(text)
    except ValueError:
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(text[start : end + 1])
            except ValueError:
                pass
    raise StructuredOutputError("the reply is not JSON")


def _single_string_field(schema: Mapping[str, Any]) -> str | None:
    properties = schema.get("properties") or {}
    if schema.get("type") == "object" and len(properties) == 1:
        ((name, field),) = properties.items()
        if isinstance(field, Mapping) and field.get("type") == "string" and "enum" not in field:
            return str(name)
    return None


async def complete(provider: ModelProvider, request: ModelRequest) -> str:
    text = ""
    async for event in provider.stream(request):
        if isinstance(event, TextDelta):
            text += event.text
    return text


async def ask_json(
    provider: ModelProvider,
    *,
    instructions: str,
    messages: list[dict[str, Any]],
    schema: Mapping[str, Any],
    model: str | None = None,
    temperature: float | None = 0.0,
    max_tokens: int | None = None,
    top_p: float | None = None,
    reasoning_effort: str | None = None,
) -> tuple[Any, str]:
    """The parsed answer and its raw text; :class:`StructuredOutputError` if it never fits."""
    system = (
        f"{instructions}\n\nAnswer with a single JSON value, and nothing else, that matches "
        f"this JSON schema:\n{json.dumps(schema)}"
    ).strip()
    conversation: list[dict[str, Any]] = [{"role": "system", "content": system}, *messages]
    problem = ""
    for _attempt in range(2):
        request = ModelRequest(
            messages=conversation,
            model=model,
            temperature=temperature,
            max_tokens=max_tokens,
            top_p=top_p,
            reasoning_effort=reasoning_effort,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": dict(schema), "strict": False},
            },
        )
        text = await complete(provider, request)
        try:
            value = _parse(text)
        except StructuredOutputError:
            field = _single_string_field(schema)
            if field is not None and text.strip():
                return {field: text.strip()}, text
            problem = "The reply was not JSON."
        else:
            try:  # off the event loop: the value is the model's, as big as it made it
                problems = await off_loop(functools.partial(schema_problems, value, schema))
            except (SchemaRefused, OverBudget) as error:
                raise StructuredOutputError(f"the schema cannot be used: {error}") from None
            if not problems:
                return value, text
            problem = "The JSON does not match the schema: " + "; ".join(problems)
        conversation += [
            {"role": "assistant", "content": text},
            {"role": "user", "content": f"{problem} Answer again with only the JSON."},
        ]
    raise StructuredOutputError(problem)


__all__ = ["StructuredOutputError", "ask_json", "complete"]
