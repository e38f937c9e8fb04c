"""A batch's class at a glance (`OUT/index.html`), and each report's own page beside its JSON.

The class page answers what a teacher asks after a batch: how did the class
do on each exercise (a histogram of the scores), which checks did most of the
class fail (those say what to teach again: every exercise's checks sorted by
pass rate, lowest first), and where is each student's page. Like the
gradebook, it is built from the JSON reports alone, so a resumed batch ends
with the same page as one that ran straight through.

The pages link both ways: the class page's table (at the top) names each
student with a link to that student's page (`OUT/<student>/index.html`: a
row of scores, each linking to its report's page), and every such page
links back up. Pages to hand back (`write_hand_back`, `OUT/hand-back/
<student>/`) are each student's own, with no way to the class and with
hidden checks' names and points only: a folder a teacher can send as it is.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from grader.grading.report import CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import gradebook
from grader.outputs.gradebook import CellState, Gradebook
from grader.outputs.html import esc, nav, number, page, render_report
from grader.outputs.words import plural

INDEX = "index.html"
#: The folder of `OUT` that holds the pages to hand back, one folder per student.
HAND_BACK = "hand-back"
#: A check passed by fewer than this share of the class is one to teach again.
WEAK = 0.5
#: Exercises worth at most this many points get one bar per whole point.
WHOLE_POINTS = 12
#: Otherwise, the scores fall into this many equal bins.
BINS = 10


@dataclass(frozen=True)
class Bin:
    """Scores from `low` to below `high` (the last bin includes the maximum)."""

    low: float
    high: float
    count: int
    label: str


@dataclass(frozen=True)
class CheckRate:
    """How many of the graded submissions passed one check."""

    name: str
    visibility: Visibility
    passed: int
    graded: int

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0

    @property
    def weak(self) -> bool:
        return self.graded > 0 and self.rate < WEAK


@dataclass(frozen=True)
class ExerciseStats:
    exercise: str
    max_score: float
    scores: tuple[float, ...]  # each submission handed in and graded; one that could not run is 0
    errors: int  # submissions that could not be run
    missing: int  # students who handed nothing in
    ungraded: int  # handed in, but no report (the batch did not finish)
    bins: tuple[Bin, ...]
    checks: tuple[CheckRate, ...]  # lowest pass rate first

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.scores), 2) if self.scores else None

    @property
    def median(self) -> float | None:
        return round(statistics.median(self.scores), 2) if self.scores else None


def page_path(out_dir: Path, student: str, exercise: str) -> Path:
    """Where a batch keeps one student's page for one exercise: beside its JSON report."""
    return gradebook.report_path(out_dir, student, exercise).with_suffix(".html")


def bins(scores: Sequence[float], max_score: float) -> tuple[Bin, ...]:
    """The histogram of `scores` out of `max_score`: a bar per whole point for small exercises."""
    if max_score <= 0:
        return (Bin(0.0, 0.0, len(scores), "0"),)
    if max_score == int(max_score) and max_score <= WHOLE_POINTS:
        top = int(max_score)
        counts = [0] * (top + 1)
        for score in scores:
            counts[min(top, max(0, int(score)))] += 1  # 7.5 counts with 7
        return tuple(Bin(k, k + 1, counts[k], f"{k}") for k in range(top + 1))
    width = max_score / BINS
    counts = [0] * BINS
    for score in scores:
        counts[min(BINS - 1, max(0, int(score / width)))] += 1
    return tuple(
        Bin(k * width, (k + 1) * width, counts[k], f"{number(round(k * width, 2))}–"
            f"{number(round((k + 1) * width, 2))}")
        for k in range(BINS)
    )  # fmt: skip


def exercise_stats(
    book: Gradebook, reports: Mapping[tuple[str, str], Report], exercise: str
) -> ExerciseStats:
    """One exercise across the class, from the gradebook's cells and the stored reports."""
    cells = book.cells(exercise)
    scores = tuple(book.scores(exercise))
    rates: dict[str, list[int]] = {}  # name -> [passed, graded], in first-seen order
    seen: dict[str, Visibility] = {}
    for student in book.rows:
        report = reports.get((student, exercise))
        if report is None or report.status is not ReportStatus.GRADED:
            continue
        for check in report.checks:
            tally = rates.setdefault(check.name, [0, 0])
            seen.setdefault(check.name, check.visibility)
            tally[0] += check.status is CheckStatus.PASSED
            tally[1] += 1
    checks = [CheckRate(name, seen[name], p, g) for name, (p, g) in rates.items()]
    checks.sort(key=lambda c: c.rate)  # stable: equal rates keep the exercise's order
    max_score = book.max_scores[exercise]
    return ExerciseStats(
        exercise=exercise,
        max_score=max_score,
        scores=scores,
        errors=sum(c.state is CellState.ERROR for c in cells),
        missing=sum(c.state is CellState.MISSING for c in cells),
        ungraded=sum(c.state is CellState.UNGRADED for c in cells),
        bins=bins(scores, max_score),
        checks=tuple(checks),
    )


def render_class(book: Gradebook, reports: Mapping[tuple[str, str], Report]) -> str:
    """The class page: teach-again checks, then each exercise's scores and checks, then students."""
    stats = [exercise_stats(book, reports, e) for e in book.exercises]
    handed = sum(len(s.scores) for s in stats)
    body = [
        "<header><h1>The class at a glance</h1>",
        f'<p class="muted">{plural(len(book.rows), "student")}, '
        f"{plural(handed, 'submission')} graded over {plural(len(stats), 'exercise')}"
        f"{_also(stats)}</p></header>",
    ]
    body += _students(book, reports)
    body += _teach_again(stats)
    for s in stats:
        body += _exercise_section(s)
    return page("The class at a glance", body)


def _also(stats: Sequence[ExerciseStats]) -> str:
    errors, ungraded = sum(s.errors for s in stats), sum(s.ungraded for s in stats)
    parts = [f"{errors} could not be run"] if errors else []
    parts += [f"{ungraded} not graded yet"] if ungraded else []
    return f" ({', '.join(parts)})" if parts else ""


def _teach_again(stats: Sequence[ExerciseStats]) -> list[str]:
    weak = sorted(
        ((s.exercise, c) for s in stats for c in s.checks if c.weak), key=lambda item: item[1].rate
    )
    out = ["<h2>What to teach again</h2>"]
    if not weak:
        out.append('<p class="muted">No check was failed by most of the class.</p>')
        return out
    out.append('<p class="muted">Checks that most of the class failed, the most failed first:</p>')
    out.append('<table class="weak-checks"><tr><th>exercise</th><th>check</th>'
               '<th class="num">passed</th><th>pass rate</th></tr>')  # fmt: skip
    for exercise, check in weak:
        out.append(
            f'<tr class="weak"><td><a href="#{esc(_anchor(exercise))}">{esc(exercise)}</a></td>'
            f"<td>{esc(check.name)}</td>{_rate_cells(check)}</tr>"
        )
    out.append("</table>")
    return out


def _exercise_section(s: ExerciseStats) -> list[str]:
    mean = "-" if s.mean is None else number(s.mean)
    median = "-" if s.median is None else number(s.median)
    notes = [f"{s.errors} could not be run"] if s.errors else []
    notes += [f"{s.missing} missing"] if s.missing else []
    notes += [f"{s.ungraded} not graded yet"] if s.ungraded else []
    out = [
        f'<section class="exercise" id="{esc(_anchor(s.exercise))}">',
        f"<h2>{esc(s.exercise)}</h2>",
        f"<p>mean {mean} / {number(s.max_score)}, median {median}, over "
        f"{plural(len(s.scores), 'submission')}"
        + (f' <span class="muted">({", ".join(notes)})</span>' if notes else "")
        + "</p>",
        '<figure class="histogram"><figcaption class="muted">scores</figcaption>',
        histogram_svg(s),
        "</figure>",
    ]
    if s.checks:
        out.append('<table class="checks"><tr><th>check</th><th>visibility</th>'
                   '<th class="num">passed</th><th>pass rate</th></tr>')  # fmt: skip
        for check in s.checks:
            weak = ' class="weak"' if check.weak else ""
            out.append(
                f"<tr{weak}><td>{esc(check.name)}</td><td>{esc(check.visibility)}</td>"
                f"{_rate_cells(check)}</tr>"
            )
        out.append("</table>")
    out.append("</section>")
    return out


def _rate_cells(check: CheckRate) -> str:
    percent = round(100 * check.rate)
    return (
        f'<td class="num">{check.passed} of {check.graded}</td>'
        f'<td><span class="bar"><span style="width:{percent}%"></span></span> {percent}%</td>'
    )


def histogram_svg(s: ExerciseStats) -> str:
    """One bar per bin, its count above it and its scores below."""
    width, height, top, bottom = 480.0, 150.0, 16.0, 22.0
    slot = width / len(s.bins)
    tallest = max((b.count for b in s.bins), default=0) or 1
    plot = height - top - bottom
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-label="{esc(s.exercise)}: scores of {len(s.scores)} submissions" '
        'style="max-width:32rem">',
        f'<line class="grid" x1="0" y1="{height - bottom:.1f}" x2="{width:.0f}" '
        f'y2="{height - bottom:.1f}"/>',
    ]
    whole = all(b.high - b.low == 1 and b.label == f"{b.low:g}" for b in s.bins)
    for k, b in enumerate(s.bins):
        bar = plot * b.count / tallest
        x = k * slot + slot * 0.12
        y = height - bottom - bar
        # A bar per point is named by its point; equal bins by their edges, which fit.
        if whole:
            below = (
                f'<text x="{k * slot + slot / 2:.1f}" y="{height - 6:.1f}" '
                f'text-anchor="middle">{esc(b.label)}</text>'
            )
        else:
            anchor = "start" if k == 0 else "middle"
            below = (
                f'<text x="{k * slot:.1f}" y="{height - 6:.1f}" text-anchor="{anchor}">'
                f"{number(round(b.low, 2))}</text>"
            )
        out.append(
            f'<g class="bin"><title>{esc(b.label)}: {plural(b.count, "submission")}</title>'
            f'<rect class="call" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.76:.1f}" '
            f'height="{bar:.1f}"/>'
            f'<text x="{k * slot + slot / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
            f"{b.count or ''}</text>{below}</g>"
        )
    if not whole:
        out.append(
            f'<text x="{width:.1f}" y="{height - 6:.1f}" text-anchor="end">'
            f"{number(s.max_score)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _students(book: Gradebook, reports: Mapping[tuple[str, str], Report]) -> list[str]:
    """Every student's scores, each linking to that report's page."""
    head = "".join(f'<th class="num">{esc(e)}</th>' for e in book.exercises)
    out = [
        "<h2>Students</h2>",
        f'<table class="students"><tr><th>student</th>{head}<th class="num">total</th></tr>',
    ]
    for student, row in book.rows.items():
        cells = []
        for exercise in book.exercises:
            cell = row[exercise]
            if (student, exercise) in reports:
                href = f"{quote(student, safe='')}/{quote(exercise, safe='')}.html"
                cells.append(f'<td class="num"><a href="{esc(href)}">{esc(cell.text)}</a></td>')
            else:
                cells.append(f'<td class="num muted">{esc(cell.text)}</td>')
        name = f'<a href="{esc(quote(student, safe=""))}/{INDEX}">{esc(student)}</a>'
        out.append(
            f'<tr><td class="name">{name}</td>{"".join(cells)}'
            f'<td class="num">{number(book.total(student))}</td></tr>'
        )
    out.append("</table>")
    return out


def render_student(
    book: Gradebook,
    reports: Mapping[tuple[str, str], Report],
    student: str,
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """One student's page: a row per exercise, its score linking to that report's page."""
    row = book.rows[student]
    total = sum(book.max_scores[e] for e in book.exercises)
    body = [
        "<header>",
        *([nav(links)] if links else []),
        f"<h1>{esc(student)}</h1>",
        f'<p class="score">{number(book.total(student))} / {number(total)}</p>',
        "</header>",
        '<table class="exercises"><tr><th>exercise</th><th class="num">score</th>'
        '<th class="num">out of</th></tr>',
    ]
    for exercise in book.exercises:
        cell = row[exercise]
        shown = esc(cell.text)
        if (student, exercise) in reports:
            shown = f'<a href="{esc(quote(exercise, safe=""))}.html">{shown}</a>'
        body.append(
            f'<tr><td>{esc(exercise)}</td><td class="num">{shown}</td>'
            f'<td class="num">{number(book.max_scores[exercise])}</td></tr>'
        )
    body.append("</table>")
    return page(f"{student}: results", body)


def _teacher_links(student: str) -> list[tuple[str, str]]:
    """A teacher's page of `student`'s: the way up to the class, and across to the student."""
    return [(f"../{INDEX}", "the class"), (INDEX, f"{student}'s results")]


def write_page(out_dir: Path, student: str, exercise: str, report: Report) -> Path:
    """Write a report's page beside its JSON report, atomically."""
    path = page_path(out_dir, student, exercise)
    gradebook.write_atomic(path, render_report(report, _teacher_links(student)))
    return path


def write_hand_back(
    out_dir: Path, book: Gradebook, reports: Mapping[tuple[str, str], Report]
) -> Path:
    """Write `OUT/hand-back/<student>/`: each student's own pages, hidden details withheld."""
    root = out_dir / HAND_BACK
    for student in book.rows:
        folder = root / student
        folder.mkdir(parents=True, exist_ok=True)
        gradebook.write_atomic(folder / INDEX, render_student(book, reports, student))
        for exercise in book.exercises:
            report = reports.get((student, exercise))
            if report is None:
                continue
            text = render_report(report, [(INDEX, "your results")], withhold_hidden=True)
            gradebook.write_atomic(folder / f"{exercise}.html", text)
    return root


def write_index(
    out_dir: Path,
    book: Gradebook,
    handed_in: Iterable[tuple[str, str]],
    reports: Mapping[tuple[str, str], Report | None] | None = None,
) -> Path:
    """Write `OUT/index.html` from the reports in `out_dir`, and any report's missing page.

    A report whose page is missing (a batch killed between the two, or an
    older grader's output resumed) gets it now, so that every link works.
    `reports`, from `gradebook.read_reports`, saves reading them again; a pair
    it lacks is read here.
    """
    stored = reports if reports is not None else {}
    found: dict[tuple[str, str], Report] = {}
    for student, exercise in handed_in:
        key = (student, exercise)
        report = (
            stored[key]
            if key in stored
            else gradebook.read_report(gradebook.report_path(out_dir, student, exercise))
        )
        if report is None:
            continue
        found[key] = report
        if not page_path(out_dir, student, exercise).is_file():
            write_page(out_dir, student, exercise, report)
    for student in book.rows:  # every name in the class table links to one
        (out_dir / student).mkdir(exist_ok=True)
        text = render_student(book, found, student, [(f"../{INDEX}", "the class")])
        gradebook.write_atomic(out_dir / student / INDEX, text)
    path = out_dir / INDEX
    gradebook.write_atomic(path, render_class(book, found))
    return path


def _anchor(exercise: str) -> str:
    return "exercise-" + quote(exercise, safe="")
