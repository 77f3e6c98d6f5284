"""Loading workflow files: the format, and errors that name the node and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatloom.hosted.workflow import WorkflowError, load_workflow, parse_workflow
from chatloom.hosted.workflow.model import AgentNode, WidgetOutput

VALID = """
id: wf_support
name: Support
state:
  plan: {type: string, default: free}
  tries: {type: number, default: 0}
start: guard
stores:
  kb: {path: kb}
nodes:
  guard:
    type: guardrails
    checks: [{type: pii, block: false}]
    next: {on_pass: classify, on_fail: refuse}
  classify:
    type: classify
    categories:
      - {name: refund, next: approve}
      - {name: question, next: answer}
  approve:
    type: user_approval
    message: "Refund order for {{ workflow.input_as_text }}?"
    next: {on_approve: count, on_reject: refuse}
  count:
    type: set_state
    assignments: [{name: tries, expr: state.tries + 1}]
    next: answer
  answer:
    type: agent
    instructions: "Help the {{ state.plan }} customer."
    tools: [{type: file_search, store: kb}, {type: client, name: switch_theme}]
    next: loop
  loop:
    type: while
    condition: state.tries < 3
    max_iterations: 5
    body:
      start: bump
      nodes:
        bump:
          type: set_state
          assignments: [{name: tries, expr: state.tries + 1}]
    next: done
  refuse: {type: end, expr: '{"message": "Sorry."}'}
  done: {type: end}
  remark: {type: note, text: "Classifier first."}
"""


def write(tmp_path: Path, text: str, name: str = "wf.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems_of(document: dict[str, Any], base_dir: Path | None = None) -> list[str]:
    with pytest.raises(WorkflowError) as caught:
        parse_workflow(document, base_dir=base_dir)
    return [str(problem) for problem in caught.value.problems]


def minimal(**nodes: Any) -> dict[str, Any]:
    return {"id": "wf_t", "start": next(iter(nodes)), "nodes": nodes}


def test_a_valid_yaml_workflow_loads(tmp_path: Path) -> None:
    workflow = load_workflow(write(tmp_path, VALID))
    assert workflow.id == "wf_support"
    assert workflow.state_defaults() == {"plan": "free", "tries": 0}
    assert set(workflow.all_nodes()) >= {"guard", "bump", "done", "remark"}


def test_json_loads_too(tmp_path: Path) -> None:
    document = minimal(hello={"type": "agent", "instructions": "Hi"})
    workflow = load_workflow(write(tmp_path, json.dumps(document), "wf.json"))
    assert isinstance(workflow.nodes["hello"], AgentNode)


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        ({"a": {"type": "agent", "modle": "x"}}, "node 'a', field 'modle': Extra inputs"),
        ({"a": {"type": "agent", "next": "nowhere"}}, "node 'a', field 'next': no node 'nowhere'"),
        ({"a": {"type": "teleport"}}, "node 'a'"),
        (
            {"a": {"type": "agent", "output": {"type": "json_schema"}}},
            "node 'a', field 'output.schema': Field required",
        ),
        (
            {"a": {"type": "if_else", "cases": [{"when": "state.x ==", "next": None}]}},
            "node 'a', field 'cases[0].when': invalid CEL",
        ),
        (
            {"a": {"type": "if_else", "cases": [{"when": "state.nope == 1"}]}},
            "node 'a', field 'cases[0].when': state variable 'nope' is not declared",
        ),
        (
            {"a": {"type": "transform", "expr": "secrets.key"}},
            "node 'a', field 'expr': unknown name 'secrets'",
        ),
        (
            {"a": {"type": "set_state", "assignments": [{"name": "ghost", "expr": "1"}]}},
            "node 'a', field 'assignments[0].name': state variable 'ghost' is not declared",
        ),
        (
            {"a": {"type": "agent", "instructions": "Hi {{ state.who }}"}},
            "node 'a', field 'instructions': state variable 'who' is not declared",
        ),
        (
            {
                "a": {"type": "agent", "next": "b"},
                "b": {"type": "transform", "expr": "1", "next": "a"},
            },
            "cycle a -> b -> a",
        ),
        (
            {"a": {"type": "file_search", "store": "kb"}},
            "node 'a', field 'store': store 'kb' is not declared",
        ),
        (
            {"a": {"type": "agent", "output": {"type": "widget"}}},
            "node 'a', field 'output': a widget output needs template",
        ),
        (
            {"a": {"type": "while", "condition": "true", "body": {"start": "x", "nodes": {}}}},
            "node 'a', field 'body.start': no node 'x'",
        ),
        (
            {
                "a": {
                    "type": "while",
                    "condition": "true",
                    "max_iterations": 0,
                    "body": {"start": "x", "nodes": {"x": {"type": "end"}}},
                }
            },
            "node 'a', field 'max_iterations'",
        ),
        (
            {"a": {"type": "classify", "categories": [{"name": "only"}]}},
            "node 'a', field 'categories'",
        ),
    ],
)
def test_problems_name_the_node_and_field(nodes: dict[str, Any], expected: str) -> None:
    found = problems_of(minimal(**nodes))
    assert any(expected in problem for problem in found), found


def test_workflow_level_problems() -> None:
    found = problems_of({"id": "nope", "start": "x", "nodes": {}})
    assert any("field 'id'" in problem for problem in found), found
    found = problems_of({"id": "wf_a", "start": "x", "nodes": {}, "on_action": {"buy": "y"}})
    assert "field 'start': no node 'x'" in found
    assert "field 'on_action.buy': no node 'y'" in found


def test_every_problem_of_a_stage_is_reported_at_once() -> None:
    # Structure first (every field of every node), then the graph and expressions.
    found = problems_of(minimal(a={"type": "agent", "modle": "x"}, c={"type": "transform"}))
    assert len(found) == 2
    found = problems_of(
        minimal(a={"type": "agent", "next": "b"}, c={"type": "transform", "expr": "(("})
    )
    assert len(found) == 2


def test_body_nodes_only_reach_their_own_scope() -> None:
    body = {"start": "x", "nodes": {"x": {"type": "agent", "next": "outside"}}}
    found = problems_of(
        minimal(a={"type": "while", "condition": "true", "body": body}, outside={"type": "end"})
    )
    assert "node 'x', field 'next': no node 'outside' in the body of 'a'" in found


def test_widget_template_files_are_inlined(tmp_path: Path) -> None:
    widget = {
        "version": "1.0",
        "name": "Answer",
        "template": '{"type": "Card", "children": [{"type": "Text", "value": {{ (text) | tojson }}}]}',
        "jsonSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
    }
    (tmp_path / "answer.widget").write_text(json.dumps(widget))
    document = minimal(
        a={"type": "agent", "output": {"type": "widget", "template_file": "answer.widget"}}
    )
    workflow = parse_workflow(document, base_dir=tmp_path)
    output = workflow.nodes["a"].output  # type: ignore[union-attr]
    assert isinstance(output, WidgetOutput)
    assert output.template == widget["template"]
    assert output.data_schema == widget["jsonSchema"]
    assert output.template_file is None


def test_template_files_must_stay_inside_the_workflow_folder(tmp_path: Path) -> None:
    inner = tmp_path / "flows"
    inner.mkdir()
    (tmp_path / "secret.widget").write_text("{}")
    document = minimal(
        a={"type": "agent", "output": {"type": "widget", "template_file": "../secret.widget"}}
    )
    found = problems_of(document, base_dir=inner)
    assert "node 'a', field 'output.template_file': no such file: ../secret.widget" in found


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    text = "id: wf_a\nstart: a\nx: &big [1, 2]\ny: *big\nnodes: {a: {type: end}}\n"
    with pytest.raises(WorkflowError, match="aliases"):
        load_workflow(write(tmp_path, text))


def test_malformed_yaml_is_a_workflow_error(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="not valid yaml"):
        load_workflow(write(tmp_path, "id: [unclosed"))
