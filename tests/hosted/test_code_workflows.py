"""Code workflows: an Agent Builder code export served unchanged (``code: file.py:fn``).

Real HTTP throughout: the hosted app and the scripted model server run under uvicorn on
loopback; the export is the sample in ``exports/`` (never edited) or a program written
below in the exporter's style.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from chatloom.agents.providers.scripted import CallTool, Pause, Say, ScriptedEndpoint, Think
from chatloom.hosted.code.session import MAX_STEPS
from chatloom.hosted.workflow import WorkflowError, load_workflow

from ..polling import eventually
from .conftest import BETA, Hosted, add, create, done_items, structured, thread_id_of
from .test_code_import import imported
from .test_mcp import (
    McpServer,
    mcp,  # noqa: F401  (the fixture: a scripted MCP server on loopback)
)
from .test_traces import runs

EXPORTS = Path(__file__).parent / "exports"
TRIAGE_ID = "wf_6a1f00c0ffee00000000000000000000000000000000support"


def publish_code(hosted: Hosted, source: Path | str, yaml_text: str = "", name: str = "app") -> str:
    """Put the program beside a workflow file naming it, publish it; a session's secret."""
    folder = hosted.repository.folder
    if isinstance(source, Path):
        shutil.copy(source, folder / source.name)
        file = source.name
    else:
        file = f"{name}.py"
        (folder / file).write_text(source)
    (folder / f"{name}.yaml").write_text(f"code: {file}:run_workflow\n{yaml_text}")
    workflow_id = load_workflow(folder / f"{name}.yaml").id
    hosted.repository.publish(workflow_id)
    return str(hosted.session(workflow={"id": workflow_id})["client_secret"])


def texts(events: list[dict[str, Any]]) -> list[str]:
    return [m["content"][0]["text"] for m in done_items(events, "assistant_message")]


def errors(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "error"]


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    """What a model call asks: model, settings, tool names and messages (a JSON answer's
    schema is left out of its instructions: pydantic titles its fields, YAML does not)."""
    messages = [dict(m) for m in body["messages"]]
    if messages and messages[0]["role"] == "system":
        messages[0]["content"] = messages[0]["content"].split("\n\nAnswer with a single JSON")[0]
    return {
        "model": body.get("model"),
        "settings": {k: body.get(k) for k in ("temperature", "top_p", "max_tokens")},
        "tools": sorted(t["function"]["name"] for t in body.get("tools") or []),
        "messages": messages,
    }


ORDER_SCRIPT = (
    [Say('{"jailbreak": false, "confidence": 0.1}')],
    [Say('{"topic": "order", "urgent": false}')],
    [Say("Order 42 ships tomorrow.")],
)


def test_the_export_runs_unchanged_with_the_same_calls_as_its_import(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    code_secret = publish_code(hosted, EXPORTS / "support_triage.py")
    document, _ = imported("support_triage.py")
    document["id"] = "wf_triage_yaml"
    hosted.publish(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    yaml_secret = str(hosted.session(workflow={"id": "wf_triage_yaml"})["client_secret"])

    endpoint.script(*ORDER_SCRIPT, *ORDER_SCRIPT)
    code = hosted.events(code_secret, create("where is order 42?"))
    from_yaml = hosted.events(yaml_secret, create("where is order 42?"))

    assert errors(code) == [] and errors(from_yaml) == []
    assert (
        texts(code)
        == texts(from_yaml)
        == [
            '{"topic": "order", "urgent": false}',
            "Order 42 ships tomorrow.",
        ]
    )
    calls = [comparable(exchange.body) for exchange in endpoint.exchanges]
    assert len(calls) == 6
    assert calls[:3] == calls[3:]  # guardrail, triage, orders desk: same models, same input
    assert [c["model"] for c in calls[:3]] == ["gpt-5-nano", "gpt-4.1-mini", "gpt-4.1"]
    assert calls[2]["tools"] == ["lookup_order"]
    [code_prompt] = done_items(code, "structured_input")
    [yaml_prompt] = done_items(from_yaml, "structured_input")
    assert code_prompt["inputs"] == yaml_prompt["inputs"]  # the same question, same options


def test_replies_stream_token_by_token_and_reasoning_shows_as_thoughts(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    secret = publish_code(hosted, EXPORTS / "support_triage.py")
    endpoint.script(
        [Say('{"jailbreak": false, "confidence": 0.1}')],
        [Say('{"topic": "account", "urgent": true}')],
        [
            Think("The customer is locked out."),
            Say("Open Settings, then Security, then Reset.", chunk_size=5),
        ],
    )
    events = hosted.events(secret, create("I am locked out of my account"))
    # The account desk (a reasoning model, effort low) thinks aloud: a thought task.
    assert endpoint.exchanges[2].body["reasoning_effort"] == "low"
    [thinking] = done_items(events, "workflow")
    assert thinking["workflow"]["tasks"][0]["type"] == "thought"
    assert thinking["workflow"]["tasks"][0]["content"] == "The customer is locked out."
    [answer] = [m for m in done_items(events, "assistant_message") if "Settings" in json.dumps(m)]
    deltas = [
        e["update"]["delta"]
        for e in events
        if e["type"] == "thread.item.updated"
        and e["item_id"] == answer["id"]
        and e["update"]["type"] == "assistant_message.content_part.text_delta"
    ]
    assert len(deltas) >= 8
    assert "".join(deltas) == "Open Settings, then Security, then Reset."
    first_delta = next(i for i, e in enumerate(events) if e.get("item_id") == answer["id"])
    done = next(
        i
        for i, e in enumerate(events)
        if e.get("item", {}).get("id") == answer["id"] and e["type"] == "thread.item.done"
    )
    assert first_delta < done
    # The account branch has no approval: the run completed.
    assert done_items(events, "structured_input") == []


APPROVAL_EXPORT = """
from agents import Agent, ModelSettings, TResponseInputItem, Runner, RunConfig, trace
from pydantic import BaseModel

closer = Agent(name="Closer", instructions="Say goodbye.", model="gpt-4.1-mini",
  model_settings=ModelSettings(store=True))
escalation = Agent(name="Escalation", instructions="Hand over to a human.", model="gpt-4.1",
  model_settings=ModelSettings(store=True))
helper = Agent(name="Helper", instructions="Help.", model="gpt-4.1",
  model_settings=ModelSettings(store=True))

def approval_request(message: str):
  # TODO: Implement
  return True

class WorkflowInput(BaseModel):
  input_as_text: str

async def run_workflow(workflow_input: WorkflowInput):
  with trace("Approvals"):
    workflow = workflow_input.model_dump()
    conversation_history: list[TResponseInputItem] = [
      {"role": "user", "content": [{"type": "input_text", "text": workflow["input_as_text"]}]}
    ]
    helper_result_temp = await Runner.run(helper, input=[*conversation_history],
      run_config=RunConfig(trace_metadata={"__trace_source__": "agent-builder", "workflow_id": "wf_approvals"}))
    conversation_history.extend([item.to_input_item() for item in helper_result_temp.new_items])
    if approval_request("Did that solve it?"):
      closer_result_temp = await Runner.run(closer, input=[*conversation_history])
      return {"resolved": True, "text": closer_result_temp.final_output_as(str)}
    else:
      escalation_result_temp = await Runner.run(escalation, input=[*conversation_history])
      return {"resolved": False, "text": escalation_result_temp.final_output_as(str)}
"""


@pytest.mark.parametrize(
    ("answer", "agent", "reply"),
    [("Approve", "Closer", "Goodbye!"), ("Reject", "Escalation", "A human will call you.")],
)
def test_an_approval_suspends_and_the_answer_takes_its_branch(
    hosted: Hosted, endpoint: ScriptedEndpoint, answer: str, agent: str, reply: str
) -> None:
    secret = publish_code(hosted, APPROVAL_EXPORT)
    endpoint.script([Say("Try turning it off and on.")], [Say(reply)])
    first = hosted.events(secret, create("my router is broken"))
    assert errors(first) == []
    assert texts(first) == ["Try turning it off and on."]
    [prompt] = done_items(first, "structured_input")
    assert prompt["inputs"][0]["question"] == "Did that solve it?"
    assert [o["value"] for o in prompt["inputs"][0]["options"]] == ["Approve", "Reject"]
    assert len(endpoint.exchanges) == 1  # the run waits: nothing after the approval ran

    second = hosted.events(secret, structured(thread_id_of(first), prompt["id"], answer))
    assert errors(second) == []
    # The helper's answer came from the journal: not asked again, not shown again.
    assert texts(second) == [reply]
    assert len(endpoint.exchanges) == 2
    system = endpoint.exchanges[1].body["messages"][0]["content"]
    assert system == {"Closer": "Say goodbye.", "Escalation": "Hand over to a human."}[agent]
    history = json.dumps(endpoint.exchanges[1].body["messages"])
    assert "my router is broken" in history and "Try turning it off and on." in history

    # Each request's run is traced: the replayed helper is not a step of the second.
    latest, earlier = runs(hosted, thread_id_of(first))
    assert (earlier["status"], [s["node"] for s in earlier["steps"]]) == ("suspended", ["Helper"])
    steps = [s["node"] for s in latest["steps"]]
    assert (latest["status"], steps) == ("completed", ["approval_request", agent])
    assert latest["steps"][0]["output"] == {"approved": answer == "Approve"}
    assert latest["steps"][1]["output"] == reply

    # Answering again is refused, and runs nothing.
    third = hosted.post(secret, structured(thread_id_of(first), prompt["id"], answer))
    assert third.status_code == 409
    assert len(endpoint.exchanges) == 2


TOOL_EXPORT = '''
from agents import function_tool, Agent, ModelSettings, TResponseInputItem, Runner, RunConfig, trace
from pydantic import BaseModel

SHIPPING = {"42": "shipped on Monday", "7": "waiting for stock"}

@function_tool
def lookup_order(order_number: str):
  """Look an order up by its number."""
  return f"Order {order_number}: {SHIPPING.get(order_number, 'unknown')}"

desk = Agent(name="Orders desk", instructions="Look the order up first.", model="gpt-4.1",
  tools=[lookup_order], model_settings=ModelSettings(temperature=1, store=True))

class WorkflowInput(BaseModel):
  input_as_text: str

async def run_workflow(workflow_input: WorkflowInput):
  with trace("Orders"):
    workflow = workflow_input.model_dump()
    conversation_history: list[TResponseInputItem] = [
      {"role": "user", "content": [{"type": "input_text", "text": workflow["input_as_text"]}]}
    ]
    desk_result_temp = await Runner.run(desk, input=[*conversation_history],
      run_config=RunConfig(trace_metadata={"__trace_source__": "agent-builder", "workflow_id": "wf_orders"}))
    return {"output_text": desk_result_temp.final_output_as(str)}
'''


def test_a_function_tool_runs_its_python_body(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    secret = publish_code(hosted, TOOL_EXPORT, "models:\n  Orders desk: local-small\n")
    endpoint.script(
        [CallTool("lookup_order", {"order_number": "42"}, call_id="call_9")],
        [Say("It shipped on Monday.")],
    )
    events = hosted.events(secret, create("where is order 42?"))
    assert errors(events) == []
    assert texts(events) == ["It shipped on Monday."]
    tool_message = endpoint.exchanges[1].body["messages"][-1]
    assert tool_message == {
        "role": "tool",
        "tool_call_id": "call_9",
        "content": "Order 42: shipped on Monday",
    }
    # The models: mapping chose the model; the call showed as a workflow task.
    assert [e.body["model"] for e in endpoint.exchanges] == ["local-small", "local-small"]
    [workflow] = done_items(events, "workflow")
    assert [t["title"] for t in workflow["workflow"]["tasks"]] == ["lookup_order"]


def test_a_second_message_sees_the_first_turn(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    secret = publish_code(hosted, EXPORTS / "support_triage.py")
    endpoint.script(
        [Say('{"jailbreak": false, "confidence": 0.1}')],
        [Say('{"topic": "account", "urgent": true}')],
        [Say("Open Settings, then Security.")],
        [Say('{"jailbreak": false, "confidence": 0.1}')],
        [Say('{"topic": "account", "urgent": true}')],
        [Say("Then press Reset.")],
    )
    first = hosted.events(secret, create("I am locked out of my account"))
    thread_id = thread_id_of(first)
    second = hosted.events(secret, add(thread_id, "and then?"))
    assert errors(second) == []
    assert texts(second)[-1] == "Then press Reset."
    triage = [m for m in endpoint.exchanges[4].body["messages"] if m["role"] != "system"]
    assert triage == [
        {"role": "user", "content": "I am locked out of my account"},
        {"role": "assistant", "content": '{"topic": "account", "urgent": true}'},
        {"role": "assistant", "content": "Open Settings, then Security."},
        {"role": "user", "content": "and then?"},
    ]


@pytest.mark.parametrize(
    ("reference", "files", "message"),
    [
        ("missing.py:run_workflow", {}, "code': no such file: missing.py"),
        (
            "app.py:start",
            {"app.py": "async def run_workflow(x):\n  return 1\n"},
            "app.py: no top-level function 'start'",
        ),
        ("../app.py:run_workflow", {}, "../app.py is outside the workflow's folder"),
        (
            "app.py:run_workflow",
            {"app.py": "async def run_workflow(x):\n  return (\n"},
            "app.py:2: syntax error",
        ),
        (
            "app.py:run_workflow",
            {"app.py": "def run_workflow(x):\n  return 1\n"},
            "app.py:1: 'run_workflow' must be 'async def'",
        ),
        ("app.py", {}, "write code: <file>.py:<function>"),
    ],
)
def test_bad_code_references_fail_at_load_naming_the_file(
    tmp_path: Path, reference: str, files: dict[str, str], message: str
) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (tmp_path / "app.py").write_text("async def run_workflow(x):\n  return 1\n")
    for name, text in files.items():
        (folder / name).write_text(text)
    (folder / "wf.yaml").write_text(f"id: wf_x\ncode: {reference}\n")
    with pytest.raises(WorkflowError) as raised:
        load_workflow(folder / "wf.yaml")
    assert message in str(raised.value)
    assert str(folder / "wf.yaml") in str(raised.value)


def test_a_workflow_file_cannot_carry_python(tmp_path: Path) -> None:
    path = tmp_path / "wf.yaml"
    path.write_text("id: wf_x\ncode: {file: a.py, function: run_workflow, source: 'import os'}\n")
    with pytest.raises(WorkflowError, match=r"write code: <file>\.py:<function>"):
        load_workflow(path)


def test_the_id_comes_from_the_export_and_a_draft_follows_its_program(tmp_path: Path) -> None:
    shutil.copy(EXPORTS / "support_triage.py", tmp_path / "support_triage.py")
    (tmp_path / "triage.yaml").write_text("code: support_triage.py:run_workflow\n")
    from chatloom.hosted import WorkflowRepository

    repository = WorkflowRepository(tmp_path)
    draft = repository.draft(TRIAGE_ID)
    assert draft.code is not None and "Orders desk" in draft.code.source
    published = repository.publish(TRIAGE_ID)
    program = tmp_path / "support_triage.py"
    program.write_text(program.read_text().replace("Orders desk", "Order desk"))
    assert "Order desk" in repository.draft(TRIAGE_ID).code.source  # type: ignore[union-attr]
    # The published version keeps the program it was published with.
    assert repository.published(TRIAGE_ID, published.version).code.source == draft.code.source  # type: ignore[union-attr]


RESEARCH_EXPORT = '''
from agents import FileSearchTool, RunContextWrapper, Agent, ModelSettings, TResponseInputItem, Runner, RunConfig, trace
from openai import AsyncOpenAI
from types import SimpleNamespace
from guardrails.runtime import load_config_bundle, instantiate_guardrails, run_guardrails
from pydantic import BaseModel

file_search = FileSearchTool(vector_store_ids=["vs_handbook"], max_num_results=4)
client = AsyncOpenAI()
ctx = SimpleNamespace(guardrail_llm=client)
intake_config = {"guardrails": [
  {"name": "Contains PII", "config": {"block": True, "entities": ["EMAIL_ADDRESS"]}}
]}
class DrafterContext:
  def __init__(self, state_topic: str, input_output_text: str):
    self.state_topic = state_topic
    self.input_output_text = input_output_text
def drafter_instructions(run_context: RunContextWrapper[DrafterContext], _agent: Agent[DrafterContext]):
  state_topic = run_context.context.state_topic
  input_output_text = run_context.context.input_output_text
  return f"""Write about {state_topic}. Notes: {input_output_text}"""
researcher = Agent(name="Researcher", instructions="Find what the handbook says.",
  model="gpt-4.1-mini", tools=[file_search])
drafter = Agent(name="Drafter", instructions=drafter_instructions, model="gpt-4.1")

class WorkflowInput(BaseModel):
  input_as_text: str

async def run_workflow(workflow_input: WorkflowInput):
  with trace("Research"):
    workflow = workflow_input.model_dump()
    results = await run_guardrails(ctx, workflow["input_as_text"], "text/plain",
      instantiate_guardrails(load_config_bundle(intake_config)), suppress_tripwire=True)
    if any(r.tripwire_triggered for r in results):
      return {"blocked_by": results[0].info["guardrail_name"]}
    conversation_history: list[TResponseInputItem] = [
      {"role": "user", "content": [{"type": "input_text", "text": workflow["input_as_text"]}]}
    ]
    filesearch_result = { "results": [
      {"id": result.file_id, "filename": result.filename, "score": result.score}
      for result in (await client.vector_stores.search(vector_store_id="vs_handbook",
        query=workflow["input_as_text"], max_num_results=3)).data
    ] }
    researcher_result_temp = await Runner.run(researcher, input=[*conversation_history],
      run_config=RunConfig(trace_metadata={"__trace_source__": "agent-builder", "workflow_id": "wf_research"}))
    conversation_history.extend([item.to_input_item() for item in researcher_result_temp.new_items])
    drafter_result_temp = await Runner.run(drafter, input=[*conversation_history],
      context=DrafterContext(state_topic=workflow["input_as_text"],
        input_output_text=filesearch_result["results"][0]["filename"]))
    if drafter_result_temp.final_output_as(str) == "fail":
      raise ValueError("the drafter gave up")
    return {"answer": drafter_result_temp.final_output_as(str)}
'''


def research_session(hosted: Hosted) -> str:
    handbook = hosted.repository.folder / "handbook"
    handbook.mkdir()
    (handbook / "refunds.md").write_text("Refunds are paid within 14 days of the return.\n")
    stores = "stores:\n  vs_handbook: {path: handbook}\n"
    return publish_code(hosted, RESEARCH_EXPORT, stores, name="research")


def test_document_search_guardrails_and_instructions_from_context(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    secret = research_session(hosted)
    endpoint.script(
        [CallTool("file_search", {"query": "refunds"})],
        [Say("Refunds take 14 days.")],
        [Say("You get your money back within 14 days.")],
    )
    events = hosted.events(secret, create("how long do refunds take?"))
    assert errors(events) == []
    assert texts(events)[-1] == "You get your money back within 14 days."
    # The agent's file search reached the workflow's documents…
    assert "14 days of the return" in endpoint.exchanges[1].body["messages"][-1]["content"]
    # …and so did client.vector_stores.search: its first result named the drafter's notes.
    system = endpoint.exchanges[2].body["messages"][0]["content"]
    assert system == "Write about how long do refunds take?. Notes: refunds.md"

    blocked = hosted.events(secret, create("mail me at jane@example.com"))
    assert errors(blocked) == []
    assert len(endpoint.exchanges) == 3  # the PII guardrail tripped: no agent ran


def test_a_failing_program_shows_its_file_and_line(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    secret = research_session(hosted)
    endpoint.script([Say("Nothing found.")], [Say("fail")])
    events = hosted.events(secret, create("refunds?"))
    [error] = errors(events)
    line = RESEARCH_EXPORT.split("\n").index('      raise ValueError("the drafter gave up")') + 1
    assert error["message"] == f"research.py:{line}: ValueError: the drafter gave up"


def test_the_cli_validates_a_code_workflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .test_cli import run

    shutil.copy(EXPORTS / "support_triage.py", tmp_path / "support_triage.py")
    (tmp_path / "triage.yaml").write_text("code: support_triage.py:run_workflow\n")
    assert run("workflow", "validate", str(tmp_path)) == 0
    assert f"ok ({TRIAGE_ID}, runs support_triage.py)" in capsys.readouterr().out


DRIFTING_EXPORT = """
from agents import Agent, Runner

calls = {"n": 0}
first = Agent(name="First", instructions="One.", model="gpt-4.1")
second = Agent(name="Second", instructions="Two.", model="gpt-4.1")

def approval_request(message: str):
  return True

async def run_workflow(workflow_input):
  calls["n"] += 1  # module state: a second run of the program takes another path
  agent = first if calls["n"] % 2 else second
  await Runner.run(agent, input=workflow_input["input_as_text"])
  if approval_request("Go on?"):
    return {"done": True}
"""


def test_a_program_that_drifts_on_replay_stops_with_a_clear_error(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    secret = publish_code(hosted, DRIFTING_EXPORT, "id: wf_drifting\n")
    endpoint.script([Say("One.")])
    first = hosted.events(secret, create("hello"))
    [prompt] = done_items(first, "structured_input")
    second = hosted.events(secret, structured(thread_id_of(first), prompt["id"], "Approve"))
    [error] = errors(second)
    assert "took another step when it ran again" in error["message"]
    assert "'Second'" in error["message"] and "'First' was recorded" in error["message"]
    assert len(endpoint.exchanges) == 1


def test_the_journal_is_bounded() -> None:
    from chatloom.hosted.code.journal import MAX_ENTRIES, Journal
    from chatloom.hosted.engine import WorkflowRunError

    journal = Journal()
    for index in range(MAX_ENTRIES):
        journal.record("agent", f"a{index}", {"messages": ["ok"]})
    with pytest.raises(WorkflowRunError, match="more steps than can be replayed"):
        journal.record("agent", "one more", {})
    with pytest.raises(WorkflowRunError, match="more steps than can be replayed"):
        Journal().record("search", "big", ["x" * 1_000_001])


MCP_EXPORT = """
from agents import HostedMCPTool, WebSearchTool, Agent, Runner

mcp = HostedMCPTool(tool_config={
  "type": "mcp",
  "server_label": "shop",
  "allowed_tools": ["order_status"],
  "require_approval": "%(approval)s",
  "server_url": "%(url)s"
})
web_search_preview = WebSearchTool(search_context_size="medium")
helper = Agent(name="Helper", instructions="Use the shop tools.", model="gpt-4.1",
  tools=[mcp, web_search_preview])

async def run_workflow(workflow_input):
  result = await Runner.run(helper, input=workflow_input["input_as_text"])
  return {"output_text": result.final_output_as(str)}
"""


def test_a_hosted_mcp_tool_reaches_the_server_through_chatloom(
    hosted: Hosted, endpoint: ScriptedEndpoint, request: pytest.FixtureRequest
) -> None:
    server, url = request.getfixturevalue("mcp")
    assert isinstance(server, McpServer)
    secret = publish_code(hosted, MCP_EXPORT % {"url": url, "approval": "never"}, "id: wf_mcp\n")
    endpoint.script([CallTool("order_status", {"order": "7"})], [Say("It ships tomorrow.")])
    events = hosted.events(secret, create("where is order 7?"))
    assert errors(events) == []
    # allowed_tools holds; web search has no equivalent and is left out (a logged warning).
    assert [t["function"]["name"] for t in endpoint.exchanges[0].body["tools"]] == ["order_status"]
    assert server.calls == [{"name": "order_status", "arguments": {"order": "7"}}]
    assert texts(events) == ["It ships tomorrow."]


def test_an_mcp_token_in_clear_is_refused(
    hosted: Hosted, endpoint: ScriptedEndpoint, request: pytest.FixtureRequest
) -> None:
    _, url = request.getfixturevalue("mcp")
    for secret_config, problem in (
        ('"authorization": "sk-live-secret",', "write its credential as a header naming"),
        ('"headers": {"Authorization": "Bearer sk-live-secret"},', "carries a credential"),
    ):
        source = (MCP_EXPORT % {"url": url, "approval": "never"}).replace(
            '"type": "mcp",', '"type": "mcp", ' + secret_config
        )
        secret = publish_code(hosted, source, "id: wf_mcp\n")
        [error] = errors(hosted.events(secret, create("where is order 7?")))
        assert problem in error["message"]
        assert "sk-live-secret" not in error["message"] and endpoint.exchanges == []


def test_an_mcp_tool_that_asks_for_approval_is_refused_clearly(
    hosted: Hosted, endpoint: ScriptedEndpoint, request: pytest.FixtureRequest
) -> None:
    _, url = request.getfixturevalue("mcp")
    secret = publish_code(hosted, MCP_EXPORT % {"url": url, "approval": "always"}, "id: wf_mcp\n")
    [error] = errors(hosted.events(secret, create("where is order 7?")))
    assert "asks for approval of its calls" in error["message"]
    assert endpoint.exchanges == []


def test_a_client_going_away_stops_the_program_and_its_model_call(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    secret = publish_code(hosted, TOOL_EXPORT)
    endpoint.script([Say("Looking"), Pause(30), Say(" never sent")])
    headers = {"Authorization": f"Bearer {secret}", **BETA}
    with httpx.Client(base_url=hosted.url, timeout=30) as client:
        body = create("where is order 42?")
        with client.stream("POST", "/v1/chatkit/conversation", json=body, headers=headers) as r:
            lines = (line for line in r.iter_lines() if line.startswith("data: "))
            while "text_delta" not in next(lines):
                pass
    exchange = endpoint.exchanges[0]
    eventually(lambda: exchange.disconnected_at is not None, what="the model call is closed")
    assert not exchange.finished
    with httpx.Client(base_url=hosted.url) as client:  # and the server goes on serving
        assert client.get("/healthz").status_code == 200


UNSUPPORTED = """
from agents import Agent, Runner
from openai import AsyncOpenAI
from guardrails.runtime import load_config_bundle, instantiate_guardrails

client = AsyncOpenAI()
expert = Agent(name="Expert", instructions="Know things.")
front = Agent(name="Front", instructions="Route.", handoffs=[expert])

async def run_workflow(workflow_input):
  %s
"""


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("await Runner.run(front, input='hi')", "Agent 'Front': handoffs are not supported"),
        (
            "Runner.run_streamed(expert, input='hi')",
            "NotImplementedError: Runner.run_streamed is not supported",
        ),
        (
            "instantiate_guardrails(load_config_bundle("
            "{'guardrails': [{'name': 'Prompt Injection Detection', 'config': {}}]}))",
            "Guardrail 'Prompt Injection Detection' is not supported here",
        ),
        (
            "await client.responses.create(model='gpt-5', input='hi')",
            "NotImplementedError: client.responses: chatloom's stand-in for AsyncOpenAI serves",
        ),
    ],
)
def test_unsupported_constructs_are_clear_errors(
    hosted: Hosted, endpoint: ScriptedEndpoint, statement: str, message: str
) -> None:
    secret = publish_code(hosted, UNSUPPORTED % statement, "id: wf_unsupported\n")
    [error] = errors(hosted.events(secret, create("hi")))
    assert error["message"].startswith(f"app.py:11: {message}")  # the program's line
    assert endpoint.exchanges == []


LOOPING = """
from agents import Agent, Runner

again = Agent(name="Again", instructions="Once more.")

async def run_workflow(workflow_input):
  while True:
    await Runner.run(again, input="more")
"""


def test_a_program_looping_on_agents_is_stopped(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    secret = publish_code(hosted, LOOPING, "id: wf_looping\n")
    endpoint.script(*([Say("ok")] for _ in range(MAX_STEPS + 1)))
    [error] = errors(hosted.events(secret, create("go")))
    assert (
        error["message"] == f"app.py:8: The program took more than {MAX_STEPS} steps in one turn."
    )
    assert len(endpoint.exchanges) == MAX_STEPS


def test_an_async_numbered_approval_request_asks_too(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    source = (
        APPROVAL_EXPORT.replace("def approval_request(", "async def approval_request_2(")
        .replace("if approval_request(", "if await approval_request_2(")
        .replace("wf_approvals", "wf_async_approvals")
    )
    secret = publish_code(hosted, source)
    endpoint.script([Say("Try turning it off and on.")], [Say("A human will call you.")])
    first = hosted.events(secret, create("my router is broken"))
    [prompt] = done_items(first, "structured_input")
    second = hosted.events(secret, structured(thread_id_of(first), prompt["id"], "Reject"))
    assert errors(second) == [] and texts(second) == ["A human will call you."]


def test_two_conversations_run_the_same_program_at_once_without_crosstalk(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    secret = publish_code(hosted, TOOL_EXPORT)
    other = str(hosted.session(user="user-2", workflow={"id": "wf_orders"})["client_secret"])
    endpoint.script([Say("First "), Pause(1.0), Say("answer.")], [Say("Second answer.")])
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(hosted.events, secret, create("first question"))
        eventually(lambda: len(endpoint.exchanges) == 1, what="the first run asks its model")
        fast = hosted.events(other, create("second question"))  # while the first streams
        first = slow.result()
    assert texts(first) == ["First answer."] and texts(fast) == ["Second answer."]
    assert errors(first) == errors(fast) == []
