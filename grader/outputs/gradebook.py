"""A class's grades, read back from the JSON reports of a batch and written as `grades.csv`.

The reports are the record: `grades.csv` is always rebuilt from them, so a
batch that was interrupted and resumed ends with the same file as one that
ran straight through. Files are written atomically (a temporary file in the
same folder, then `os.replace`), so a report on disk is either whole or absent.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from grader.grading.report import Report, ReportStatus

#: What a cell of `grades.csv` says when the student handed nothing in.
MISSING = "missing"
#: What it says when a submission was found but has no report (the batch did not finish).
UNGRADED = "not graded"
#: The prefix of the temporary files `write_atomic` leaves behind if it is killed.
TEMP_PREFIX = ".grader-tmp-"


class CellState(StrEnum):
    GRADED = "graded"
    ERROR = "error"  # the report says the submission could not be run
    MISSING = "missing"  # no file for this exercise
    UNGRADED = "not graded"  # a file, but no report yet


@dataclass(frozen=True)
class Cell:
    """One student's result for one exercise."""

    state: CellState
    score: float = 0.0

    @property
    def text(self) -> str:
        if self.state is CellState.MISSING:
            return MISSING
        if self.state is CellState.UNGRADED:
            return UNGRADED
        return f"{self.score:g}"


@dataclass
class Gradebook:
    """The grades of a class: one row per student, one column per exercise."""

    exercises: list[str]
    max_scores: dict[str, float]
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)

    def total(self, student: str) -> float:
        return round(sum(cell.score for cell in self.rows[student].values()), 2)

    def cells(self, exercise: str) -> list[Cell]:
        return [row[exercise] for row in self.rows.values()]

    def count(self, state: CellState) -> int:
        return sum(cell.state is state for row in self.rows.values() for cell in row.values())

    def scores(self, exercise: str) -> list[float]:
        """The scores of the submissions handed in and graded (one that could not run is 0)."""
        return [
            c.score for c in self.cells(exercise) if c.state in (CellState.GRADED, CellState.ERROR)
        ]

    def mean(self, exercise: str) -> float | None:
        """The mean score of the submissions handed in (errors count 0), or None if none were."""
        scores = self.scores(exercise)
        return round(sum(scores) / len(scores), 2) if scores else None

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["student", *self.exercises, "total"])
        for student, row in self.rows.items():
            cells = [row[e].text for e in self.exercises]
            writer.writerow([spreadsheet_safe(student), *cells, f"{self.total(student):g}"])
        return buffer.getvalue()


#: The gradebook's name in a batch's output folder.
FILE = "grades.csv"
#: How a cell a spreadsheet would run as a formula begins (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet opening the CSV would take `text` for a formula."""
    return text.startswith(FORMULA_STARTS)


def spreadsheet_safe(text: str) -> str:
    """`text`, with a leading ' when a spreadsheet would otherwise run it as a formula.

    A student folder named `=HYPERLINK(...)` would be a live link in the
    teacher's spreadsheet; with the quote it is the text it says.
    """
    return f"'{text}" if formula_like(text) else text


def report_path(out_dir: Path, student: str, exercise: str) -> Path:
    """Where a batch keeps one student's report for one exercise."""
    return out_dir / student / f"{exercise}.json"


def read_report(path: Path) -> Report | None:
    """The report stored at `path`, or None when there is none or it does not parse."""
    try:
        return Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def read_reports(
    out_dir: Path, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Report | None]:
    """Each (student, exercise) pair's stored report (`read_report`), read once."""
    return {pair: read_report(report_path(out_dir, *pair)) for pair in pairs}


def build(
    out_dir: Path,
    students: Iterable[str],
    exercises: Mapping[str, float],
    handed_in: Iterable[tuple[str, str]],
    reports: Mapping[tuple[str, str], Report | None] | None = None,
) -> Gradebook:
    """The gradebook as the reports in `out_dir` say, for the files that were handed in.

    `exercises` maps each column's exercise id to its points; `handed_in` lists
    the (student, exercise) pairs that have a file. A report left over for a
    file no longer handed in is not counted. `reports`, from `read_reports`,
    saves reading again the ones already read; a pair it lacks is read here.
    """
    present = set(handed_in)
    stored = reports if reports is not None else {}
    book = Gradebook(exercises=list(exercises), max_scores=dict(exercises))
    for student in students:
        row: dict[str, Cell] = {}
        for exercise in exercises:
            if (student, exercise) not in present:
                row[exercise] = Cell(CellState.MISSING)
                continue
            key = (student, exercise)
            report = stored[key] if key in stored else read_report(report_path(out_dir, *key))
            if report is None:
                row[exercise] = Cell(CellState.UNGRADED)
            elif report.status is ReportStatus.ERROR:
                row[exercise] = Cell(CellState.ERROR, report.score)
            else:
                row[exercise] = Cell(CellState.GRADED, report.score)
        book.rows[student] = row
    return book


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader, or a crash, never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp"
    # os.open rather than mkstemp: the file gets the usual permissions (umask), not 0600.
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_report(path: Path, report: Report) -> None:
    """Store a report as `grader grade --format json` prints it."""
    write_atomic(path, json.dumps(report.to_dict(), indent=2) + "\n")


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files a killed writer left in `folder` and its subfolders."""
    for temp in folder.glob(f"**/{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            temp.unlink()
