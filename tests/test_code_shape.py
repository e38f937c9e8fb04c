"""The package's pieces stay small enough to hold in one's head (issue 20).

ruff holds every function to a McCabe complexity of 12 (pyproject.toml);
this holds every class to 15 instance attributes: the fields of a
dataclass, and every `self.NAME` a method assigns.
"""

from __future__ import annotations

import ast

from tests.support import REPO

GRADER = REPO / "grader"
MOST_ATTRIBUTES = 15


def attributes(node: ast.ClassDef) -> set[str]:
    """The instance attributes of a class: annotated class fields and `self.X = ...` targets."""
    names = {
        stmt.target.id
        for stmt in node.body
        if isinstance(stmt, ast.AnnAssign)
        and isinstance(stmt.target, ast.Name)
        and "ClassVar" not in ast.unparse(stmt.annotation)
    }
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            for target in targets:
                for part in ast.walk(target):
                    if (
                        isinstance(part, ast.Attribute)
                        and isinstance(part.value, ast.Name)
                        and part.value.id == "self"
                    ):
                        names.add(part.attr)
    return names


def test_counting_sees_fields_and_assignments_but_not_class_constants() -> None:
    source = (
        "class A:\n    x: int\n    K: ClassVar[int] = 1\n"
        "    def f(self):\n        self.y = 1\n        self.x += 1\n        self.a, self.b = 1, 2\n"
    )
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.ClassDef)
    assert attributes(node) == {"x", "y", "a", "b"}


def test_no_class_holds_more_than_fifteen_instance_attributes() -> None:
    large = {}
    for path in sorted(GRADER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                count = len(attributes(node))
                if count > MOST_ATTRIBUTES:
                    large[f"{path.relative_to(GRADER.parent)}:{node.lineno} {node.name}"] = count
    assert not large, f"split these into parts (at most {MOST_ATTRIBUTES} attributes): {large}"
