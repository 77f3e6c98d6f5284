"""Hostile input must not stall the server: while each request below runs, the same
server keeps answering /healthz quickly (regressions for issue #10, item 1)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from chatloom.agents.providers.scripted import Say, ScriptedEndpoint

from .conftest import Hosted, create, done_items

T = TypeVar("T")
HEALTH_WITHIN = 5.0  # seconds; a stalled event loop answers nothing until the work ends


def responsive_while(hosted: Hosted, request: Callable[[], T]) -> T:
    """``request()`` on a thread, probing /healthz until it has finished."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(request)
        probes = 0
        while probes == 0 or not running.done():
            response = httpx.get(hosted.url + "/healthz", timeout=HEALTH_WITHIN)
            assert response.json() == {"status": "ok"}
            probes += 1
        return running.result()


def events_of(hosted: Hosted, workflow: str, text: str) -> list[dict[str, Any]]:
    secret = hosted.session(workflow={"id": hosted.publish(workflow)})["client_secret"]
    return responsive_while(hosted, lambda: hosted.events(secret, create(text)))


PII = """
id: wf_pii
start: check
nodes:
  check: {type: guardrails, checks: [{type: pii}], next: {on_pass: done}}
  done: {type: end}
"""


def test_the_pii_guardrail_on_a_megabyte_of_near_misses(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    # 48 KB of "a." stalled the server 13 s before (quadratic e-mail pattern); 1 MB, ~30 min.
    events = events_of(hosted, PII, "a." * 500_000 + " mail me: jo@example.com")
    assert not [e for e in events if e["type"] == "error"]


CEL = """
id: wf_cel
start: route
nodes:
  route:
    type: if_else
    cases: [{when: "workflow.input_as_text.matches('^(a|aa)+$')", next: matched}]
    else: other
  matched: {type: end}
  other: {type: agent, instructions: no match}
"""


def test_a_backtracking_pattern_in_cel(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    endpoint.script([Say("no match")])
    events = events_of(hosted, CEL, "a" * 100_000 + "!")  # exponential for Python's re
    assert done_items(events, "assistant_message")[0]["content"][0]["text"] == "no match"


TEMPLATE = """
id: wf_loops
start: card
nodes:
  card:
    type: agent
    output:
      type: widget
      data_schema: {type: object, properties: {n: {type: integer}}, required: [n]}
      template: >-
        {% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}
        {"type": "Card", "children": []}
"""


def test_nested_loops_in_a_widget_template(hosted: Hosted, endpoint: ScriptedEndpoint) -> None:
    endpoint.script([Say('{"n": 1}')])
    events = events_of(hosted, TEMPLATE, "show me")
    [error] = [e for e in events if e["type"] == "error"]
    assert "could not render its widget: the template ran longer than" in error["message"]


SCHEMA = """
id: wf_schema
start: extract
nodes:
  extract:
    type: agent
    output:
      type: json_schema
      schema: {type: object, properties: {s: {type: string, pattern: "^(a|aa)+$"}}, required: [s]}
"""


def test_a_backtracking_pattern_in_an_output_schema(
    hosted: Hosted, endpoint: ScriptedEndpoint
) -> None:
    reply = '{"s": "' + "a" * 100_000 + '!"}'  # exponential for Python's re
    endpoint.script([Say(reply)], [Say(reply)])
    events = events_of(hosted, SCHEMA, "extract")
    [error] = [e for e in events if e["type"] == "error"]
    assert (
        "did not get valid JSON: The JSON does not match the schema: $.s: 'aaaa" in error["message"]
    )
