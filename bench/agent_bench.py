"""Agent runtime benchmarks (figures, not tests).

1. Time to first token that chatloom adds: from the moment the model server hands its
   first content chunk to the network, to the moment the client holds it — read
   directly from the model server with httpx, versus as the first ``text_delta`` SSE
   frame from a chatloom app (agent loop + OpenAI-compatible provider) in front of it.
   Both servers are real uvicorn servers on loopback; the model is the scripted one.
2. The embedded model's generation speed through the full stack (HTTP client ->
   uvicorn -> ChatKitServer -> agent loop -> local provider -> llama.cpp) versus
   llama.cpp called directly, same prompt, same settings.

Run: ``.venv/bin/python bench/agent_bench.py [--requests N] [--tokens N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.agents.conftest import AgentServer, create
from tests.live_server import serve

from chatloom.agents import Agent, LocalProvider, OpenAICompatibleProvider
from chatloom.agents.providers.local import bundled_model_path
from chatloom.agents.providers.scripted import Say, ScriptedEndpoint
from chatloom.http import create_app

PROMPT = "Write a short story about a lighthouse keeper and a storm."
CHAT_BODY = {"model": "scripted", "stream": True, "messages": [{"role": "user", "content": "Hi"}]}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def arrival(client: httpx.Client, url: str, body: dict[str, Any], marker: str) -> float:
    """When the first line containing ``marker`` reached the client; reads to the end."""
    arrived = 0.0
    with client.stream("POST", url, json=body) as response:
        for line in response.iter_lines():
            if not arrived and marker in line:
                arrived = time.perf_counter()
    return arrived


def row(label: str, values: list[float], note: str = "") -> None:
    p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
    print(f"  {label:<34}{p50:7.2f} {p95:7.2f}{note}")


def first_token_latency(requests: int) -> None:
    endpoint = ScriptedEndpoint()
    reply = [Say("Hello there, this is the answer.", chunk_size=6)]
    direct: list[float] = []
    through: list[float] = []
    with serve(endpoint) as model_url:
        provider = OpenAICompatibleProvider("scripted", base_url=model_url + "/v1")
        app = create_app(AgentServer(Agent(provider)))
        with serve(app) as chat_url, httpx.Client(timeout=10) as client:
            for n in range(requests + 10):  # the first 10 warm up connections and caches
                endpoint.script(reply)
                received = arrival(
                    client, model_url + "/v1/chat/completions", CHAT_BODY, '"content": "Hello'
                )
                sent = endpoint.exchanges[-1].chunk_times[1]  # [0] is the role chunk
                if n >= 10:
                    direct.append(received - sent)
                endpoint.script(reply)
                received = arrival(client, chat_url + "/chatkit", create("Hi"), "text_delta")
                sent = endpoint.exchanges[-1].chunk_times[1]
                if n >= 10:
                    through.append(received - sent)
    added = [t - d for t, d in zip(through, direct, strict=True)]
    print(f"First token, {requests} requests (ms)          p50     p95")
    row("direct from the model server", direct)
    row("through chatloom (SSE frame)", through)
    row("added by chatloom", added, "   (goal: p50 < 5 ms)")


def rate(times: list[float]) -> float:
    """Tokens per second between the first and the last token (prompt time excluded)."""
    return (len(times) - 1) / (times[-1] - times[0])


def direct_llama(tokens: int) -> float:
    from llama_cpp import Llama

    llm = Llama(model_path=str(bundled_model_path()), n_ctx=2048, verbose=False, seed=1)
    messages = [
        {
            "role": "system",
            "content": "You are a helpful assistant. Answer concisely, in Markdown.",
        },
        {"role": "user", "content": PROMPT},
    ]
    times = []
    for chunk in llm.create_chat_completion(
        messages, stream=True, max_tokens=tokens, temperature=0.0, repeat_penalty=1.1
    ):
        if chunk["choices"][0]["delta"].get("content"):
            times.append(time.perf_counter())
    return rate(times)


def full_stack(url: str) -> float:
    times = []
    with (
        httpx.Client(timeout=300) as client,
        client.stream("POST", url + "/chatkit", json=create(PROMPT)) as response,
    ):
        for line in response.iter_lines():
            if "text_delta" in line:
                times.append(time.perf_counter())
    return rate(times)


def generation_speed(tokens: int, runs: int) -> None:
    provider = LocalProvider(max_tokens=tokens, temperature=0.0, seed=1)
    app = create_app(AgentServer(Agent(provider)))
    with serve(app) as url:
        full_stack(url)  # loads the model
        direct, stack = [], []
        for _ in range(runs):  # interleaved, so machine noise hits both alike
            direct.append(direct_llama(tokens))
            stack.append(full_stack(url))
    d, s = statistics.median(direct), statistics.median(stack)
    print(f"Embedded model, {tokens} tokens, median of {runs} runs (tokens/s)")
    print(f"  llama.cpp directly               {d:7.1f}")
    print(f"  full stack over HTTP             {s:7.1f}   ({s / d:.0%} of direct; goal >= 95%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    first_token_latency(args.requests)
    generation_speed(args.tokens, args.runs)


if __name__ == "__main__":
    main()
