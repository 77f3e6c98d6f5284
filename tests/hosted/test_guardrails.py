"""The guardrail checks beyond PII, through the conversation endpoint: the URL filter
(local), NSFW and moderation (model-judged) and hallucination (file search, then a
model's verdict), against the scripted model server. Reports are read from run traces."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatloom.agents.providers.scripted import Say, ScriptedEndpoint

from .conftest import Hosted, create, thread_id_of

WORKFLOW = """
id: wf_guard
stores: {{kb: {{path: kb}}}}
start: check
nodes:
  check:
    type: guardrails
    checks: [{checks}]
    next: {{on_pass: fine, on_fail: flagged}}
  fine: {{type: end, expr: '"passed"'}}
  flagged: {{type: end, expr: input.guardrails}}
"""


def run_check(hosted: Hosted, checks: str, text: str) -> tuple[str, Any]:
    """Which port the check took, and its report (from the run's trace)."""
    docs = hosted.repository.folder / "kb"
    docs.mkdir(exist_ok=True)
    (docs / "refunds.md").write_text("# Refunds\n\nA refund reaches your card in five days.")
    workflow_id = hosted.publish(WORKFLOW.format(checks=checks))
    secret = hosted.session(workflow={"id": workflow_id})["client_secret"]
    thread_id = thread_id_of(hosted.events(secret, create(text)))
    with hosted.admin() as client:
        [run] = client.get(f"/v1/chatkit/threads/{thread_id}/runs").json()["data"]
    check, end = run["steps"]
    return check["port"], end["output"]


def test_the_url_filter_blocks_by_scheme_host_and_credentials(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    port, report = run_check(
        hosted,
        "{type: url_filter, allow: [example.com], deny: [bad.example.com]}",
        "Read https://docs.example.com/a, http://bad.example.com/x, www.other.org, "
        "https://u:p@example.com and javascript:alert(1)",
    )
    assert port == "on_fail"
    assert report["url_filter"] == {
        "failed": True,
        "blocked": [
            {"url": "http://bad.example.com/x", "reason": "host 'bad.example.com' is denied"},
            {"url": "www.other.org", "reason": "host 'www.other.org' is not allowed"},
            {"url": "https://u:p@example.com", "reason": "credentials in the URL"},
            {"url": "javascript:alert(1", "reason": "scheme 'javascript' not allowed"},
        ],
        "blocked_count": 4,
    }
    assert endpoint.exchanges == []  # local: no model call
    assert (
        run_check(hosted, "{type: url_filter, allow: [example.com]}", "see https://example.com")[0]
        == "on_pass"
    )


@pytest.mark.parametrize(("confidence", "port"), [(0.9, "on_fail"), (0.5, "on_pass")])
def test_nsfw_is_judged_by_the_named_model_above_a_threshold(
    hosted: Hosted, endpoint: ScriptedEndpoint, confidence: float, port: str
) -> None:
    endpoint.script([Say(json.dumps({"flagged": True, "confidence": confidence}))])
    taken, report = run_check(hosted, "{type: nsfw, model: tiny-local}", "something explicit")
    assert taken == port
    [exchange] = endpoint.exchanges
    assert exchange.body["model"] == "tiny-local"
    assert "not safe for work" in exchange.body["messages"][0]["content"]
    assert exchange.body["messages"][1] == {"role": "user", "content": "something explicit"}
    if port == "on_fail":
        assert report["nsfw"] == {"failed": True, "confidence": confidence}


def test_moderation_can_use_its_own_model(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    endpoint.script([Say('{"flagged": true, "categories": ["harassment", "made-up"]}')])
    port, report = run_check(
        hosted, "{type: moderation, model: mod-model, categories: [harassment]}", "you fool"
    )
    assert port == "on_fail"
    assert report["moderation"] == {"failed": True, "flagged_categories": ["harassment"]}
    assert endpoint.exchanges[0].body["model"] == "mod-model"


def test_hallucination_checks_the_text_against_the_documents(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    verdict = {"supported": False, "confidence": 0.8, "unsupported_claims": ["in 30 days"]}
    endpoint.script([Say(json.dumps(verdict))])
    port, report = run_check(
        hosted, "{type: hallucination, store: kb}", "Your refund reaches your card in 30 days."
    )
    assert port == "on_fail"
    assert report["hallucination"] == {
        "failed": True,
        "confidence": 0.8,
        "unsupported_claims": ["in 30 days"],
        "sources": ["refunds.md"],
    }
    system = endpoint.exchanges[0].body["messages"][0]["content"]
    assert "reaches your card in five days" in system  # the passages the model judged by


def test_a_hallucination_check_on_an_undeclared_store_is_refused_at_load(hosted: Hosted) -> None:
    with pytest.raises(Exception, match="store 'nope' is not declared"):
        hosted.publish(WORKFLOW.format(checks="{type: hallucination, store: nope}"))
