"""Fixtures for the agent tests: a scripted OpenAI-compatible server under real uvicorn,
a provider pointed at it, and a ChatKit server whose ``respond`` runs an agent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from chatloom.agents import Agent, AgentContext, OpenAICompatibleProvider
from chatloom.agents.providers.scripted import Exchange
from chatloom.server import ChatKitServer, StreamingResult
from chatloom.store.memory import MemoryStore
from chatloom.types import ThreadMetadata, ThreadStreamEvent, UserMessageItem

from ..conftest import Clock, use_sequential_ids
from ..polling import eventually_async


@pytest.fixture
def provider(endpoint_url: str) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider("scripted", base_url=endpoint_url, api_key="sk-test")


@pytest.fixture
def agent_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """One frozen clock for the server and the agent modules (exact JSON)."""
    fake = Clock()
    for module in ("chatloom.server", "chatloom.widget_streaming", "chatloom.agents.context"):
        monkeypatch.setattr(f"{module}.datetime", fake)
    return fake


class AgentServer(ChatKitServer[Any]):
    """The smallest real integration: every turn is the agent answering the thread."""

    def __init__(self, agent: Agent[Any], store: MemoryStore[Any] | None = None) -> None:
        super().__init__(store or MemoryStore())
        self.agent = agent

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        agent_context = AgentContext(thread=thread, store=self.store, request_context=context)
        async for event in self.agent.respond(agent_context, input_user_message):
            yield event


async def wait_for_disconnect(exchange: Exchange, since: float) -> float:
    """Seconds from ``since`` until the scripted server saw the client drop the stream."""
    disconnected_at: float = await eventually_async(
        lambda: exchange.disconnected_at or 0.0, what="the model connection closed"
    )
    return disconnected_at - since


def make_server(agent: Agent[Any]) -> AgentServer:
    server = AgentServer(agent)
    use_sequential_ids(server.store)
    return server


async def run(
    server: ChatKitServer[Any], body: dict[str, Any], context: Any = None
) -> list[dict[str, Any]]:
    """Process one streaming request; its events as parsed JSON."""
    result = await server.process(json.dumps(body), context or {"user_id": "u1"})
    assert isinstance(result, StreamingResult)
    events = []
    async for frame in result:
        assert frame.startswith(b"data: ") and frame.endswith(b"\n\n")
        events.append(json.loads(frame[6:]))
    return events


def user_input(text: str, tool: str | None = None) -> dict[str, Any]:
    options = {"tool_choice": {"id": tool}} if tool else {}
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": options,
    }


def create(text: str, tool: str | None = None) -> dict[str, Any]:
    return {"type": "threads.create", "params": {"input": user_input(text, tool)}}
