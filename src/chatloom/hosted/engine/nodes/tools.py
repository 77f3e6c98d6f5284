"""Agent tools described by a JSON schema from the workflow file or an MCP server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ....agents import FunctionTool
from ....agents.tools import ToolArgumentsError
from ....untrusted import parse_json


@dataclass
class SchemaTool(FunctionTool):
    """A tool whose arguments are described by a JSON schema (not a pydantic model)."""

    json_schema: dict[str, Any] = field(default_factory=dict)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.json_schema,
            },
        }

    def parse_arguments(self, arguments: str) -> dict[str, Any]:
        try:
            parsed = parse_json(arguments or "{}")
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise ToolArgumentsError(f"Invalid arguments for {self.name}: expected a JSON object")
        return {"arguments": parsed}


def schema_tool(
    name: str, description: str, schema: dict[str, Any], function: Any, **extra: Any
) -> FunctionTool:
    return SchemaTool(
        name=name,
        description=description,
        parameters=BaseModel,
        function=function,
        takes_context=True,
        json_schema=schema,
        **extra,
    )
