"""What a batch did, in a few lines for the teacher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from grader.batch.runner import BatchResult
from grader.outputs import gradebook
from grader.outputs.words import plural as plural  # also the CLI's, from here
from grader.outputs.words import shown

if TYPE_CHECKING:
    from grader.batch.lms import LmsExport


def _not_graded_lines(result: BatchResult) -> list[str]:
    """The files the batch could not grade or never started, and how to finish them."""
    lines = [f"NOT GRADED {lost.label}: {lost.reason}" for lost in result.unfinished]
    if result.not_started:
        # One line, not one per file: a class of hundreds may be stopped early.
        lines.append(
            f"NOT GRADED {plural(len(result.not_started), 'submission')}: the batch was "
            "interrupted before it started them (grades.csv says not graded)"
        )
    if result.unfinished or result.not_started:
        lines.append("run the same command again with --resume to grade what is left")
    return lines


def render_summary(result: BatchResult, lms: LmsExport | None = None) -> str:
    """What a batch did, in a few lines for the teacher."""
    book = result.gradebook
    errors = book.count(gradebook.CellState.ERROR)
    jobs = len(result.classroom.jobs)
    lines = [
        f"graded {jobs - len(result.unfinished) - len(result.not_started)} of "
        f"{plural(jobs, 'submission')} from "
        f"{plural(len(result.classroom.students), 'student')} "
        f"({result.graded} now, {result.resumed} already graded); "
        f"{errors} could not be run, {book.count(gradebook.CellState.MISSING)} missing"
    ]
    for exercise in book.exercises:
        mean = book.mean(exercise)
        graded = len(book.scores(exercise))  # what the mean is over: not what is not graded yet
        shown = "-" if mean is None else f"{mean:g}"
        lines.append(
            f"  {exercise:<16} mean {shown}/{book.max_scores[exercise]:g} over "
            f"{plural(graded, 'submission')}"
        )
    if result.regraded_alone:
        lines.append(
            f"re-graded alone (timing checks failed under load): {', '.join(result.regraded_alone)}"
        )
    if result.inconclusive:
        lines.append(
            f"INCONCLUSIVE {plural(len(result.inconclusive), 'submission')}, graded alone too: "
            f"the machine was too busy to time some checks ({', '.join(result.inconclusive)}); "
            "their points are not known yet: grade them again when it is quieter"
        )
    lines += _ignored_lines(result)
    for news in result.news:
        lines.append(f"note: {news}")
    lines += _not_graded_lines(result)
    if result.isolation is not None:
        lines.append(f"isolation: {result.isolation.describe()}")
    if len(set(result.in_flight)) > 1:
        low, high = min(result.in_flight), max(result.in_flight)
        lines.append(f"gradings at once: {low} to {high}, following the machine's load")
    elif result.in_flight:
        lines.append(f"gradings at once: {result.in_flight[0]}")
    lines.append(f"wrote {result.grades_csv} and a JSON report per submission")
    lines.append(f"wrote {result.index_html}: the class at a glance, with a page per submission")
    if result.hand_back is not None:
        lines.append(
            f"wrote {result.hand_back}: a folder per student to hand back (public feedback; "
            "hidden checks' names and points only)"
        )
    if lms is not None:
        lines += _lms_lines(lms)
    return "\n".join(lines)


#: The most items a list in the summary names; the rest are counted.
LISTED = 10

#: Why a file was left out when the teacher chose other exercises: counted, never listed.
NOT_CHOSEN = "exercise not chosen"


def listed(items: Sequence[str], indent: str = "  ") -> list[str]:
    """`items`, one per line, the first LISTED of them, and how many more there are."""
    lines = [f"{indent}{item}" for item in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(f"{indent}... and {len(items) - LISTED:,} more")
    return lines


def _ignored_lines(result: BatchResult) -> list[str]:
    """The files left out: those of other exercises counted, the others by reason, capped.

    A class of 100 graded on one exercise of 12 has 1,100 files of the others:
    a count says all there is to say about them.
    """
    ignored = result.classroom.ignored
    others = [i for i in ignored if i.reason == NOT_CHOSEN]
    lines = []
    if others:
        lines.append(
            f"not graded: {plural(len(others), 'file')} of the exercises not chosen (--exercise)"
        )
    rest = [i for i in ignored if i.reason != NOT_CHOSEN]
    if rest:
        lines.append(f"ignored {plural(len(rest), 'file')}:")
        lines += listed([f"{i.path}: {i.reason}" for i in rest])
    return lines


def _lms_lines(lms: LmsExport) -> list[str]:
    """Which gradebook files were written, and where roster and class folder disagree."""
    lines = [f"wrote {path} ({plural(len(lms.match.matched), 'student')})" for path in lms.written]
    lines += [f"did not write {why}" for why in lms.skipped]
    if lms.formulas:
        lines.append(
            f"{plural(len(lms.formulas), 'roster row')} with a cell a spreadsheet would run as "
            "a formula (=, +, -, @ first; left out of the gradebook files, enter by hand):"
        )
        lines += listed([f"line {m.line}: {shown(m.folder)}" for m in lms.formulas])
    if lms.match.without_folder:
        lines.append(
            f"{plural(len(lms.match.without_folder), 'roster row')} with no folder in the class "
            "(left out of the gradebook files):"
        )
        lines += listed([f"line {m.line}: {shown(m.folder)}" for m in lms.match.without_folder])
    if lms.match.without_row:
        lines.append(
            f"{plural(len(lms.match.without_row), 'folder')} with no roster row "
            "(left out of the gradebook files):"
        )
        lines += listed(lms.match.without_row)
    return lines
