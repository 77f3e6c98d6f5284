"""Record the reference SDK's behaviour for the Agents-SDK compat scenarios.

Runs every scenario of ``tests/agents/compat/scenarios.py`` on ``openai-chatkit``
(import root ``chatkit``) against the local Responses stand-in and writes the
normalized record (events, JSON responses, model input) to
``tests/agents/compat/golden/<scenario>.json``. ``tests/agents/compat/test_compat.py``
compares chatloom with these files, so ``make test`` checks fidelity without the
reference installed.

    .venv-bench/bin/python bench/compat_record.py           # rewrite the golden files
    .venv-bench/bin/python bench/compat_record.py --diff    # also run chatloom, show differences
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.agents.compat.scenarios import (
    GOLDEN,
    SCENARIOS,
    convert_every_kind,
    record,
)

from agents import set_tracing_disabled


def dump(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


async def run(root: str, name: str) -> object:
    """A scenario's record, or (``converter``) the default converter's input for every item kind."""
    return await (convert_every_kind(root) if name == "converter" else record(root, name))


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--diff", action="store_true", help="run chatloom too; print differences")
    parser.add_argument("names", nargs="*", help="scenarios (default: all)")
    args = parser.parse_args()
    set_tracing_disabled(True)
    GOLDEN.mkdir(exist_ok=True)
    differing = 0
    for name in args.names or [*SCENARIOS, "converter"]:
        reference = dump(await run("chatkit", name))
        (GOLDEN / f"{name}.json").write_text(reference)
        print(f"{name}: recorded on the reference")
        if args.diff:
            ours = dump(await run("chatloom", name))
            diff = list(
                difflib.unified_diff(
                    reference.splitlines(), ours.splitlines(), "reference", "chatloom", lineterm=""
                )
            )
            differing += bool(diff)
            print("\n".join(diff) if diff else f"{name}: chatloom matches")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
