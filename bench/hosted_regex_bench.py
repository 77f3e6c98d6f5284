"""Hostile text through the hosted engine's regexes: RE2 (what chatloom uses) against
Python's backtracking ``re`` (what it used before), in the same run.

- the PII e-mail pattern over N KB of "a." (quadratic for ``re``);
- CEL ``matches('^(a|aa)+$')`` on "a" * n + "!" (exponential for ``re``: n stays small);
- the whole PII guardrail over 1 MiB of "a." and of e-mail addresses (RE2 only).

    python bench/hosted_regex_bench.py [--kb 48] [--n 30]
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable

from chatloom.hosted import linear_regex
from chatloom.hosted.engine.pii import find_pii

OLD_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", type=int, default=48)
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()

    text = "a." * (args.kb * 512)
    find_pii("warm up: jo@example.com", None)  # compile the patterns outside the timings
    linear_regex.search(r"^(a|aa)+$", "a")
    old = timed(lambda: OLD_EMAIL.sub("<EMAIL_ADDRESS>", text))
    new = timed(lambda: find_pii(text, ["EMAIL_ADDRESS"]))
    print(
        f'e-mail pattern, {args.kb} KB of "a.":  re {old:.3f} s'
        f"   RE2 {new * 1000:.2f} ms   ({old / new:,.0f}x)"
    )

    hostile = "a" * args.n + "!"
    old = timed(lambda: re.search(r"^(a|aa)+$", hostile))
    new = timed(lambda: linear_regex.search(r"^(a|aa)+$", hostile))
    big = timed(lambda: linear_regex.search(r"^(a|aa)+$", "a" * 1_000_000 + "!"))
    print(
        f"(a|aa)+$ on {args.n} chars:  re {old:.3f} s   RE2 {new * 1e6:.0f} µs"
        f"   ({old / new:,.0f}x);"
        f"  RE2 on 1,000,000 chars {big * 1000:.1f} ms"
    )

    mib = 1 << 20
    near = timed(lambda: find_pii("a." * (mib // 2), None))
    mails = timed(lambda: find_pii("jo@example.com " * (mib // 15), None))
    print(
        f"PII guardrail, all entities, 1 MiB:  near misses {near * 1000:.0f} ms"
        f"   all e-mail addresses {mails * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
