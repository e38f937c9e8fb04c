"""The package's pieces stay small enough to hold in one's head, its tests beside them (issue 20).

ruff holds every function to a McCabe complexity of 12 (pyproject.toml);
this holds every class to 15 instance attributes: the fields of a
dataclass, and every `self.NAME` a method assigns. And tests/ mirrors the
package: a test module sits in the folder of the part it specifies.
"""

from __future__ import annotations

import ast

from tests.support import REPO

GRADER = REPO / "grader"
MOST_ATTRIBUTES = 15
TESTS = REPO / "tests"
#: tests/ folders that are no part of grader/: the exercises' own tests, and the files the
#: tests grade or run (submissions, check files, attackers), which pytest does not collect.
BESIDE_THE_PACKAGE = {"exercises", "data"}
#: The test modules of the repository as a whole, at the root of tests/.
WHOLE_REPOSITORY = {"test_code_shape.py", "test_docs.py", "test_readme.py"}


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


def test_the_tests_mirror_the_package() -> None:
    """tests/PART/ for each part of grader/ (cli: grader/cli.py), each a package of tests."""
    parts = {p.name for p in GRADER.iterdir() if (p / "__init__.py").is_file()} | {"cli"}
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == parts | BESIDE_THE_PACKAGE, (
        f"tests/ has {sorted(folders - parts - BESIDE_THE_PACKAGE)} that grader/ has not, "
        f"and lacks {sorted(parts - folders)}"
    )
    unpackaged = [f for f in folders - {"data"} if not (TESTS / f / "__init__.py").is_file()]
    assert not unpackaged, f"no __init__.py in tests/{unpackaged}: they import tests.support"
    astray = {p.name for p in TESTS.glob("test_*.py")} - WHOLE_REPOSITORY
    assert not astray, f"move these into the folder of the part they specify: {sorted(astray)}"
