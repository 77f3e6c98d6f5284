"""The Agents SDK adapter, written the way a ported ``openai-chatkit`` server is, against
the scripted OpenAI-compatible server (the SDK's Chat Completions model)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from openai import AsyncOpenAI

from agents import (
    Agent,
    OpenAIChatCompletionsModel,
    RunContextWrapper,
    Runner,
    StopAtTools,
    function_tool,
    set_tracing_disabled,
)
from chatloom.agents import (
    AgentContext,
    ClientToolCall,
    ThreadItemConverter,
    accumulate_text,
    stream_agent_response,
)
from chatloom.agents.providers.scripted import CallTool, Say, ScriptedEndpoint, Think
from chatloom.server import ChatKitServer, stream_widget
from chatloom.store.memory import MemoryStore
from chatloom.types import ProgressUpdateEvent, ThreadMetadata, ThreadStreamEvent, UserMessageItem
from chatloom.widgets import Markdown

from ..conftest import use_sequential_ids
from .conftest import create, run, wait_for_disconnect


@pytest.fixture(autouse=True)
def no_tracing() -> Iterator[None]:
    set_tracing_disabled(True)  # tracing would export to OpenAI
    yield


@function_tool
async def check_order(ctx: RunContextWrapper[AgentContext[Any]], order_id: str) -> str:
    """Look up an order."""
    await ctx.context.stream(ProgressUpdateEvent(text=f"Looking up {order_id}"))
    return f"Order {order_id} ships tomorrow."


@function_tool
async def get_theme(ctx: RunContextWrapper[AgentContext[Any]]) -> None:
    """Ask the page for its theme."""
    ctx.context.client_tool_call = ClientToolCall(name="get_theme", arguments={})


class PortedServer(ChatKitServer[Any]):
    """A reference-style server; only the import root changed."""

    def __init__(self, base_url: str) -> None:
        super().__init__(MemoryStore())
        model = OpenAIChatCompletionsModel(
            model="scripted", openai_client=AsyncOpenAI(base_url=base_url, api_key="sk-test")
        )
        self.assistant = Agent[AgentContext[Any]](
            name="Assistant",
            instructions="You are helpful.",
            model=model,
            tools=[check_order, get_theme],
            tool_use_behavior=StopAtTools(stop_at_tool_names=["get_theme"]),
        )

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        agent_context = AgentContext(thread=thread, store=self.store, request_context=context)
        items = await self.store.load_thread_items(thread.id, None, 20, "asc", context)
        agent_input = await ThreadItemConverter().to_agent_input(items.data)
        result = Runner.run_streamed(self.assistant, agent_input, context=agent_context)
        async for event in stream_agent_response(agent_context, result):
            yield event


@pytest.fixture
def ported(endpoint_url: str) -> PortedServer:
    server = PortedServer(endpoint_url)
    use_sequential_ids(server.store)
    return server


async def test_text_reasoning_and_server_tools(
    endpoint: ScriptedEndpoint, ported: PortedServer
) -> None:
    endpoint.script(
        [CallTool("check_order", {"order_id": "A7"}, call_id="call_1")],
        [Think("Ships soon."), Say("Your order ships tomorrow.")],
    )
    events = await run(ported, create("Where is order A7?"))
    kinds = [
        (e["type"], e.get("update", {}).get("type") or e.get("item", {}).get("type"))
        for e in events[3:]
    ]
    assert kinds == [
        ("progress_update", None),
        ("thread.item.added", "workflow"),
        ("thread.item.updated", "workflow.task.added"),
        ("thread.item.updated", "workflow.task.updated"),
        ("thread.item.done", "workflow"),
        ("thread.item.added", "assistant_message"),
        ("thread.item.updated", "assistant_message.content_part.added"),
        *[("thread.item.updated", "assistant_message.content_part.text_delta")] * 7,
        ("thread.item.updated", "assistant_message.content_part.done"),
        ("thread.item.done", "assistant_message"),
    ]
    assert events[3] == {"type": "progress_update", "text": "Looking up A7"}
    assert events[-1]["item"]["content"] == [
        {"annotations": [], "text": "Your order ships tomorrow.", "type": "output_text"}
    ]
    assert events[-1]["item"]["id"] == "msg_4"
    second = endpoint.exchanges[1].body["messages"]
    assert second[-1] == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": "Order A7 ships tomorrow.",
    }


async def test_client_tool_round_trip(endpoint: ScriptedEndpoint, ported: PortedServer) -> None:
    endpoint.script(
        [CallTool("get_theme", {}, call_id="call_t")],
        [Say("You use the dark theme.")],
    )
    first = await run(ported, create("Which theme do I use?"))
    assert first[-1]["item"] | {"created_at": None} == {
        "id": "tc_3",
        "thread_id": "thr_1",
        "created_at": None,
        "type": "client_tool_call",
        "status": "pending",
        "call_id": "call_t",
        "name": "get_theme",
        "arguments": {},
    }
    second = await run(
        ported,
        {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": "thr_1", "result": {"theme": "dark"}},
        },
    )
    assert second[-1]["item"]["content"][0]["text"] == "You use the dark theme."
    messages = endpoint.exchanges[1].body["messages"]
    assert messages[-2]["tool_calls"][0]["id"] == "call_t"
    assert messages[-1] == {
        "role": "tool",
        "tool_call_id": "call_t",
        "content": '{"theme": "dark"}',
    }


async def test_accumulate_text_streams_a_widget(
    endpoint: ScriptedEndpoint, endpoint_url: str
) -> None:
    endpoint.script([Say("Once upon a time", chunk_size=5)])
    model = OpenAIChatCompletionsModel(
        model="scripted", openai_client=AsyncOpenAI(base_url=endpoint_url, api_key="k")
    )
    result = Runner.run_streamed(Agent(name="Teller", model=model), "A story")
    thread = ThreadMetadata(id="thr_1", created_at="2025-01-01T00:00:00")
    widget_states = accumulate_text(
        result.stream_events(), Markdown(id="story", value="", streaming=True)
    )
    events = [e async for e in stream_widget(thread, _cards(widget_states))]
    updates = [e.update for e in events if e.type == "thread.item.updated"]
    assert "".join(u.delta for u in updates[:-1]) == "Once upon a time"
    assert updates[-1].type == "widget.root.updated"  # streaming ended
    assert events[-1].item.widget.children[0].value == "Once upon a time"


async def _cards(states: AsyncIterator[Any]) -> AsyncIterator[Any]:
    from chatloom.widgets import Card

    async for state in states:
        yield Card(children=[state])


async def test_closing_the_stream_cancels_the_run_and_its_model_request(
    endpoint: ScriptedEndpoint, endpoint_url: str
) -> None:
    import time

    from chatloom.agents.providers.scripted import Pause

    endpoint.script([Say("Hello"), Pause(30), Say("never")])
    model = OpenAIChatCompletionsModel(
        model="scripted", openai_client=AsyncOpenAI(base_url=endpoint_url, api_key="k")
    )
    thread = ThreadMetadata(id="thr_1", created_at="2025-01-01T00:00:00")
    store = MemoryStore()
    await store.save_thread(thread, {})  # the adapter looks for a workflow to continue
    context = AgentContext(thread=thread, store=store, request_context={})
    result = Runner.run_streamed(Agent(name="Slow", model=model), "Hi", context=context)
    events = stream_agent_response(context, result)
    async for event in events:
        if event.type == "thread.item.updated" and event.update.type.endswith("text_delta"):
            break
    closed_at = time.perf_counter()
    await events.aclose()
    assert await wait_for_disconnect(endpoint.exchanges[0], closed_at) < 1.0


async def test_raw_reasoning_from_a_chat_completions_model_streams_as_thoughts(
    endpoint: ScriptedEndpoint, ported: PortedServer
) -> None:
    """Servers such as Ollama send ``reasoning`` deltas, which the Agents SDK turns into
    ``reasoning_text`` events; the reference drops them (an empty workflow)."""
    endpoint.script([Think("Weighing it up.", field="reasoning"), Say("Done.")])
    events = await run(ported, create("Think first"))
    done = [e["item"] for e in events if e["type"] == "thread.item.done"]
    workflow = next(item for item in done if item["type"] != "user_message")
    assert workflow["type"] == "workflow"
    assert workflow["workflow"]["tasks"] == [
        {"type": "thought", "content": "Weighing it up.", "status_indicator": "none"}
    ]
    updates = [
        e["update"] for e in events if e.get("update", {}).get("type", "").startswith("workflow")
    ]
    assert updates[0]["type"] == "workflow.task.added"
    assert updates[-1]["task"]["content"] == "Weighing it up."
