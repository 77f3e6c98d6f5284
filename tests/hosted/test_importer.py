"""Importing Agent Builder's internal workflow JSON, and running what it produced.

The fixture is written for these tests in the shape third parties documented
(``builtins.*`` nodes, named ports, edges, CEL everywhere).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from chatloom.agents.providers.scripted import CallTool, Say, ScriptedEndpoint
from chatloom.hosted.workflow import parse_workflow
from chatloom.hosted.workflow.importer import AgentBuilderImportError, import_agent_builder
from chatloom.hosted.workflow.model import AgentNode, GuardrailsNode, IfElseNode, NoteNode

from .conftest import Hosted, create, done_items, structured, thread_id_of

FIXTURE = Path(__file__).parent / "data" / "agent_builder_bike_shop.json"


def imported() -> dict:  # type: ignore[type-arg]
    result = import_agent_builder(json.loads(FIXTURE.read_text()), workflow_id="wf_bikes")
    return result.document


def test_the_import_is_a_valid_workflow() -> None:
    result = import_agent_builder(json.loads(FIXTURE.read_text()))
    workflow = parse_workflow(result.document)
    assert workflow.id == "wf_0123456789abcdef0123456789abcdef0123456789abcdef"
    assert workflow.name == "Bike shop helper"
    assert workflow.start == "safety_check"
    assert workflow.state_defaults() == {"tier": "basic", "asked": 0}
    assert workflow.state["asked"].type == "number"
    guard = workflow.nodes["safety_check"]
    assert isinstance(guard, GuardrailsNode)
    assert [c.type for c in guard.checks] == ["pii", "hallucination"]
    assert guard.checks[1].store == "vs_x"  # type: ignore[union-attr]  # the local store
    assert guard.next.on_pass == "sorter" and guard.next.on_fail == "end_2"
    sorter = workflow.nodes["sorter"]
    assert isinstance(sorter, AgentNode)
    assert (
        sorter.instructions == "Sort the request into repair or sales."
    )  # a CEL literal, unquoted
    assert sorter.model == "gpt-5-mini" and sorter.output.type == "json_schema"
    assert (sorter.user_visible, sorter.writes_to_history) == (False, False)
    route = workflow.nodes["route"]
    assert isinstance(route, IfElseNode)
    assert route.cases[0].next == "keep_kind" and route.else_ == "sales_desk"
    repair = workflow.nodes["repair_desk"]
    assert isinstance(repair, AgentNode)
    assert repair.instructions == "Book a repair for a {{ state.tier }} member."
    assert [t.type for t in repair.tools] == ["client"]
    assert workflow.nodes["confirm"].message == "Book it: {{ input.output_text }}?"  # type: ignore[union-attr]
    assert workflow.stores["vs_catalog"].path == "stores/vs_catalog"
    assert any(isinstance(node, NoteNode) for node in workflow.nodes.values())
    warnings = "\n".join(result.warnings)
    assert (
        "web_search" in warnings and "stores/vs_catalog" in warnings and "stores/vs_x" in warnings
    )


def test_not_an_agent_builder_document() -> None:
    with pytest.raises(AgentBuilderImportError):
        import_agent_builder({"hello": "world"})
    with pytest.raises(AgentBuilderImportError, match="no Start node"):
        import_agent_builder({"nodes": [], "edges": []})
    document = {
        "nodes": [
            {"id": "s", "node_type": "builtins.Start"},
            {"id": "x", "node_type": "builtins.Teleport"},
        ],
        "edges": [{"source_node_id": "s", "source_port_id": "on_result", "target_node_id": "x"}],
    }
    with pytest.raises(AgentBuilderImportError, match="Teleport"):
        import_agent_builder(document)


def test_an_imported_workflow_runs(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    hosted.publish(yaml.safe_dump(imported(), sort_keys=False, allow_unicode=True))
    secret = hosted.session(workflow={"id": "wf_bikes", "state_variables": {"tier": "gold"}})[
        "client_secret"
    ]
    endpoint.script(
        # The imported hallucination check asks the model about the (masked) text first.
        [Say('{"supported": true, "confidence": 0.9, "unsupported_claims": []}')],
        [Say('{"kind": "repair"}')],
        [CallTool("open_calendar", {})],
    )
    first = hosted.events(secret, create("my brake squeaks, mail me at a@b.co"))
    [call] = done_items(first, "client_tool_call")
    assert call["name"] == "open_calendar"
    assert done_items(first, "assistant_message") == []  # the sorter is not user-visible
    assert (
        endpoint.exchanges[2].body["messages"][0]["content"] == "Book a repair for a gold member."
    )
    # PII was masked before the agents saw the text (the checks read the original).
    assert "a@b.co" not in json.dumps([e.body for e in endpoint.exchanges[1:]])

    endpoint.script([Say("Booked for Tuesday.")])
    thread_id = thread_id_of(first)
    second = hosted.events(
        secret,
        {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": thread_id, "result": {}},
        },
    )
    [prompt] = done_items(second, "structured_input")
    assert prompt["inputs"][0]["question"] == "Book it: Booked for Tuesday.?"
    third = hosted.events(secret, structured(thread_id, prompt["id"], "Approve"))
    assert [e["type"] for e in third if e["type"] == "error"] == []
