"""The model provider's streaming path on httpx vs httpx2 (the fork the ``openai`` SDK uses).

    .venv/bin/python bench/http_client_bench.py [--quick]

The scripted OpenAI-compatible endpoint runs under uvicorn on loopback, streaming a
reply of DELTAS chunks. ``OpenAICompatibleProvider`` reads it through each HTTP client
(the same provider code; only the module it calls changes): one turn at a time
(chunks/s) and CONCURRENT turns at once (total chunks/s). Best of REPEATS runs, each
client measured in the same process and run, alternating.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_server import serve

from chatloom.agents.providers import openai_compatible
from chatloom.agents.providers.base import ModelRequest, TextDelta
from chatloom.agents.providers.scripted import Say, ScriptedEndpoint

CLIENTS = ("httpx", "httpx2")


async def _turns(module: ModuleType, url: str, count: int) -> int:
    openai_compatible.httpx = module  # type: ignore[attr-defined]
    timeout = module.Timeout(60.0, connect=10.0, pool=5.0)  # each library's own type
    provider = openai_compatible.OpenAICompatibleProvider("scripted", base_url=url, timeout=timeout)

    async def one() -> int:
        request = ModelRequest(messages=[{"role": "user", "content": "hi"}])
        return sum([isinstance(e, TextDelta) async for e in provider.stream(request)])

    try:
        counts = await asyncio.gather(*(one() for _ in range(count)))
    finally:
        await provider.aclose()
    return sum(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    deltas, concurrent, repeats = (500, 8, 3) if args.quick else (2000, 20, 5)
    modules = {name: importlib.import_module(name) for name in CLIENTS}
    text = "".join(f"w{n} " for n in range(deltas))
    endpoint = ScriptedEndpoint()
    results: dict[tuple[str, int], list[float]] = {}
    with serve(endpoint) as base:
        url = base + "/v1"
        for _ in range(repeats):
            for name in CLIENTS:
                for turns in (1, concurrent):
                    for _ in range(turns):
                        endpoint.script([Say(text, chunk_size=len(text) // deltas + 1)])
                    began = time.perf_counter()
                    chunks = asyncio.run(_turns(modules[name], url, turns))
                    rate = chunks / (time.perf_counter() - began)
                    results.setdefault((name, turns), []).append(rate)
    print(f"Streaming {deltas} chunks per turn from a loopback endpoint, best of {repeats}\n")
    print(f"{'client':8} {'1 turn':>14} {f'{concurrent} turns':>14}")
    for name in CLIENTS:
        single = max(results[(name, 1)])
        many = max(results[(name, concurrent)])
        print(f"{name:8} {single:10.0f} ch/s {many:10.0f} ch/s")
    base_single = max(results[("httpx", 1)])
    base_many = max(results[("httpx", concurrent)])
    ratio_single = max(results[("httpx2", 1)]) / base_single
    ratio_many = max(results[("httpx2", concurrent)]) / base_many
    print(f"\nhttpx2 / httpx: {ratio_single:.2f} (1 turn), {ratio_many:.2f} ({concurrent} turns)")
    spread = statistics.pstdev(results[("httpx", 1)]) / statistics.mean(results[("httpx", 1)])
    print(f"(run-to-run spread of httpx, 1 turn: {spread:.0%})")


if __name__ == "__main__":
    main()
