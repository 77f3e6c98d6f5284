"""Importing the Agents SDK programs Agent Builder's Code button exported.

The exports under ``exports/`` are written for these tests in the exporter's generated
style (module-level agents, ``run_workflow`` with one statement group per node). Nothing
in them is ever run: a test below checks that importing has no side effect.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.hosted.workflow import parse_workflow
from chatloom.hosted.workflow.code_import import ExportImportError, import_python_export
from chatloom.hosted.workflow.model import (
    AgentNode,
    EndNode,
    GuardrailsNode,
    IfElseNode,
    SetStateNode,
    UserApprovalNode,
    WhileNode,
)
from chatloom.hosted.workflow.ts_import import import_typescript_export

from .conftest import Hosted, create, done_items, structured, thread_id_of

EXPORTS = Path(__file__).parent / "exports"


def imported(name: str) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    path = EXPORTS / name
    result = import_python_export(path.read_text(), filename=str(path))
    return result.document, result.warnings


def test_a_triage_export_becomes_its_graph() -> None:
    document, warnings = imported("support_triage.py")
    workflow = parse_workflow(document)
    assert workflow.id == "wf_6a1f00c0ffee00000000000000000000000000000000support"
    assert workflow.name == "Support triage"
    assert workflow.state_defaults() == {"escalations": 0}
    assert next(iter(workflow.nodes)) == workflow.start == "guardrails"  # graph order

    guard = workflow.nodes["guardrails"]
    assert isinstance(guard, GuardrailsNode)
    assert guard.input == "workflow.input_as_text"
    assert [c.type for c in guard.checks] == ["jailbreak", "pii"]
    assert guard.next.on_pass == "triage"
    fail = workflow.nodes[guard.next.on_fail or ""]
    assert isinstance(fail, EndNode) and fail.expr == "input"  # return guardrails_output

    triage = workflow.nodes["triage"]
    assert isinstance(triage, AgentNode)
    assert triage.name == "Triage" and triage.model == "gpt-4.1-mini"
    assert triage.instructions.startswith('Sort the message into one topic: "order"')
    assert (triage.temperature, triage.top_p, triage.max_output_tokens) == (0, 1, 512)
    assert triage.output.type == "json_schema"
    assert triage.output.schema_ == {  # type: ignore[union-attr]
        "type": "object",
        "properties": {"topic": {"type": "string"}, "urgent": {"type": "boolean"}},
        "required": ["topic", "urgent"],
        "additionalProperties": False,
    }

    route = workflow.nodes[triage.next or ""]
    assert isinstance(route, IfElseNode)
    assert [case.when for case in route.cases] == [
        'input.output_parsed.topic == "order"',
        '(input.output_parsed.topic == "account" && input.output_parsed.urgent)',
    ]
    orders = workflow.nodes[route.cases[0].next or ""]
    assert isinstance(orders, AgentNode) and [t.type for t in orders.tools] == ["client"]
    account = workflow.nodes[route.cases[1].next or ""]
    assert isinstance(account, AgentNode) and account.reasoning is not None
    assert account.reasoning.effort == "low" and account.next is None
    otherwise = workflow.nodes[route.else_ or ""]
    assert isinstance(otherwise, EndNode) and otherwise.expr == "input"  # return triage_result

    approval = workflow.nodes[orders.next or ""]
    assert isinstance(approval, UserApprovalNode) and approval.message == "Did that solve it?"
    approved = workflow.nodes[approval.next.on_approve or ""]
    assert isinstance(approved, EndNode) and approved.expr == '{"resolved": true}'
    count = workflow.nodes[approval.next.on_reject or ""]
    assert isinstance(count, SetStateNode)
    assert count.assignments[0].expr == "(state.escalations + 1)"
    assert warnings == []


def test_loops_templates_and_tools() -> None:
    document, warnings = imported("research_loop.py")
    workflow = parse_workflow(document)
    assert workflow.id == "wf_research_loop"
    assert workflow.start == "set_state"
    loop = next(n for n in workflow.nodes.values() if isinstance(n, WhileNode))
    assert loop.condition == "state.rounds < 2"
    researcher = loop.body.nodes[loop.body.start]
    assert isinstance(researcher, AgentNode)
    assert [t.type for t in researcher.tools] == ["file_search"]  # web search dropped
    drafter = workflow.nodes["drafter"]
    assert isinstance(drafter, AgentNode)
    # An instructions function becomes a template over what the call site passed in; the
    # file search result two nodes back is kept in state for it.
    assert drafter.instructions == (
        "Write a short answer about {{ state.topic }}.\n"
        "Use these notes: {{ state.file_search_output.results[0].filename }}"
    )
    assert workflow.nodes["file_search"].next == "keep_file_search"  # type: ignore[union-attr]
    assert [t.type for t in drafter.tools] == ["mcp"]
    end = workflow.nodes[drafter.next or ""]
    assert isinstance(end, EndNode)
    assert end.expr == '{"answer": input.output_text, "rounds": state.rounds}'
    assert workflow.stores["vs_handbook"].path == "stores/vs_handbook"
    line = f"{EXPORTS / 'research_loop.py'}:"
    assert any(w.startswith(line) and "web_search" in w for w in warnings)
    assert any(w.startswith(line) and "stores/vs_handbook" in w for w in warnings)


def triage_session(hosted: Hosted) -> str:
    """Publishes the imported triage export and opens a session on it."""
    document, _ = imported("support_triage.py")
    document["id"] = "wf_triage"
    hosted.publish(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return str(hosted.session(workflow={"id": "wf_triage"})["client_secret"])


def test_an_imported_export_runs_the_same_path(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    secret = triage_session(hosted)
    endpoint.script(
        [Say('{"jailbreak": false, "confidence": 0.1}')],
        [Say('{"topic": "order", "urgent": false}')],
        [Say("Order 42 ships tomorrow.")],
    )
    first = hosted.events(secret, create("where is order 42?"))
    assert [m["content"][0]["text"] for m in done_items(first, "assistant_message")][-1] == (
        "Order 42 ships tomorrow."
    )
    [prompt] = done_items(first, "structured_input")
    assert prompt["inputs"][0]["question"] == "Did that solve it?"
    thread_id = thread_id_of(first)
    second = hosted.events(secret, structured(thread_id, prompt["id"], "Reject"))
    assert [e for e in second if e["type"] == "error"] == []
    assert done_items(second, "assistant_message") == []  # the reject branch only ends
    # Guardrail, triage, orders desk: the path the code takes on these answers.
    assert len(endpoint.exchanges) == 3
    assert "where is order 42?" in json.dumps(endpoint.exchanges[2].body["messages"])


def test_the_other_branch_runs_on_other_answers(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    secret = triage_session(hosted)
    endpoint.script(
        [Say('{"jailbreak": false, "confidence": 0.1}')],
        [Say('{"topic": "account", "urgent": true}')],
        [Say("Open Settings, then Security.")],
    )
    events = hosted.events(secret, create("I am locked out of my account"))
    texts = [m["content"][0]["text"] for m in done_items(events, "assistant_message")]
    assert texts[-1] == "Open Settings, then Security."
    assert done_items(events, "structured_input") == []  # no approval on this branch


def test_importing_never_runs_the_file(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    export = tmp_path / "export.py"
    export.write_text(
        (EXPORTS / "support_triage.py").read_text() + f"\nopen({str(marker)!r}, 'w').write('ran')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "chatloom", "workflow", "import", str(export), "-o",
         str(tmp_path / "out.yaml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert not marker.exists()
    assert result.returncode == 0, result.stderr
    assert re.search(r"export\.py:\d+: a module-level statement", result.stderr)  # not run
    assert parse_workflow(yaml.safe_load((tmp_path / "out.yaml").read_text())).nodes


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f(:\n", "x.py:1: syntax error"),
        ("print('hello')\n", "x.py: no 'async def run_workflow"),
        (
            "async def run_workflow(workflow_input):\n  x = 1\n  launch_rockets(x)\n",
            "x.py:3: statement 'launch_rockets(x)' is not a workflow step",
        ),
        (
            "async def run_workflow(workflow_input):\n  r = await Runner.run(ghost, input=[])\n",
            "x.py:2: agent 'ghost' is not defined at module level",
        ),
        (
            "async def run_workflow(workflow_input):\n  if mystery > 1:\n    return 1\n",
            "x.py:2: 'mystery' is not a workflow value",
        ),
    ],
)
def test_what_is_not_an_export_is_refused_with_file_and_line(source: str, message: str) -> None:
    with pytest.raises(ExportImportError) as caught:
        import_python_export(source, filename="x.py")
    assert message in str(caught.value)


def test_the_typescript_export_imports_to_the_same_workflow() -> None:
    path = EXPORTS / "support_triage.ts"
    typescript = import_typescript_export(path.read_text(), filename=str(path))
    python, _ = imported("support_triage.py")
    assert typescript.document == python
    assert typescript.warnings == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("const a = ;\n", "x.ts:1: syntax error"),
        ("export const runWorkflow = async (workflow) => {\n  for (;;) {}\n};\n",
         "x.ts:2: a for statement is not a workflow step"),
        ("export const runWorkflow = async (workflow) => {\n  launchRockets();\n};\n",
         "x.ts:2: statement 'launchRockets()' is not a workflow step"),
        ("const x = 1;\n", "x.ts: no 'async def run_workflow"),
    ],
)  # fmt: skip
def test_typescript_problems_name_file_and_line(source: str, message: str) -> None:
    with pytest.raises(ExportImportError) as caught:
        import_typescript_export(source, filename="x.ts")
    assert message in str(caught.value)


def test_the_cli_imports_a_typescript_export(tmp_path: Path) -> None:
    output = tmp_path / "triage.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "chatloom", "workflow", "import",
         str(EXPORTS / "support_triage.ts"), "-o", str(output)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout
    workflow = parse_workflow(yaml.safe_load(output.read_text()))
    assert workflow.id == "wf_6a1f00c0ffee00000000000000000000000000000000support"
