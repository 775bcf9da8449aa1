"""List the functions in core/ longer than a limit (default 80 lines), longest first.

STYLE.md: "A function over ~80 lines is usually several named steps." A function that stays long on
purpose says why in a comment; this lists them all so the list can be read, not policed.

Run: ``python scripts/long_functions.py [LIMIT]``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def long_functions(root: Path, limit: int) -> list[tuple[int, str]]:
    """(lines, "path:line name") of every function or method under ``root`` longer than ``limit`` lines."""
    found: list[tuple[int, str]] = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    found.append((length, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    return sorted(found, reverse=True)


def main() -> int:
    """Print the long functions of core/, one a line."""
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    for length, where in long_functions(ROOT / "core", limit):
        print(f"{length:5d}  {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
