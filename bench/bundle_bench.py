"""Bundle size of the element: what a page downloads before the chat can render
(chatkit.js loader + chatkit.mjs + the chunks it imports statically), gzip -9, and the
lazy chunks loaded on demand. Run after `make web`."""

from __future__ import annotations

import gzip
import re
import sys
from importlib.resources import files
from pathlib import Path

BUDGET_KB = 60.0
STATIC = Path(str(files("chatloom") / "static"))
# Top-level static imports of a minified ES module: import{..}from"./x.mjs" / import"./x.mjs".
STATIC_IMPORT = re.compile(r"""import\s*(?:[\w${}\s,*]+?from\s*)?["'](\.{1,2}/[^"']+\.mjs)["']""")


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def static_closure(entry: Path) -> list[Path]:
    seen: list[Path] = []
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.append(path)
        source = path.read_text(encoding="utf-8")
        # Dynamic import("...") calls are lazy: drop them before scanning.
        source = re.sub(r"import\(\s*[\"'][^\"']+[\"']\s*\)", "", source)
        todo += [(path.parent / m).resolve() for m in STATIC_IMPORT.findall(source)]
    return seen


def row(path: Path, size: int) -> str:
    name = str(path.resolve().relative_to(STATIC.resolve()))
    return f"  {name:<40} {path.stat().st_size / 1024:8.1f} KB raw {size / 1024:7.1f} KB gzip"


def main() -> int:
    loader, module = (STATIC / "chatkit.js").resolve(), (STATIC / "chatkit.mjs").resolve()
    if not module.is_file():
        print("element not built: run `make web`", file=sys.stderr)
        return 1
    initial = [loader, *static_closure(module)]
    print("initial bundle (what a page loads before the chat renders):")
    total = 0
    for path in initial:
        size = gz(path)
        total += size
        print(row(path, size))
    print(f"  {'total':<40} {'':>16} {total / 1024:7.1f} KB gzip (budget {BUDGET_KB:.0f} KB)")
    lazy = sorted(p.resolve() for p in STATIC.rglob("*.mjs") if p.resolve() not in initial)
    print("lazy chunks (loaded on first use):")
    for path in lazy:
        print(row(path, gz(path)))
    fonts = list((STATIC / "katex-fonts").glob("*.woff2"))
    if fonts:
        kb = sum(f.stat().st_size for f in fonts) / 1024
        print(f"  katex-fonts/*.woff2: {len(fonts)} files, {kb:.1f} KB (fetched per glyph set)")
    if total / 1024 > BUDGET_KB:
        print(f"OVER BUDGET by {total / 1024 - BUDGET_KB:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
