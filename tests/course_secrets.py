"""What must never leave the repository: hidden checks, their names, reference solutions.

Shared by the tests of the student kit and of the distribution: each scans a
tree of files for any of it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support import EXERCISES, SOLUTIONS


def _checks(path: Path) -> Iterator[tuple[str, str]]:
    """(function name, title) of each check in a check file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test_"
        ):
            doc = ast.get_docstring(node)
            title = doc.strip().splitlines()[0].strip() if doc else ""
            yield node.name, title or node.name.removeprefix("test_").replace("_", " ")


def hidden_names() -> set[str]:
    """Every hidden check's function name and title that no public check also has."""
    hidden: set[str] = set()
    public: set[str] = set()
    for file in EXERCISES.glob("*/checks/test_*.py"):
        for name, title in _checks(file):
            (hidden if "hidden" in file.stem else public).update((name, title))
    return hidden - public


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def solution_functions() -> dict[str, str]:
    """Each reference solution's functions, as their normalized source, by `file:function`."""
    found: dict[str, str] = {}
    for file in SOLUTIONS.glob("*.py"):
        source = file.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                segment = ast.get_source_segment(source, node) or ""
                found[f"{file.name}:{node.name}"] = _lines(segment)
    return found


def leaks(root: Path) -> list[str]:
    """Every way the files under `root` give away a hidden check or a solution."""
    names = hidden_names()
    functions = solution_functions()
    solutions = {p.read_bytes() for p in SOLUTIONS.glob("*.py")}
    assert names and functions, "nothing to look for: the course has no hidden checks?"
    found: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        where = path.relative_to(root).as_posix()
        if "hidden" in path.name or "solution" in path.name or "solutions" in path.parts:
            found.append(f"{where}: a hidden check or solution file")
        data = path.read_bytes()
        if data in solutions:
            found.append(f"{where}: a copy of a reference solution")
        text = data.decode("utf-8", "replace")
        found += [f"{where}: names the hidden check {n!r}" for n in sorted(names) if n in text]
        flat = _lines(text)
        found += [
            f"{where}: holds the solution's {f}" for f, src in functions.items() if src in flat
        ]
    return found
