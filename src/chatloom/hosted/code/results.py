"""What ``Runner.run`` returns to the program: the parts of the SDK's ``RunResult`` that
exported code reads, built from an agent's answer (live, or recorded in the journal).

``final_output`` (text, or the ``output_type`` instance), ``final_output_as(cls)``,
``new_items`` (the SDK's own ``MessageOutputItem`` objects, one per assistant message,
so ``item.to_input_item()`` gives Responses input items), ``to_input_list()``,
``input`` and ``last_agent``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from agents.agent_output import AgentOutputSchema, AgentOutputSchemaBase
from agents.items import MessageOutputItem
from openai.types.responses import ResponseOutputMessage, ResponseOutputText

from agents import Agent as SdkAgent


def output_schema(agent: SdkAgent[Any]) -> AgentOutputSchemaBase | None:
    """The agent's structured output schema; ``None`` for plain text."""
    output_type = agent.output_type
    if output_type is None or output_type is str:
        return None
    if isinstance(output_type, AgentOutputSchemaBase):
        return output_type
    return AgentOutputSchema(output_type)


def message_item(agent: SdkAgent[Any], text: str) -> MessageOutputItem:
    message = ResponseOutputMessage(
        id=f"msg_{uuid.uuid4().hex}",
        content=[ResponseOutputText(text=text, annotations=[], type="output_text")],
        role="assistant",
        status="completed",
        type="message",
    )
    return MessageOutputItem(agent=agent, raw_item=message)


@dataclass
class AgentAnswer:
    """An agent run as the journal keeps it: its messages, and the structured output's
    JSON (``None`` for a text agent, whose output is its last message)."""

    messages: list[str]
    structured: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"messages": self.messages, "structured": self.structured}

    @classmethod
    def from_json(cls, data: Any) -> AgentAnswer:
        if not isinstance(data, dict):
            return cls([])
        structured = data.get("structured")
        return cls(
            [str(m) for m in data.get("messages") or []],
            structured if isinstance(structured, str) else None,
        )


@dataclass
class CodeRunResult:
    input: str | list[Any]
    final_output: Any
    new_items: list[MessageOutputItem] = field(default_factory=list)
    last_agent: Any = None

    def final_output_as(self, cls: type[Any], raise_if_incorrect_type: bool = False) -> Any:
        if raise_if_incorrect_type and not isinstance(self.final_output, cls):
            raise TypeError(f"Final output is not of type {cls.__name__}")
        return self.final_output

    def to_input_list(self) -> list[Any]:
        start = (
            [{"role": "user", "content": self.input}]
            if isinstance(self.input, str)
            else list(self.input)
        )
        return [*start, *(item.to_input_item() for item in self.new_items)]


def run_result(agent: SdkAgent[Any], input: str | list[Any], answer: AgentAnswer) -> CodeRunResult:
    """The result the program sees for ``answer``."""
    schema = output_schema(agent)
    final: Any
    if schema is not None and answer.structured is not None:
        final = schema.validate_json(answer.structured)
    else:
        final = answer.messages[-1] if answer.messages else ""
    items = [message_item(agent, text) for text in answer.messages]
    return CodeRunResult(input=input, final_output=final, new_items=items, last_agent=agent)


__all__ = [
    "AgentAnswer",
    "CodeRunResult",
    "message_item",
    "output_schema",
    "run_result",
]
