"""Node handlers one by one, and the walker's rules, below the HTTP layer: a real SQLite
store, real documents, and the scripted model server over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from chatloom.agents import OpenAICompatibleProvider
from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.hosted import linear_regex
from chatloom.hosted.documents import DocumentIndex
from chatloom.hosted.engine.context import Engine, MeteredProvider, RunContext, WorkflowRunError
from chatloom.hosted.engine.nodes import HANDLERS
from chatloom.hosted.engine.outcomes import Continue, End, Outcome, Step, Suspend
from chatloom.hosted.engine.run import WorkflowRun
from chatloom.hosted.engine.state import RunRecord
from chatloom.hosted.engine.trace import RunTrace
from chatloom.hosted.workflow.loader import parse_workflow
from chatloom.hosted.workflow.model import Workflow
from chatloom.store.sqlite import SQLiteStore
from chatloom.types import ThreadMetadata

NODES: dict[str, Any] = {
    "route": {
        "type": "if_else",
        "cases": [
            {"when": "input.n > 10", "next": "big"},
            {"when": "input.n > 1", "next": "some"},
        ],
        "else": "none",
    },
    "big": {"type": "end"},
    "some": {"type": "end"},
    "none": {"type": "end"},
    "bump": {
        "type": "set_state",
        "assignments": [
            {"name": "count", "expr": "state.count + 1"},
            {"name": "label", "expr": "'count=' + string(state.count)"},
        ],
    },
    "double": {"type": "transform", "expr": "{'n': input.n * 2}"},
    "stop": {"type": "end", "expr": "{'final': input.n}"},
    "stop_plain": {"type": "end"},
    "memo": {"type": "note", "text": "a comment"},
    "search": {"type": "file_search", "store": "docs", "query": "'refund'"},
    "mask": {"type": "guardrails", "checks": [{"type": "pii"}], "next": {"on_pass": "big"}},
    "block": {
        "type": "guardrails",
        "checks": [{"type": "pii", "block": True}],
        "next": {"on_pass": "big", "on_fail": "none"},
    },
    "block_unwired": {"type": "guardrails", "checks": [{"type": "pii", "block": True}]},
    "mask_or_error": {
        "type": "guardrails",
        "checks": [{"type": "pii"}],
        "next": {"on_pass": "big", "on_error": "none"},
    },
    "ask": {"type": "user_approval", "message": "Refund {{ input.n }}?", "prompt": "widget"},
    "sort": {
        "type": "classify",
        "categories": [
            {"name": "billing", "description": "invoices and refunds", "next": "big"},
            {"name": "shipping", "description": "parcels and delivery", "next": "some"},
        ],
    },
    "talk": {"type": "agent", "instructions": "Count is {{ state.count }}."},
    "quiet": {"type": "agent", "user_visible": False},
    "extract": {
        "type": "agent",
        "user_visible": False,
        "output": {
            "type": "json_schema",
            "schema": {
                "type": "object",
                "properties": {"n": {"type": "integer", "minimum": 0}},
                "required": ["n"],
            },
        },
    },
}


@pytest.fixture
async def ctx(endpoint_url: str, tmp_path: Path) -> AsyncIterator[RunContext]:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "policy.md").write_text("# Refunds\n\nA refund takes five days.\n")
    workflow = parse_workflow(
        {
            "id": "wf_units",
            "state": {"count": {"type": "number", "default": 0}, "label": {}},
            "start": "route",
            "stores": {"docs": {"path": "docs"}},
            "nodes": NODES,
        }
    )
    store = SQLiteStore(":memory:")
    thread = ThreadMetadata(id="thr_1", created_at=datetime.now())
    await store.save_thread(thread, {})
    provider = OpenAICompatibleProvider("scripted", base_url=endpoint_url, api_key="sk")
    engine = Engine(
        provider=provider,
        store=store,
        documents=DocumentIndex(),
        documents_root=tmp_path,
    )
    yield RunContext(
        engine=engine,
        provider=MeteredProvider(provider),
        workflow=workflow,
        thread=thread,
        request={},
        input_text="hello",
        state={"count": 2, "label": None},
    )
    store.close()


async def run_node(ctx: RunContext, node_id: str, value: Any) -> tuple[list[Any], Outcome]:
    node = ctx.workflow.nodes[node_id]
    emitted = [item async for item in HANDLERS[node.type](ctx, Step(node_id, node, value))]
    *events, outcome = emitted
    assert isinstance(outcome, Outcome)
    assert not any(isinstance(e, Outcome) for e in events)
    return events, outcome


@pytest.mark.parametrize(("n", "port"), [(20, "cases[0]"), (5, "cases[1]"), (0, "else")])
async def test_if_else_takes_the_first_true_case(ctx: RunContext, n: int, port: str) -> None:
    assert await run_node(ctx, "route", {"n": n}) == ([], Continue({"n": n}, port=port))


async def test_set_state_returns_the_new_state_and_leaves_the_context_alone(
    ctx: RunContext,
) -> None:
    _, outcome = await run_node(ctx, "bump", "in")
    assert outcome == Continue("in", state={"count": 3, "label": "count=3"})
    assert ctx.state == {"count": 2, "label": None}


async def test_transform_end_and_note(ctx: RunContext) -> None:
    assert (await run_node(ctx, "double", {"n": 4}))[1] == Continue({"n": 8})
    assert (await run_node(ctx, "stop", {"n": 4}))[1] == End({"final": 4})
    assert (await run_node(ctx, "stop_plain", {"n": 4}))[1] == End({"n": 4})
    assert (await run_node(ctx, "memo", 1))[1] == Continue(1, port=None)


async def test_an_expression_error_names_the_node_and_field(ctx: RunContext) -> None:
    with pytest.raises(WorkflowRunError, match=r"Workflow node 'double' \(expr\): no such key"):
        await run_node(ctx, "double", {})


async def test_file_search_returns_passages(ctx: RunContext) -> None:
    events, outcome = await run_node(ctx, "search", None)
    assert events[0].text == "Searching documents…"
    assert isinstance(outcome, Continue)
    [result] = outcome.value["results"]
    assert result["filename"] == "policy.md"
    assert "five days" in result["text"]


async def test_guardrails_mask_and_remember_the_mask(ctx: RunContext) -> None:
    ctx.input_text = "write to jo@example.com"
    _, outcome = await run_node(ctx, "mask", None)
    assert outcome == Continue({"safe_text": "write to <EMAIL_ADDRESS>"}, port="on_pass")
    assert ctx.conversation.masks == [None]
    assert await ctx.conversation.redact("or ann@example.org") == "or <EMAIL_ADDRESS>"


async def test_guardrails_block_to_the_fail_port_or_fail_the_run(ctx: RunContext) -> None:
    ctx.input_text = "my card 4111 1111 1111 1111"
    _, outcome = await run_node(ctx, "block", None)
    assert isinstance(outcome, Continue) and outcome.port == "on_fail"
    assert outcome.value["guardrails"]["pii"]["detected_counts"] == {"CREDIT_CARD": 1}
    with pytest.raises(WorkflowRunError, match="did not pass"):
        await run_node(ctx, "block_unwired", None)


async def test_a_text_too_long_to_scan_goes_to_the_error_port(ctx: RunContext) -> None:
    ctx.input_text = "a." * (linear_regex.MAX_TEXT_LENGTH // 2 + 1)
    _, outcome = await run_node(ctx, "mask_or_error", None)
    assert isinstance(outcome, Continue) and outcome.port == "on_error"
    assert outcome.value["error"] == (
        f"PII check: text longer than {linear_regex.MAX_TEXT_LENGTH} characters cannot be matched"
    )


async def test_user_approval_shows_the_card_and_suspends_on_it(ctx: RunContext) -> None:
    [prompt], outcome = await run_node(ctx, "ask", {"n": 7})
    assert prompt.item.widget.children[0].value == "Refund 7?"
    assert outcome == Suspend("approval", prompt.item.id)


async def test_classify_routes_by_category_and_falls_back_to_shared_words(
    ctx: RunContext, endpoint: ScriptedEndpoint
) -> None:
    endpoint.script([Say('{"category": "shipping"}')], [Say("no idea")], [Say("still none")])
    ctx.input_text = "where is my parcel"
    _, outcome = await run_node(ctx, "sort", None)
    assert outcome == Continue({"category": "shipping"}, port="categories[1]")
    ctx.input_text = "I want a refund for an invoice"
    _, outcome = await run_node(ctx, "sort", None)
    assert outcome == Continue({"category": "billing"}, port="categories[0]")


async def test_agent_text_answers_stream_and_become_the_output(
    ctx: RunContext, endpoint: ScriptedEndpoint
) -> None:
    endpoint.script([Say("Two it is.")], [Say("Hidden.")])
    events, outcome = await run_node(ctx, "talk", None)
    assert outcome == Continue({"output_text": "Two it is.", "output_parsed": None})
    assert any(getattr(e, "type", "") == "thread.item.done" for e in events)
    assert endpoint.exchanges[-1].body["messages"][0]["content"] == "Count is 2."
    events, outcome = await run_node(ctx, "quiet", None)
    assert events == []  # not user visible
    assert ctx.conversation.model_only[-1]["content"][0]["text"] == "Hidden."
    assert ctx.provider.usage.calls == 2


async def test_agent_json_output_is_validated_and_retried_once(
    ctx: RunContext, endpoint: ScriptedEndpoint
) -> None:
    endpoint.script([Say('{"n": -1}')], [Say('{"n": 3}')])
    _, outcome = await run_node(ctx, "extract", None)
    assert outcome == Continue({"output_text": '{"n": 3}', "output_parsed": {"n": 3}})
    retry = endpoint.exchanges[-1].body["messages"][-1]["content"]
    assert "$.n: -1 is less than the minimum of 0" in retry


# --- the walker's rules -------------------------------------------------------------------


def walker(ctx: RunContext, workflow: Workflow) -> WorkflowRun:
    return WorkflowRun(
        ctx.engine,
        workflow,
        ctx.thread,
        {},
        record=RunRecord(),
        trace=RunTrace("thr_1", None, workflow.id, "draft", "message"),
    )


async def test_a_handler_without_an_outcome_fails_the_run(
    ctx: RunContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def forgetful(ctx: RunContext, step: Step[Any]) -> AsyncIterator[Any]:
        return
        yield

    monkeypatch.setitem(HANDLERS, "transform", forgetful)
    run = walker(ctx, ctx.workflow.model_copy(update={"start": "double"}))
    with pytest.raises(WorkflowRunError, match="'double' ended without an outcome"):
        [event async for event in run.start()]
    assert run.trace.status == "failed"
    assert run.result is None  # nothing to commit


async def test_a_port_the_node_does_not_have_fails_the_run(
    ctx: RunContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def misrouted(ctx: RunContext, step: Step[Any]) -> AsyncIterator[Any]:
        yield Continue(1, port="on_pass")

    monkeypatch.setitem(HANDLERS, "transform", misrouted)
    run = walker(ctx, ctx.workflow.model_copy(update={"start": "double"}))
    with pytest.raises(WorkflowRunError, match="'double' has no port 'on_pass'"):
        [event async for event in run.start()]


async def test_the_walker_commits_state_output_and_suspension(ctx: RunContext) -> None:
    workflow = parse_workflow(
        {
            "id": "wf_walk",
            "state": {"count": {"type": "number", "default": 0}},
            "start": "bump",
            "nodes": {
                "bump": {
                    "type": "set_state",
                    "assignments": [{"name": "count", "expr": "state.count + 1"}],
                    "next": "ask",
                },
                "ask": {"type": "user_approval", "message": "Go?", "next": {"on_approve": "fin"}},
                "fin": {"type": "end", "expr": "state.count"},
            },
        }
    )
    run = walker(ctx, workflow)
    [prompt] = [event async for event in run.start()]
    assert run.result is not None and run.result.state == {"count": 1}
    assert run.result.suspended is not None and run.result.suspended.item_id == prompt.item.id
    resumed = WorkflowRun(
        ctx.engine,
        workflow,
        ctx.thread,
        {},
        record=run.result,
        trace=RunTrace("thr_1", None, "wf_walk", "draft", "resume"),
    )
    assert [event async for event in resumed.resume("on_approve")] == []
    assert resumed.result == RunRecord({"count": 1}, None, 1)
    assert [s.node for s in resumed.trace.steps] == ["fin"]
