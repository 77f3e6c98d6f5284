"""Tool declaration from type hints and docstrings; thread titles."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from chatloom.agents import AgentContext, OpenAICompatibleProvider, function_tool, generate_title
from chatloom.agents.providers.scripted import Fail, Say, ScriptedEndpoint
from chatloom.agents.titles import ensure_title, fallback_title
from chatloom.agents.tools import ToolArgumentsError, tool_output_text
from chatloom.types import InferenceOptions, ThreadMetadata, UserMessageItem, UserMessageTextContent


class Address(BaseModel):
    city: str
    zip: str | None = None


def test_schema_from_hints_models_and_literals() -> None:
    @function_tool(name="ship", description="Ship an order.")
    def ship(
        order_id: int, speed: Literal["standard", "express"], to: Address, gift: bool = False
    ) -> str:
        return f"{order_id} {speed} {to.city} {gift}"

    params = ship.schema()["function"]["parameters"]
    assert params["required"] == ["order_id", "speed", "to"]
    assert params["properties"]["speed"]["enum"] == ["standard", "express"]
    assert params["properties"]["to"] == {"$ref": "#/$defs/Address"}
    assert ship.parse_arguments(
        '{"order_id": "7", "speed": "express", "to": {"city": "Oslo"}}'
    ) == {
        "order_id": 7,
        "speed": "express",
        "to": Address(city="Oslo"),
        "gift": False,
    }
    with pytest.raises(ToolArgumentsError, match="speed: Input should be 'standard' or 'express'"):
        ship.parse_arguments('{"order_id": 1, "speed": "warp", "to": {"city": "x"}}')


def test_docstring_sections_and_context_parameter() -> None:
    @function_tool
    async def lookup(ctx: AgentContext[Any], sku: str) -> dict[str, str]:
        """Look up a product.

        Longer explanation that continues
        on a second line.

        Args:
            sku: The product code,
                as printed on the box.

        Returns:
            The product.
        """
        return {"sku": sku}

    assert lookup.takes_context
    schema = lookup.schema()["function"]
    assert (
        schema["description"]
        == "Look up a product. Longer explanation that continues on a second line."
    )
    assert schema["parameters"]["properties"] == {
        "sku": {
            "description": "The product code, as printed on the box.",
            "title": "Sku",
            "type": "string",
        }
    }


def test_tool_output_text() -> None:
    assert tool_output_text("plain") == "plain"
    assert tool_output_text(None) == "Done."
    assert tool_output_text(Address(city="Oslo")) == '{"city":"Oslo"}'
    assert tool_output_text({"when": datetime(2025, 1, 2)}) == '{"when":"2025-01-02T00:00:00"}'


def test_tools_cannot_take_var_args() -> None:
    with pytest.raises(TypeError, match="cannot take"):
        function_tool(lambda *args: None)


async def test_titles_from_the_model_are_checked(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    endpoint.script(
        [Say('Title: "Resetting a password"')],
        [Say("To reset your password you will need to open the settings page and then")],
        [Fail(500, "down")],
    )
    assert await generate_title(provider, "How do I reset my password?") == "Resetting a password"
    assert endpoint.exchanges[0].body["max_tokens"] == 24
    # A sentence is not a title; a failure is not either: both fall back to the message.
    assert (
        await generate_title(provider, "How do I reset my password?")
        == "How do I reset my password?"
    )
    assert (
        await generate_title(provider, "one two three four five six seven")
        == "one two three four five six…"
    )


async def test_ensure_title_only_titles_untitled_threads(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    endpoint.script([Say("Billing question")])
    thread = ThreadMetadata(id="t", created_at=datetime.now())
    message = UserMessageItem(
        id="m",
        thread_id="t",
        created_at=datetime.now(),
        content=[UserMessageTextContent(text="Why was I charged twice?")],
        inference_options=InferenceOptions(),
    )
    await ensure_title(thread, message, provider)
    assert thread.title == "Billing question"
    await ensure_title(thread, message, provider)
    assert len(endpoint.exchanges) == 1


def test_fallback_title() -> None:
    assert fallback_title("  \n") == "New chat"
    assert fallback_title("Hello\nsecond line") == "Hello"
