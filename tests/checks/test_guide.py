"""docs/checks.md, the check authors' guide, says what the code does: it cannot drift.

Every name of `grader.checks.__all__` has a section headed ``### `NAME` ``, no
other name has one, and the section's first ```python block starts with the
name's live signature (a constant's ``NAME = repr(value)``); a class's block
may list methods as ``.method(signature)`` lines, each checked against the
live method. Every function and class has an example; every example compiles
and imports only exported names; the fixtures and the marker the guide names
are the grader plugin's.

A signature is ``NAME + str(inspect.signature(obj))``, shown the way the
source spells it: annotations without the quotes postponed evaluation gives
them (string defaults keep theirs), and a default function's repr without its
memory address. An exception class with the built-in constructor is shown as
``NAME(*args)``.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from _pytest.fixtures import FixtureFunctionDefinition

import grader.checks
from grader.grading import plugin
from tests.support import REPO

DOC = REPO / "docs" / "checks.md"

HEADING = re.compile(r"^#{1,6} ")
SECTION = re.compile(r"^### `([A-Za-z_][A-Za-z0-9_]*)`$")
METHOD = re.compile(r"^\.([A-Za-z_][A-Za-z0-9_]*)(\(.*)$")
FIXTURE_ITEM = re.compile(r"^- `([A-Za-z_][A-Za-z0-9_]*)`")
MARK = re.compile(r"pytest\.mark\.([A-Za-z_][A-Za-z0-9_]*)")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


@dataclass
class Block:
    """One fenced code block: its language, its lines, and where it starts in the doc."""

    language: str
    lines: list[str]
    line: int  # the doc's line number of the block's first line of code

    @property
    def code(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass
class Section:
    """The text under one heading, up to the next heading of any level."""

    heading: str
    line: int
    blocks: list[Block] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # the lines outside code blocks

    @property
    def name(self) -> str | None:
        """The exported name a reference section documents, if it is one."""
        found = SECTION.match(self.heading)
        return found.group(1) if found else None

    @property
    def python(self) -> list[Block]:
        return [block for block in self.blocks if block.language == "python"]


def parse(text: str) -> list[Section]:
    """The doc's sections in order; headings inside code blocks are code, not headings."""
    sections = [Section("", 0)]
    fence: Block | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if fence is not None:
            if line.startswith("```"):
                sections[-1].blocks.append(fence)
                fence = None
            else:
                fence.lines.append(line)
        elif line.startswith("```"):
            fence = Block(line[3:].strip(), [], number + 1)
        elif HEADING.match(line):
            sections.append(Section(line, number))
        else:
            sections[-1].text.append(line)
    assert fence is None, f"docs/checks.md: the code block at line {fence.line - 1} is never closed"
    return sections


def reference(sections: list[Section]) -> dict[str, Section]:
    """The reference sections by the name they document (the first, if one is repeated)."""
    found: dict[str, Section] = {}
    for section in sections:
        if section.name is not None:
            found.setdefault(section.name, section)
    return found


class _Spelled:
    """An annotation shown as its source spells it (inspect shows a string with quotes)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _unquoted(annotation: Any) -> Any:
    return _Spelled(annotation) if isinstance(annotation, str) else annotation


def shown(signature: inspect.Signature) -> str:
    """`str(signature)` without the quotes of string annotations or default functions' addresses."""
    parameters = [
        parameter.replace(annotation=_unquoted(parameter.annotation))
        for parameter in signature.parameters.values()
    ]
    plain = signature.replace(
        parameters=parameters, return_annotation=_unquoted(signature.return_annotation)
    )
    return ADDRESS.sub(">", str(plain))


def signature_of(name: str, obj: Any) -> str:
    """The first line a reference section must start with, from the live object."""
    if not (inspect.isclass(obj) or callable(obj)):
        return f"{name} = {obj!r}"
    try:
        return name + shown(inspect.signature(obj))
    except ValueError:
        # Exception classes that keep the built-in constructor have no signature to show.
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            return f"{name}(*args)"
        raise


def method_signature(cls: type, name: str) -> str | None:
    """`.name(...)` for a public method of `cls` (without `self`), or None if there is none."""
    if name.startswith("_"):
        return None
    try:
        raw = inspect.getattr_static(cls, name)
    except AttributeError:
        return None
    if isinstance(raw, staticmethod | classmethod):
        signature = inspect.signature(getattr(cls, name))
    elif inspect.isfunction(raw):
        signature = inspect.signature(raw)
        signature = signature.replace(parameters=list(signature.parameters.values())[1:])
    else:
        return None  # a property or a plain attribute: the prose describes those
    return f".{name}{shown(signature)}"


def live(name: str) -> Any:
    return getattr(grader.checks, name)


def is_documented_code(obj: Any) -> bool:
    """Functions and classes need an example; constants may share one."""
    return inspect.isclass(obj) or inspect.isfunction(obj)


@pytest.fixture(scope="module")
def sections() -> list[Section]:
    return parse(DOC.read_text(encoding="utf-8"))


def test_every_exported_name_has_one_section_and_no_other_name_has_one(
    sections: list[Section],
) -> None:
    """The ``### `NAME` `` headings are exactly `grader.checks.__all__`, each once."""
    names = [section.name for section in sections if section.name is not None]
    exported = set(grader.checks.__all__)
    missing = sorted(exported - set(names))
    stale = sorted(set(names) - exported)
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"exported but not documented: {', '.join(missing)}")
    if stale:
        problems.append(f"documented but not exported by grader.checks: {', '.join(stale)}")
    if repeated:
        problems.append(f"documented more than once: {', '.join(repeated)}")
    assert not problems, "docs/checks.md: " + "; ".join(problems)


def test_each_section_starts_with_the_live_signature(sections: list[Section]) -> None:
    """A section's first ```python block opens with the name's signature (or value)."""
    wrong = []
    for name, section in reference(sections).items():
        if name not in grader.checks.__all__:
            continue  # reported by the test of the headings
        expected = signature_of(name, live(name))
        if not section.python or not section.python[0].lines:
            wrong.append(
                f"{name} (line {section.line}): no ```python block; expected\n  {expected}"
            )
            continue
        first = section.python[0]
        if first.lines[0] != expected:
            wrong.append(
                f"{name} (line {first.line}):\n  doc:  {first.lines[0]}\n  code: {expected}"
            )
    assert not wrong, "docs/checks.md signatures differ from the code:\n" + "\n".join(wrong)


def test_documented_methods_match_the_live_ones(sections: list[Section]) -> None:
    """Further lines of a class's signature block are `.method(...)` lines of real methods."""
    wrong = []
    for name, section in reference(sections).items():
        if name not in grader.checks.__all__ or not section.python:
            continue
        obj = live(name)
        first = section.python[0]
        for offset, line in enumerate(first.lines[1:], start=1):
            where = f"{name} (line {first.line + offset})"
            if not line.strip():
                continue
            method = METHOD.match(line)
            if method is None or not inspect.isclass(obj):
                wrong.append(f"{where}: only a class's block may go on, with `.method(...)` lines")
                continue
            expected = method_signature(obj, method.group(1))
            if expected is None:
                wrong.append(f"{where}: {name} has no public method {method.group(1)}")
            elif line != expected:
                wrong.append(f"{where}:\n  doc:  {line}\n  code: {expected}")
    assert not wrong, "docs/checks.md methods differ from the code:\n" + "\n".join(wrong)


def test_every_function_and_class_has_an_example(sections: list[Section]) -> None:
    """After the signature block, a function's or class's section shows it in use."""
    bare = [
        f"{name} (line {section.line})"
        for name, section in reference(sections).items()
        if name in grader.checks.__all__
        and is_documented_code(live(name))
        and len(section.python) < 2
    ]
    assert not bare, f"docs/checks.md: no example ```python block for {', '.join(bare)}"


def examples(sections: list[Section]) -> list[Block]:
    """Every ```python block of the doc except the reference sections' signature blocks."""
    return [
        block
        for section in sections
        for index, block in enumerate(section.python)
        if section.name is None or index > 0
    ]


def test_every_python_example_compiles(sections: list[Section]) -> None:
    """Examples are Python a check file could hold, not sketches."""
    broken = []
    for block in examples(sections):
        try:
            compile(block.code, f"docs/checks.md:{block.line}", "exec")
        except SyntaxError as error:
            broken.append(f"line {block.line + (error.lineno or 1) - 1}: {error.msg}")
    assert examples(sections), "docs/checks.md has no python examples"
    assert not broken, "docs/checks.md examples that do not compile:\n" + "\n".join(broken)


def test_examples_import_only_what_grader_checks_exports(sections: list[Section]) -> None:
    """Check files import from `grader.checks` alone, and only names it promises to keep."""
    exported = set(grader.checks.__all__)
    wrong = []
    for block in examples(sections):
        for node in ast.walk(ast.parse(block.code)):
            line = block.line + getattr(node, "lineno", 1) - 1
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader"):
                if node.module != "grader.checks":
                    wrong.append(f"line {line}: imports from {node.module}, not grader.checks")
                    continue
                unknown = [alias.name for alias in node.names if alias.name not in exported]
                if unknown:
                    wrong.append(f"line {line}: grader.checks exports no {', '.join(unknown)}")
            elif isinstance(node, ast.Import):
                inside = [alias.name for alias in node.names if alias.name.startswith("grader")]
                if inside:
                    wrong.append(f"line {line}: `import {', '.join(inside)}`; use `from ...`")
    assert not wrong, "docs/checks.md examples import the wrong names:\n" + "\n".join(wrong)


def test_the_documented_fixtures_are_the_plugin_s(sections: list[Section]) -> None:
    """The guide's fixture list names exactly the fixtures grader/grading/plugin.py defines."""
    listed = [
        section
        for section in sections
        if section.heading.startswith("## ") and "fixtures" in section.heading.lower()
    ]
    assert listed, "docs/checks.md has no '## ... fixtures ...' section"
    documented = {found.group(1) for line in listed[0].text if (found := FIXTURE_ITEM.match(line))}
    defined = {
        name for name, value in vars(plugin).items() if isinstance(value, FixtureFunctionDefinition)
    }
    assert defined, "grader/grading/plugin.py defines no fixtures"
    assert documented == defined, (
        f"docs/checks.md lists the fixtures {sorted(documented)}, but "
        f"grader/grading/plugin.py defines {sorted(defined)}"
    )


def test_the_documented_markers_are_registered_by_the_plugin(pytestconfig: pytest.Config) -> None:
    """`@pytest.mark.points(n)` and any other mark the guide uses are registered markers."""
    text = DOC.read_text(encoding="utf-8")
    used = set(MARK.findall(text))
    assert "points" in used, "docs/checks.md never shows @pytest.mark.points"
    assert pytestconfig.pluginmanager.is_registered(plugin), (
        "the grader plugin is not loaded in this pytest session (its pytest11 entry point)"
    )
    registered = {
        re.split(r"[(:]", line, maxsplit=1)[0].strip() for line in pytestconfig.getini("markers")
    }
    unknown = sorted(used - registered)
    assert not unknown, (
        f"docs/checks.md uses marks that no plugin registers: {unknown} (registered: "
        f"{sorted(registered)})"
    )
