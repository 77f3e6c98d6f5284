"""Stopping a turn closes the model stream at once: the scripted model server sees its
connection dropped while it is still "generating"."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime
from typing import Any

import httpx

from chatloom.agents import Agent, AgentContext, OpenAICompatibleProvider, function_tool
from chatloom.agents.providers.scripted import CallTool, Pause, Say, ScriptedEndpoint
from chatloom.http import RequestContext, create_app
from chatloom.store.memory import MemoryStore
from chatloom.types import ThreadMetadata

from ..live_server import serve
from ..polling import eventually, eventually_async
from .conftest import AgentServer, create, wait_for_disconnect


def test_client_disconnect_closes_the_model_connection_promptly(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    endpoint.script([Say("Thinking hard"), Pause(30), Say(" and done.")])
    store: MemoryStore[Any] = MemoryStore()
    app = create_app(AgentServer(Agent(provider), store))
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        with client.stream("POST", "/chatkit", json=create("Hi")) as response:
            lines = (line[6:] for line in response.iter_lines() if line.startswith("data: "))
            created = json.loads(next(lines))["thread"]["id"]
            while "text_delta" not in next(lines):
                pass
            closed_at = time.perf_counter()
        user = client.cookies["chatloom_uid"]
        exchange = endpoint.exchanges[0]
        eventually(lambda: exchange.disconnected_at is not None, what="the model connection closed")
        assert exchange.disconnected_at is not None
        assert exchange.disconnected_at - closed_at < 1.0
        assert not exchange.finished
        # The partial answer and the cancellation note were kept for the next turn.
        context = RequestContext(user_id=user)

        def items() -> list[Any]:
            return asyncio.run(store.load_thread_items(created, None, 10, "asc", context)).data

        eventually(lambda: len(items()) == 3, what="the partial reply and the note are stored")
        kinds = [item.type for item in items()]
        assert kinds == ["user_message", "assistant_message", "sdk_hidden_context"]
        assert items()[1].content[0].text.startswith("Thin")


async def test_closing_the_event_stream_closes_the_model_stream(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    endpoint.script([Say("Hello"), Pause(30), Say("never")])
    store: MemoryStore[Any] = MemoryStore()
    thread = ThreadMetadata(id="thr_x", created_at=datetime.now())
    context = AgentContext(thread=thread, store=store, request_context={})
    events = Agent(provider).run(context, "Hi")
    async for event in events:
        if event.type == "thread.item.updated" and "text_delta" in event.update.type:
            break
    closed_at = time.perf_counter()
    await events.aclose()
    assert await wait_for_disconnect(endpoint.exchanges[0], closed_at) < 1.0


async def test_cancelling_the_task_stops_a_running_tool(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    state = {"cancelled": False}

    @function_tool(progress="Working…")
    async def slow_tool() -> str:
        """Takes forever."""
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            state["cancelled"] = True
            raise
        return "done"

    endpoint.script([CallTool("slow_tool")])
    store: MemoryStore[Any] = MemoryStore()
    thread = ThreadMetadata(id="thr_y", created_at=datetime.now())
    context = AgentContext(thread=thread, store=store, request_context={})
    seen: list[str] = []

    async def consume() -> None:
        async for event in Agent(provider, tools=[slow_tool]).run(context, "Hi"):
            seen.append(event.type)

    task = asyncio.ensure_future(consume())
    await eventually_async(lambda: "progress_update" in seen, what="the tool started")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0)
    assert seen == ["progress_update"]
    assert state["cancelled"]
