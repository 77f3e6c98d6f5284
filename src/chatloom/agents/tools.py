"""Function tools declared from Python type hints.

``@function_tool`` reads a function's signature and docstring: the parameters become a
pydantic model (so the JSON schema the model sees and the validation of what it sends
come from one place), the docstring's first paragraph the description, and its
``Args:`` section the parameter descriptions. A first parameter annotated
:class:`AgentContext` receives the turn's context and is not shown to the model.

Tool arguments are untrusted model output: invalid JSON or arguments that do not match
the schema become an error message the model sees, never an exception in the turn.
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic_core import to_json

from ..icons import IconName
from ..types import Source
from .context import AgentContext


@dataclass
class ToolResult:
    """What a tool returns when it has more to say than its output.

    ``sources`` are cited in the answer (annotations on the assistant message);
    ``summary`` is shown as the content of the tool's workflow task.
    """

    output: Any
    sources: Sequence[Source] = field(default_factory=list)
    summary: str | None = None


class ToolArgumentsError(ValueError):
    """The model called a tool with arguments that do not fit its schema."""


@dataclass
class FunctionTool:
    name: str
    description: str
    parameters: type[BaseModel]
    function: Callable[..., Any]
    takes_context: bool
    title: str | None = None
    """Show each call as a workflow task with this title (loading, then complete)."""
    icon: IconName | None = None
    progress: str | None = None
    """A status line shown while the tool runs."""
    ends_turn: bool = False
    """End the turn after this tool (e.g. it showed a widget that awaits the user)."""

    def schema(self) -> dict[str, Any]:
        """The tool as Chat Completions ``tools`` entry."""
        parameters = self.parameters.model_json_schema()
        parameters.pop("title", None)
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": parameters,
            },
        }

    def parse_arguments(self, arguments: str) -> dict[str, Any]:
        """Validate the model's JSON arguments; :class:`ToolArgumentsError` if they do not fit."""
        try:
            parsed = self.parameters.model_validate_json(arguments or "{}")
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
                for e in error.errors(include_url=False, include_input=False)[:5]
            )
            raise ToolArgumentsError(f"Invalid arguments for {self.name}: {problems}") from None
        return {name: getattr(parsed, name) for name in type(parsed).model_fields}

    async def invoke(self, context: AgentContext[Any], arguments: dict[str, Any]) -> Any:
        """Run the function (a plain function runs in a worker thread)."""
        args = (context,) if self.takes_context else ()
        if inspect.iscoroutinefunction(self.function):
            return await self.function(*args, **arguments)
        result = await anyio.to_thread.run_sync(lambda: self.function(*args, **arguments))
        if inspect.isawaitable(result):
            return await result
        return result


@overload
def function_tool(function: Callable[..., Any], /) -> FunctionTool: ...


@overload
def function_tool(
    *,
    name: str | None = None,
    description: str | None = None,
    title: str | None = None,
    icon: IconName | None = None,
    progress: str | None = None,
    ends_turn: bool = False,
) -> Callable[[Callable[..., Any]], FunctionTool]: ...


def function_tool(
    function: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    title: str | None = None,
    icon: IconName | None = None,
    progress: str | None = None,
    ends_turn: bool = False,
) -> FunctionTool | Callable[[Callable[..., Any]], FunctionTool]:
    """Declare a tool; use bare (``@function_tool``) or with options.

    ``title`` shows each call as a workflow task, ``progress`` as a status line;
    ``ends_turn`` ends the turn once the tool has run (the model does not go on).
    """

    def build(fn: Callable[..., Any]) -> FunctionTool:
        summary, arg_docs = _parse_docstring(inspect.getdoc(fn) or "")
        parameters, takes_context = _parameters_model(fn, arg_docs)
        return FunctionTool(
            name=name or fn.__name__,
            description=description or summary,
            parameters=parameters,
            function=fn,
            takes_context=takes_context,
            title=title,
            icon=icon,
            progress=progress,
            ends_turn=ends_turn,
        )

    return build(function) if function is not None else build


def _is_context(annotation: Any) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(origin, AgentContext)


def _parameters_model(
    fn: Callable[..., Any], arg_docs: dict[str, str]
) -> tuple[type[BaseModel], bool]:
    hints = typing.get_type_hints(fn, include_extras=True)
    params = list(inspect.signature(fn).parameters.values())
    takes_context = bool(params) and _is_context(hints.get(params[0].name))
    if takes_context:
        params = params[1:]
    fields: dict[str, Any] = {}
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"Tool {fn.__name__} cannot take *args or **kwargs")
        annotation = hints.get(param.name, Any)
        default = ... if param.default is param.empty else param.default
        fields[param.name] = (annotation, Field(default, description=arg_docs.get(param.name)))
    model = create_model(
        f"{fn.__name__}_arguments", __config__=ConfigDict(extra="forbid"), **fields
    )
    return model, takes_context


_SECTION = re.compile(r"^(\w[\w ]*):\s*$")
_ARG_LINE = re.compile(r"^\s+\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_ARGS_SECTIONS = frozenset({"args", "arguments", "parameters"})


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The description (text before the first section) and Google-style ``Args:``."""
    description: list[str] = []
    args: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for line in doc.splitlines():
        header = _SECTION.match(line)
        if header:
            section, current = header.group(1).lower(), None
        elif section is None:
            description.append(line)
        elif section in _ARGS_SECTIONS:
            match = _ARG_LINE.match(line)
            if match:
                current = match.group(1)
                args[current] = match.group(2).strip()
            elif current and line.strip():
                args[current] += " " + line.strip()
    return " ".join(" ".join(description).split()), args


def tool_output_text(output: Any) -> str:
    """A tool's return value as the text the model reads."""
    if isinstance(output, str):
        return output
    if isinstance(output, BaseModel):
        return output.model_dump_json(exclude_none=True)
    if output is None:
        return "Done."
    return to_json(output, fallback=str).decode()


def error_output(message: str) -> str:
    return json.dumps({"error": message})


__all__ = [
    "FunctionTool",
    "ToolArgumentsError",
    "ToolResult",
    "error_output",
    "function_tool",
    "tool_output_text",
]
