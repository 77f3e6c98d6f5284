"""The agent loop against a real OpenAI-compatible HTTP server (scripted), through
``ChatKitServer.process``: text, reasoning, server tools, client tools, errors."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import pytest
from pydantic import Field

from chatloom.agents import (
    Agent,
    AgentContext,
    ClientToolCall,
    OpenAICompatibleProvider,
    ToolResult,
    function_tool,
)
from chatloom.agents.providers.scripted import (
    CallTool,
    Fail,
    Pause,
    Raw,
    Say,
    ScriptedEndpoint,
    Think,
)
from chatloom.store.memory import MemoryStore
from chatloom.types import ThreadMetadata, URLSource

from ..conftest import Clock
from ..polling import eventually_async
from .conftest import create, make_server, run

T0 = "2025-01-01T12:00:0"


async def test_text_streams_as_the_canonical_assistant_message_sequence(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider, agent_clock: Clock
) -> None:
    endpoint.script([Say("Hello there!", chunk_size=6)])
    server = make_server(Agent(provider, instructions="Be brief."))
    events = await run(server, create("Hi"))
    assert events[:3] == [
        {
            "type": "thread.created",
            "thread": {
                "id": "thr_1",
                "created_at": T0 + "0",
                "status": {"type": "active"},
                "metadata": {},
                "items": {"data": [], "has_more": False},
            },
        },
        {
            "type": "thread.item.done",
            "item": {
                "id": "msg_2",
                "thread_id": "thr_1",
                "created_at": T0 + "1",
                "type": "user_message",
                "content": [{"type": "input_text", "text": "Hi"}],
                "attachments": [],
                "inference_options": {},
            },
        },
        {"type": "stream_options", "stream_options": {"allow_cancel": True}},
    ]
    assert events[3:] == [
        {
            "type": "thread.item.added",
            "item": {
                "id": "msg_3",
                "thread_id": "thr_1",
                "created_at": T0 + "2",
                "type": "assistant_message",
                "content": [],
            },
        },
        {
            "type": "thread.item.updated",
            "item_id": "msg_3",
            "update": {
                "type": "assistant_message.content_part.added",
                "content_index": 0,
                "content": {"annotations": [], "text": "", "type": "output_text"},
            },
        },
        {
            "type": "thread.item.updated",
            "item_id": "msg_3",
            "update": {
                "type": "assistant_message.content_part.text_delta",
                "content_index": 0,
                "delta": "Hello ",
            },
        },
        {
            "type": "thread.item.updated",
            "item_id": "msg_3",
            "update": {
                "type": "assistant_message.content_part.text_delta",
                "content_index": 0,
                "delta": "there!",
            },
        },
        {
            "type": "thread.item.updated",
            "item_id": "msg_3",
            "update": {
                "type": "assistant_message.content_part.done",
                "content_index": 0,
                "content": {"annotations": [], "text": "Hello there!", "type": "output_text"},
            },
        },
        {
            "type": "thread.item.done",
            "item": {
                "id": "msg_3",
                "thread_id": "thr_1",
                "created_at": T0 + "2",
                "type": "assistant_message",
                "content": [{"annotations": [], "text": "Hello there!", "type": "output_text"}],
            },
        },
    ]
    # What the model was sent: the instructions, then the thread so far.
    sent = endpoint.exchanges[0].body
    assert sent["stream"] is True and sent["model"] == "scripted"
    assert sent["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]
    assert "tools" not in sent


async def test_history_and_reasoning_deltas(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider, agent_clock: Clock
) -> None:
    endpoint.script(
        [Say("First answer.")],
        [
            Think("The user asks again. ", chunk_size=9),
            Think("Keep it short.", field="reasoning"),
            Say("Again."),
        ],
    )
    server = make_server(Agent(provider))
    first = await run(server, create("One"))
    thread_id = first[0]["thread"]["id"]
    events = await run(
        server,
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": create("Two")["params"]["input"]},
        },
    )
    kinds = [
        (e["type"], e.get("update", {}).get("type") or e.get("item", {}).get("type"))
        for e in events
    ]
    assert kinds == [
        ("thread.item.done", "user_message"),
        ("stream_options", None),
        ("thread.item.added", "workflow"),
        ("thread.item.updated", "workflow.task.added"),
        *[("thread.item.updated", "workflow.task.updated")] * 4,
        ("thread.item.done", "workflow"),
        ("thread.item.added", "assistant_message"),
        ("thread.item.updated", "assistant_message.content_part.added"),
        ("thread.item.updated", "assistant_message.content_part.text_delta"),
        ("thread.item.updated", "assistant_message.content_part.text_delta"),
        ("thread.item.updated", "assistant_message.content_part.done"),
        ("thread.item.done", "assistant_message"),
    ]
    assert events[2]["item"]["workflow"] == {"type": "reasoning", "tasks": [], "expanded": False}
    assert events[3]["update"] == {
        "type": "workflow.task.added",
        "task_index": 0,
        "task": {"status_indicator": "none", "type": "thought", "content": "The user "},
    }
    assert events[8]["item"]["type"] == "workflow"
    workflow = events[8]["item"]["workflow"]
    assert workflow["tasks"] == [
        {
            "status_indicator": "none",
            "type": "thought",
            "content": "The user asks again. Keep it short.",
        }
    ]
    assert set(workflow["summary"]) == {"duration"}
    assert endpoint.exchanges[1].body["messages"][1:] == [
        {"role": "user", "content": "One"},
        {"role": "assistant", "content": "First answer."},
        {"role": "user", "content": "Two"},
    ]


@function_tool(
    title="Searched the help center", icon="search", progress="Searching the help center…"
)
async def search_help(
    ctx: AgentContext[Any],
    query: Annotated[str, Field(min_length=2)],
    limit: int = 3,
) -> ToolResult:
    """Search the help center articles.

    Args:
        query: Words to look for.
        limit: How many articles to return.
    """
    await ctx.progress(f"Reading {limit} articles")
    return ToolResult(
        output=[{"title": "Reset your password", "body": "Settings > Security > Reset."}],
        sources=[URLSource(title="Reset your password", url="https://help.example/reset")],
        summary=f"Found 1 article for {query!r}",
    )


async def test_server_tool_runs_with_progress_a_workflow_task_and_citations(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider, agent_clock: Clock
) -> None:
    endpoint.script(
        [CallTool("search_help", {"query": "password"}, call_id="call_a", pieces=4)],
        [Say("Open Settings, then Security [1]. Done.")],
    )
    server = make_server(Agent(provider, tools=[search_help]))
    events = await run(server, create("How do I reset my password?"))
    body = events[3:]
    assert body[0] == {
        "type": "progress_update",
        "icon": "search",
        "text": "Searching the help center…",
    }
    assert body[1]["type"] == "thread.item.added"
    assert body[1]["item"]["workflow"] == {
        "type": "custom",
        "tasks": [
            {
                "status_indicator": "loading",
                "type": "custom",
                "title": "Searched the help center",
                "icon": "search",
            }
        ],
        "expanded": False,
    }
    assert body[2] == {"type": "progress_update", "text": "Reading 3 articles"}
    assert body[3]["update"] == {
        "type": "workflow.task.updated",
        "task_index": 0,
        "task": {
            "status_indicator": "complete",
            "type": "custom",
            "title": "Searched the help center",
            "icon": "search",
            "content": "Found 1 article for 'password'",
        },
    }
    assert body[4]["type"] == "thread.item.done" and body[4]["item"]["type"] == "workflow"
    assert body[4]["item"]["workflow"]["summary"] == {"duration": 2}  # fake clock: 1 s a tick
    annotation = {
        "type": "annotation",
        "source": {
            "title": "Reset your password",
            "type": "url",
            "url": "https://help.example/reset",
        },
        "index": 28,
    }
    assert [e["update"]["type"] for e in body[5:-1] if e["type"] == "thread.item.updated"][-2:] == [
        "assistant_message.content_part.annotation_added",
        "assistant_message.content_part.done",
    ]
    assert body[-3]["update"] == {
        "type": "assistant_message.content_part.annotation_added",
        "content_index": 0,
        "annotation_index": 0,
        "annotation": annotation,
    }
    assert body[-1]["item"]["content"] == [
        {
            "annotations": [annotation],
            "text": "Open Settings, then Security. Done.",
            "type": "output_text",
        }
    ]
    assert body[-1]["item"]["content"][0]["text"][:28] == "Open Settings, then Security"

    # The tool's schema came from the type hints and docstring.
    first = endpoint.exchanges[0].body
    assert first["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "search_help",
                "description": "Search the help center articles.",
                "parameters": {
                    "additionalProperties": False,
                    "properties": {
                        "query": {
                            "description": "Words to look for.",
                            "minLength": 2,
                            "title": "Query",
                            "type": "string",
                        },
                        "limit": {
                            "default": 3,
                            "description": "How many articles to return.",
                            "title": "Limit",
                            "type": "integer",
                        },
                    },
                    "required": ["query"],
                    "type": "object",
                },
            },
        }
    ]
    # The second round carries the call and its result (with numbered sources).
    second = endpoint.exchanges[1].body["messages"]
    assert second[-2] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_a",
                "type": "function",
                "function": {"name": "search_help", "arguments": '{"query": "password"}'},
            }
        ],
    }
    assert second[-1]["role"] == "tool" and second[-1]["tool_call_id"] == "call_a"
    assert second[-1]["content"] == (
        '[{"title":"Reset your password","body":"Settings > Security > Reset."}]\n'
        "Sources (cite them by number, like [1]):\n"
        "[1] Reset your password"
    )


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (
            '{"query": "x"}',
            "Invalid arguments for search_help: query: String should have at least 2 characters",
        ),
        (
            '{"query": "password", "admin": true}',
            "Invalid arguments for search_help: admin: Extra inputs are not permitted",
        ),
        ("{not json", "Invalid arguments for search_help: arguments: Invalid JSON"),
    ],
)
async def test_bad_tool_arguments_become_an_error_the_model_sees(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider, arguments: str, problem: str
) -> None:
    endpoint.script([CallTool("search_help", arguments)], [Say("Sorry.")])
    events = await run(make_server(Agent(provider, tools=[search_help])), create("Hi"))
    tool_message = endpoint.exchanges[1].body["messages"][-1]
    assert tool_message["role"] == "tool"
    assert json.loads(tool_message["content"])["error"].startswith(problem)
    assert events[-1]["item"]["content"][0]["text"] == "Sorry."
    assert not any(e["type"] == "error" for e in events)


async def test_unknown_tools_and_failing_tools_are_reported_to_the_model(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    @function_tool
    def explode() -> str:
        """Always fails."""
        raise RuntimeError("disk on fire")

    endpoint.script(
        [CallTool("nope", {}, call_id="c1"), CallTool("explode", {}, call_id="c2")],
        [Say("Both failed.")],
    )
    events = await run(make_server(Agent(provider, tools=[explode])), create("Hi"))
    results = endpoint.exchanges[1].body["messages"][-2:]
    assert [json.loads(r["content"]) for r in results] == [
        {"error": "There is no tool 'nope' (tools: explode)"},
        {"error": "explode failed: disk on fire"},
    ]
    assert events[-1]["item"]["content"][0]["text"] == "Both failed."


@function_tool
async def get_browser_info(ctx: AgentContext[Any], detail: str = "basic") -> None:
    """Ask the user's browser for its language, time zone and screen size."""
    ctx.client_tool_call = ClientToolCall(name="get_browser_info", arguments={"detail": detail})


async def test_client_tool_round_trip_through_process(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider, agent_clock: Clock
) -> None:
    endpoint.script(
        [Say("Let me check."), CallTool("get_browser_info", {"detail": "full"}, call_id="call_b")],
        [Say("Your time zone is Europe/Paris.")],
    )
    server = make_server(Agent(provider, tools=[get_browser_info]))
    first = await run(server, create("What is my time zone?"))
    thread_id = first[0]["thread"]["id"]
    assert first[-1] == {
        "type": "thread.item.done",
        "item": {
            "id": "tc_4",
            "thread_id": thread_id,
            "created_at": T0 + "3",
            "type": "client_tool_call",
            "status": "pending",
            "call_id": "call_b",
            "name": "get_browser_info",
            "arguments": {"detail": "full"},
        },
    }
    assert first[-2]["item"]["type"] == "assistant_message"

    second = await run(
        server,
        {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": thread_id, "result": {"timeZone": "Europe/Paris"}},
        },
    )
    assert [e["type"] for e in second][:2] == ["stream_options", "thread.item.added"]
    assert second[-1]["item"]["content"][0]["text"] == "Your time zone is Europe/Paris."
    assert endpoint.exchanges[1].body["messages"][1:] == [
        {"role": "user", "content": "What is my time zone?"},
        {"role": "assistant", "content": "Let me check."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_b",
                    "type": "function",
                    "function": {"name": "get_browser_info", "arguments": '{"detail": "full"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_b", "content": '{"timeZone": "Europe/Paris"}'},
    ]


async def test_a_composer_tool_choice_forces_that_tool_in_the_first_round(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    endpoint.script([CallTool("search_help", {"query": "billing"})], [Say("Found it.")])
    await run(
        make_server(Agent(provider, tools=[search_help])), create("billing", tool="search_help")
    )
    assert endpoint.exchanges[0].body["tool_choice"] == {
        "type": "function",
        "function": {"name": "search_help"},
    }
    assert "tool_choice" not in endpoint.exchanges[1].body


async def test_tool_rounds_are_bounded(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    endpoint.script(
        [CallTool("search_help", {"query": "a1"})],
        [CallTool("search_help", {"query": "a2"})],
        [Say("Enough searching.")],
    )
    events = await run(
        make_server(Agent(provider, tools=[search_help], max_tool_rounds=2)), create("Hi")
    )
    assert "tools" not in endpoint.exchanges[2].body  # the last round must answer
    assert events[-1]["item"]["content"][0]["text"] == "Enough searching."


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            [Fail(401, "Incorrect API key provided")],
            "The model server answered HTTP 401: Incorrect API key provided",
        ),
        ([Fail(503, "overloaded")], "The model server answered HTTP 503: overloaded"),
        ([Say("Partial"), Raw("{this is not json")], "The model sent a malformed stream chunk"),
        (
            [Say("Partial"), Raw("x" * (5 * 1024 * 1024))],
            "The model sent an oversized stream chunk",
        ),
        (
            [Raw('{"error": {"message": "context length exceeded"}}')],
            "The model reported an error: context length exceeded",
        ),
    ],
)
async def test_provider_errors_become_error_events(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider, reply: Any, message: str
) -> None:
    endpoint.script(reply)
    events = await run(make_server(Agent(provider)), create("Hi"))
    assert events[-1] == {
        "type": "error",
        "code": "custom",
        "message": message,
        "allow_retry": True,
    }
    if isinstance(reply[0], Say):  # what was streamed before the failure is kept
        assert events[-2]["item"]["content"][0]["text"] == "Partial"


async def test_line_and_paragraph_separators_in_a_reply_arrive_intact(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    # Servers that write JSON with ensure_ascii off send U+2028 and friends raw; only
    # CR and LF end an SSE line, so they are text, not line breaks.
    text = "one\u2028two\u2029three\x85four"
    chunk = {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
    endpoint.script([Raw(json.dumps(chunk, ensure_ascii=False))])
    events = await run(make_server(Agent(provider)), create("Hi"))
    assert [e["type"] for e in events if e["type"] == "error"] == []
    done = [e for e in events if e["type"] == "thread.item.done"]
    assert done[-1]["item"]["content"][0]["text"] == text


async def test_a_model_that_stalls_times_out_as_an_error_event(
    endpoint: ScriptedEndpoint, endpoint_url: str
) -> None:
    endpoint.script([Say("Hel"), Pause(5), Say("lo")])
    slow = OpenAICompatibleProvider("scripted", base_url=endpoint_url, timeout=0.3)
    events = await run(make_server(Agent(slow)), create("Hi"))
    assert events[-1] == {
        "type": "error",
        "code": "custom",
        "message": "The model server did not answer in time",
        "allow_retry": True,
    }


async def test_turns_beyond_the_connection_pool_fail_fast_with_a_clear_error(
    endpoint: ScriptedEndpoint, endpoint_url: str
) -> None:
    import asyncio

    import httpx

    endpoint.script([Say("Hel"), Pause(3), Say("lo")], [Say("never")])
    narrow = OpenAICompatibleProvider(
        "scripted",
        base_url=endpoint_url,
        max_connections=1,
        timeout=httpx.Timeout(30.0, pool=0.2),
    )
    server = make_server(Agent(narrow))
    first = asyncio.ensure_future(run(server, create("Hi")))
    await eventually_async(lambda: endpoint.exchanges, what="the first turn holds the connection")
    second = await run(server, create("Hi again"))
    assert second[-1]["type"] == "error"
    assert "all 1 connections to the model server are in use" in second[-1]["message"]
    assert (await first)[-1]["type"] == "thread.item.done"


async def test_an_unreachable_model_server_is_an_error_event() -> None:
    from ..live_server import free_port

    gone = OpenAICompatibleProvider("m", base_url=f"http://127.0.0.1:{free_port()}/v1")
    events = await run(make_server(Agent(gone)), create("Hi"))
    assert events[-1]["type"] == "error"
    assert events[-1]["message"].startswith("Could not reach the model server")


async def test_first_call_runs_a_tool_before_the_model_is_asked(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    endpoint.script([Say("Per the article [1], use Settings.")])
    thread = ThreadMetadata(id="thr_1", created_at=datetime.now())
    context = AgentContext(thread=thread, store=MemoryStore(), request_context={})
    agent = Agent(provider, tools=[search_help])
    # The app routes a composer tool itself (e.g. for a model that cannot call tools).
    events = [
        e
        async for e in agent.run(
            context, "reset password", first_call=("search_help", {"query": "reset"})
        )
    ]
    assert len(endpoint.exchanges) == 1  # the model was asked once, after the tool ran
    sent = endpoint.exchanges[0].body["messages"]
    assert sent[-2]["tool_calls"][0]["function"] == {
        "name": "search_help",
        "arguments": '{"query": "reset"}',
    }
    assert sent[-1]["role"] == "tool"
    assert [e.type for e in events][:2] == ["progress_update", "thread.item.added"]
    done = events[-1]
    assert done.type == "thread.item.done" and done.item.type == "assistant_message"
    assert done.item.content[0].annotations[0].index == len("Per the article")


async def test_a_tool_that_ends_the_turn_stops_the_loop(
    endpoint: ScriptedEndpoint, provider: OpenAICompatibleProvider
) -> None:
    from chatloom.widgets import Card, Text

    @function_tool(ends_turn=True)
    async def show_form(ctx: AgentContext[Any]) -> str:
        """Show a form."""
        await ctx.stream_widget(Card(children=[Text(value="Form")]), copy_text="Form")
        return "The form is shown."

    endpoint.script([CallTool("show_form")])
    events = await run(make_server(Agent(provider, tools=[show_form])), create("Hi"))
    assert len(endpoint.exchanges) == 1
    assert events[-1]["type"] == "thread.item.done" and events[-1]["item"]["type"] == "widget"
