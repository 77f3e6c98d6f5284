"""Run traces: recorded per run, read through the admin API and ``chatloom workflow trace``."""

from __future__ import annotations

import httpx
import pytest

from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.cli import main
from chatloom.hosted.engine.trace import MAX_VALUE_CHARS

from .conftest import ADMIN_KEY, BETA, Hosted, add, create, thread_id_of

TRACED = """
id: wf_traced
state: {visits: {type: number, default: 0}}
start: count
nodes:
  count: {type: set_state, assignments: [{name: visits, expr: state.visits + 1}], next: route}
  route:
    type: if_else
    cases: [{when: 'workflow.input_as_text == "boom"', next: broken}]
    else: answer
  answer: {type: agent, instructions: "Visit {{ state.visits }}", next: done}
  broken: {type: transform, expr: 'input.missing'}
  done: {type: end, expr: '{"visits": state.visits}'}
"""


def runs(hosted: Hosted, thread_id: str) -> list[dict]:
    with hosted.admin() as client:
        response = client.get(f"/v1/chatkit/threads/{thread_id}/runs")
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def test_each_run_records_its_steps_with_inputs_outputs_and_model_use(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    workflow_id = hosted.publish(TRACED)
    endpoint.script([Say("Hello!")])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    events = hosted.events(secret, create("hi"))
    thread_id = thread_id_of(events)
    [run] = runs(hosted, thread_id)
    user_item = next(e["item"]["id"] for e in events if e["type"] == "thread.item.done")
    assert run["object"] == "chatkit.workflow_run"
    assert (run["thread_id"], run["item_id"], run["trigger"]) == (thread_id, user_item, "message")
    assert (run["workflow_id"], run["status"], run["error"]) == (workflow_id, "completed", None)
    assert run["usage"] == {"calls": 1, "output_chars": len("Hello!")}
    steps = {step["node"]: step for step in run["steps"]}
    assert [s["node"] for s in run["steps"]] == ["count", "route", "answer", "done"]
    assert steps["count"]["input"] == {"input_as_text": "hi"}
    assert (steps["route"]["outcome"], steps["route"]["port"]) == ("continue", "else")
    assert steps["answer"]["output"] == {"output_text": "Hello!", "output_parsed": None}
    assert steps["answer"]["usage"] == {"calls": 1, "output_chars": 6}
    assert (steps["done"]["outcome"], steps["done"]["output"]) == ("end", {"visits": 1})
    assert all(step["duration_ms"] >= 0 for step in run["steps"])


def test_a_failed_step_is_traced_with_its_error_and_state_is_rolled_back(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    workflow_id = hosted.publish(TRACED)
    endpoint.script([Say("one")], [Say("two")])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    thread_id = thread_id_of(hosted.events(secret, create("hi")))
    failed = hosted.events(secret, add(thread_id, "boom"))
    assert [e for e in failed if e["type"] == "error"]
    latest = runs(hosted, thread_id)[0]
    assert latest["status"] == "failed"
    assert "no such key: 'missing'" in latest["error"]
    assert latest["steps"][-1]["node"] == "broken"
    assert "no such key" in latest["steps"][-1]["error"]
    # The failed run's visit count was not committed: the next run counts 2, not 3.
    hosted.events(secret, add(thread_id, "again"))
    assert runs(hosted, thread_id)[0]["steps"][-1]["output"] == {"visits": 2}
    # Traces per thread item: the run the "boom" message started.
    boom = next(e["item"]["id"] for e in failed if e["type"] == "thread.item.done")
    with hosted.admin() as client:
        response = client.get(f"/v1/chatkit/threads/{thread_id}/runs", params={"item_id": boom})
    [only] = response.json()["data"]
    assert (only["item_id"], only["status"]) == (boom, "failed")


def test_big_values_are_cut_in_the_trace(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    workflow_id = hosted.publish(TRACED)
    endpoint.script([Say("ok")])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    thread_id = thread_id_of(hosted.events(secret, create("x" * 50_000)))
    first = runs(hosted, thread_id)[0]["steps"][0]["input"]
    assert first["truncated"] is True
    assert first["chars"] > 50_000
    assert len(first["preview"]) == MAX_VALUE_CHARS


def test_the_runs_route_is_admin_only_and_knows_its_threads(hosted: Hosted) -> None:
    url = hosted.url + "/v1/chatkit/threads/thr_missing/runs"
    assert httpx.get(url, headers=BETA).status_code == 401
    secret = hosted.session()["client_secret"]
    headers = {"Authorization": f"Bearer {secret}", **BETA}
    assert httpx.get(url, headers=headers).status_code == 401
    with hosted.admin() as client:
        missing = client.get("/v1/chatkit/threads/thr_missing/runs")
        assert missing.status_code == 404
        assert missing.json()["error"]["message"] == "Thread with id 'thr_missing' not found."


def test_chatloom_workflow_trace_prints_the_runs(
    hosted: Hosted,
    endpoint: ScriptedEndpoint,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workflow_id = hosted.publish(TRACED)
    endpoint.script([Say("Hello!")])
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    thread_id = thread_id_of(hosted.events(secret, create("hi")))
    monkeypatch.setenv("CHATLOOM_ADMIN_KEY", ADMIN_KEY)
    with pytest.raises(SystemExit) as exited:
        main(["workflow", "trace", thread_id, "--url", hosted.url])
    assert exited.value.code in (0, None)
    lines = capsys.readouterr().out.splitlines()
    assert "message  completed" in lines[0]
    assert "model calls 1" in lines[0]
    assert lines[1].split()[:3] == ["count", "set_state", "→"]
    assert lines[3].split()[:2] == ["answer", "agent"]
    assert 'out {"output_text": "Hello!", "output_parsed": null}' in lines[3]
    assert lines[4].split()[:3] == ["done", "end", "end"]
    monkeypatch.delenv("CHATLOOM_ADMIN_KEY")
    with pytest.raises(SystemExit) as exited:
        main(["workflow", "trace", thread_id, "--url", hosted.url])
    assert exited.value.code == 2
