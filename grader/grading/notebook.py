"""A Jupyter notebook as a submission: its code cells, made into the module the checks import.

A notebook's code cells are the submission, in order. Cells are written to be
run by hand, one after another, so some would run work the moment the module
is imported: a demo with top-level `await`, `asyncio.run(main())`, a call
whose result the notebook only displays, IPython's `%magics` and `!shell`
lines. Those statements are left out (the checks call the functions
themselves) and named, by cell and line, in the report. Everything else
keeps its place, so that every line of the module maps back to a cell and a
line of it, and the report's feedback can point there ("cell 3, line 2").

Cells are numbered as a student sees them, from the top of the notebook,
Markdown cells included.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.grading.observations import Diagnostic
    from grader.grading.report import Report

#: The suffix of a notebook submission.
SUFFIX = ".ipynb"

#: A line IPython reads as a magic or a shell escape (`%time f()`, `!pip install x`,
#: `files = !ls`), none of them Python.
_MAGIC = re.compile(r"^\s*(?:[%!]|[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*[%!])")
#: A module line named in the grader's words: "line 6: ...", "(line 6, in count: ...)".
_LINE = re.compile(r"\bline (\d+)\b")
#: Calls that run an event loop to the end: a demo, whatever the statement around them.
_LOOP_RUNNERS = frozenset({"run", "run_until_complete", "run_forever"})


class Reason:
    """Why a statement is left out, in the words the report uses."""

    AWAIT = "top-level await"
    LOOP = "runs an event loop (a demo)"
    CALL = "a demo call"
    MAGIC = "an IPython magic or shell command"
    CELL_MAGIC = "a cell magic"


class Unreadable(ValueError):
    """The file is not a notebook that can be read; the message says why, for a student."""


@dataclass(frozen=True)
class Place:
    """A line of the notebook: its cell (from 1, every cell counted) and its line in the cell."""

    cell: int
    line: int


@dataclass(frozen=True)
class LeftOut:
    """Statements of a cell that are not part of the submission, and why."""

    cell: int
    line: int  # the first line left out, in the cell
    end_line: int  # the last
    reason: str
    code: str  # the first line's text
    whole_cell: bool = False  # nothing of the cell is kept

    @property
    def note(self) -> str:
        """`cell 4 left out: top-level await`, or `cell 2, line 9 left out: a demo call`."""
        if self.whole_cell:
            return f"cell {self.cell} left out: {self.reason}"
        lines = f"line {self.line}" if self.line == self.end_line else (
            f"lines {self.line}-{self.end_line}"
        )  # fmt: skip
        return f"cell {self.cell}, {lines} left out: {self.reason} (`{self.code.strip()}`)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "cell": self.cell, "line": self.line, "end_line": self.end_line,
            "reason": self.reason, "code": self.code, "whole_cell": self.whole_cell,
            "note": self.note,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LeftOut:
        return cls(
            cell=int(data["cell"]), line=int(data["line"]), end_line=int(data["end_line"]),
            reason=str(data["reason"]), code=str(data.get("code", "")),
            whole_cell=bool(data.get("whole_cell", False)),
        )  # fmt: skip


@dataclass(frozen=True)
class NotebookNote:
    """What a report says of a notebook: how many code cells it had, and what was left out."""

    code_cells: int
    left_out: tuple[LeftOut, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code_cells": self.code_cells, "left_out": [s.to_dict() for s in self.left_out]}

    @classmethod
    def from_dict(cls, data: Any) -> NotebookNote | None:
        if not isinstance(data, dict):
            return None
        return cls(
            int(data.get("code_cells", 0)),
            tuple(LeftOut.from_dict(s) for s in data.get("left_out", [])),
        )


@dataclass
class Module:
    """The module made of a notebook's code cells, and where each of its lines came from."""

    source: str
    places: list[Place | None] = field(default_factory=list)  # module line n is places[n - 1]
    note: NotebookNote = field(default_factory=lambda: NotebookNote(0))

    def place(self, line: int) -> Place | None:
        """The notebook's cell and line behind line `line` of the module (None: none)."""
        return self.places[line - 1] if 0 < line <= len(self.places) else None


def convert(data: bytes) -> Module:
    """The module a notebook's code cells make; raises Unreadable for a file that is none.

    nbformat reads the file: it knows every version of the format and
    upgrades old ones (a course's notebooks may be years old).
    """
    import nbformat  # here: only a notebook needs it

    try:
        text = data.decode("utf-8")
        notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    except UnicodeDecodeError:
        raise Unreadable("the notebook is not UTF-8 text; save it again from Jupyter") from None
    except (json.JSONDecodeError, ValueError) as error:
        raise Unreadable(
            f"the file is not a notebook Jupyter can open ({_first_line(error)}); "
            "save it again from Jupyter"
        ) from None
    except Exception as error:  # nbformat's own reading errors have no common base
        raise Unreadable(f"the notebook cannot be read ({_first_line(error)})") from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise Unreadable("the notebook has no cells")
    lines: list[str] = []
    places: list[Place | None] = []
    left_out: list[LeftOut] = []
    code_cells = 0
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        code_cells += 1
        kept, dropped = _cell(number, str(cell.get("source", "")))
        left_out += dropped
        for index, line in enumerate(kept, start=1):
            lines.append(line)
            places.append(Place(number, index))
        lines.append("")  # cells end on a line of their own, whatever their last one
        places.append(None)
    return Module("\n".join(lines) + "\n", places, NotebookNote(code_cells, tuple(left_out)))


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def _cell(number: int, source: str) -> tuple[list[str], list[LeftOut]]:
    """A cell's lines as the module holds them, and what of it was left out.

    A statement left out becomes blank lines, so that every other line
    keeps its number within the cell.
    """
    lines = source.split("\n")
    if source.lstrip().startswith("%%"):
        # The cell is handed to the magic (bash, time, writefile...), not to Python.
        first = next(i for i, line in enumerate(lines) if line.strip())
        entry = LeftOut(number, first + 1, len(lines), Reason.CELL_MAGIC, lines[first], True)
        return [""] * len(lines), [entry]
    dropped: list[LeftOut] = []
    tree = _parse(source)
    if tree is None:
        # Perhaps IPython's lines make it unreadable as Python: without them?
        without = [_unmagic(line) if _MAGIC.match(line) else line for line in lines]
        for index, line in enumerate(lines):
            if without[index] != line:
                dropped.append(LeftOut(number, index + 1, index + 1, Reason.MAGIC, line))
        lines = without
        tree = _parse("\n".join(without))
        if tree is None:
            return lines, dropped  # a mistake of the student's own: the checks say where
    statements = [s for s in tree.body if not _docstring(s)]
    for statement in statements:
        reason = _runs_work(statement)
        if reason is None:
            continue
        first, last = _span(statement)
        dropped.append(LeftOut(number, first, last, reason, lines[first - 1]))
        for index in range(first - 1, last):
            lines[index] = ""
    dropped.sort(key=lambda entry: entry.line)
    kept_any = any(_runs_work(s) is None for s in statements)
    if dropped and not kept_any:
        reasons = ", ".join(dict.fromkeys(entry.reason for entry in dropped))
        opening = dropped[0]
        whole = LeftOut(number, opening.line, dropped[-1].end_line, reasons, opening.code, True)
        return lines, [whole]
    return lines, dropped


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _unmagic(line: str) -> str:
    """A magic line made harmless: nothing at the top level, `pass` inside a block."""
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}pass" if indent else ""


def _docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _span(statement: ast.stmt) -> tuple[int, int]:
    """The lines a statement covers, its decorators included."""
    first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", []))])
    return first, statement.end_lineno or statement.lineno


def _runs_work(statement: ast.stmt) -> str | None:
    """Why importing `statement` would run the notebook's work, or None if it would not.

    Definitions, imports and plain assignments stay; what awaits at the top
    level, runs an event loop, or calls something only to show its result
    (a bare call, a loop or `with` that calls) is a demo.
    """
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return None  # decorators run, but a decorator that awaits cannot be written
    nodes = list(_top_level(statement))
    if any(isinstance(n, ast.Await | ast.AsyncFor | ast.AsyncWith) for n in nodes) or any(
        isinstance(n, ast.comprehension) and n.is_async for n in nodes
    ):
        return Reason.AWAIT
    calls = [n for n in nodes if isinstance(n, ast.Call)]
    if any(_callee(call) in _LOOP_RUNNERS for call in calls):
        return Reason.LOOP
    if calls and isinstance(statement, ast.Expr | ast.For | ast.While | ast.With):
        return Reason.CALL
    return None


def _top_level(statement: ast.stmt) -> list[ast.AST]:
    """The nodes of `statement` that run when it does: not the bodies of functions in it."""
    found: list[ast.AST] = []
    todo: list[ast.AST] = [statement]
    while todo:
        node = todo.pop()
        found.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.append(child)
    return found


def _callee(call: ast.Call) -> str:
    """The called name: `run` for `asyncio.run(...)` and `run(...)` alike."""
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


# -- the report, in the notebook's terms ------------------------------------------------------


def relabel(report: Report, module: Module, made: str, given: str) -> None:
    """Make every line the report names a cell and line of the notebook; note what was left out.

    The grader words a line of the submission as "line N"; in a report on a
    notebook, each becomes "cell C, line L", and each diagnostic carries
    its cell beside its line in the cell. The module's file name, `made`
    (a syntax error names it), becomes the notebook's, `given`.
    """
    words = _Words(module, made, given)
    report.notebook = module.note
    report.message = words(report.message)
    for check in report.checks:
        check.message = words(check.message)
        failure = check.failure
        check.failure = replace(
            failure,
            expected=words(failure.expected),
            measured=words(failure.measured),
            hint=words(failure.hint),
        )
        check.diagnostics = [_diagnostic(d, module, words) for d in check.diagnostics]


def _diagnostic(diagnostic: Diagnostic, module: Module, words: _Words) -> Diagnostic:
    place = module.place(diagnostic.line) if diagnostic.line is not None else None
    message = words(diagnostic.message)
    if place is None:
        return replace(diagnostic, message=message)
    return replace(diagnostic, message=message, line=place.line, cell=place.cell)


@dataclass(frozen=True)
class _Words:
    """Rewrites the grader's words about the module into words about the notebook."""

    module: Module
    made: str
    given: str

    def __call__(self, text: str) -> str:
        if not text:
            return text
        return _LINE.sub(self._said, text.replace(self.made, self.given))

    def _said(self, found: re.Match[str]) -> str:
        place = self.module.place(int(found.group(1)))
        return found.group(0) if place is None else f"cell {place.cell}, line {place.line}"
