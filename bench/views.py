"""What the views cost: render times and sizes of the text report, a page and the class page.

    python bench/views.py [--students 200] [--exercises 13] [--spans 31]

Builds synthetic reports shaped like count-async's (six checks, each with a
timeline of SPANS spans, the failed ones with an expected shape and a
diagnostic), then times `render_text`, `render_report` and, for a class of
STUDENTS x EXERCISES reports written as a batch writes them, `write_index`
(which reads every report back and renders the class page). Prints the
medians and the sizes; nothing is graded, so it runs in seconds anywhere.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.grading.observations import (  # noqa: E402
    Diagnostic,
    DiagnosticKind,
    Span,
    SpanKind,
    Timeline,
)
from grader.grading.report import CheckResult, CheckStatus, Report, Visibility  # noqa: E402
from grader.outputs import classpage, gradebook  # noqa: E402
from grader.outputs.html import render_report  # noqa: E402
from grader.outputs.text import render_text  # noqa: E402


def timeline(spans: int, rng: random.Random, expected: bool) -> Timeline:
    pauses = [rng.uniform(0.05, 0.3) for _ in range(spans - 1)]
    measured = [Span("count(30, {...})", SpanKind.CALL, 0.0, sum(pauses))]
    at = 0.0
    for k, pause in enumerate(pauses, 1):
        at += pause
        measured.append(Span(f"printed '{k}'", SpanKind.OUTPUT, at, at))
    shape = [Span("count(30, {...})", SpanKind.CALL, 0.0, max(pauses))]
    shape += [Span(f"printed '{k}'", SpanKind.OUTPUT, p, p) for k, p in enumerate(pauses, 1)]
    return Timeline(measured, shape if expected else [])


def report(student: str, exercise: str, spans: int, rng: random.Random) -> Report:
    checks = []
    for k in range(6):
        ok = rng.random() < 0.6
        checks.append(
            CheckResult(
                f"check number {k} of {exercise}",
                CheckStatus.PASSED if ok else CheckStatus.FAILED,
                2 if ok else 0,
                2,
                Visibility.HIDDEN if k >= 4 else Visibility.PUBLIC,
                "" if ok else "took 1.21 s; concurrent code takes about 0.30 s",
                diagnostics=[]
                if ok
                else [
                    Diagnostic(DiagnosticKind.BLOCKED_LOOP, "line 6: blocked", 6, "time.sleep(x)")
                ],
                timeline=timeline(spans, rng, expected=not ok),
            )
        )
    return Report(exercise, f"{student}/{exercise}.py", 12, checks=checks, isolation="namespaces")


def median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--exercises", type=int, default=13)
    parser.add_argument("--spans", type=int, default=31)
    args = parser.parse_args()
    rng = random.Random(9)

    one = report("ann", "count-async", args.spans, rng)
    text_ms = median_ms(lambda: render_text(one, width=100), 50)
    page_ms = median_ms(lambda: render_report(one), 50)
    print(f"one report, 6 checks of {args.spans} spans:")
    print(f"  text  {text_ms:7.2f} ms  {len(render_text(one, width=100).encode()):8,} bytes")
    print(f"  html  {page_ms:7.2f} ms  {len(render_report(one).encode()):8,} bytes")

    exercises = [f"exercise-{k:02d}" for k in range(args.exercises)]
    students = [f"student{k:03d}" for k in range(args.students)]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for s in students:
            for e in exercises:
                gradebook.write_report(
                    gradebook.report_path(out, s, e), report(s, e, args.spans, rng)
                )
        handed_in = [(s, e) for s in students for e in exercises]
        book = gradebook.build(out, students, dict.fromkeys(exercises, 12.0), handed_in)
        began = time.perf_counter()
        classpage.write_index(out, book, handed_in)  # every page is missing: written too
        first = time.perf_counter() - began
        again = median_ms(lambda: classpage.write_index(out, book, handed_in), 3)
        index = (out / classpage.INDEX).stat().st_size
        pages = [classpage.page_path(out, s, e).stat().st_size for s, e in handed_in]
    print(f"a class of {args.students} students x {args.exercises} exercises:")
    print(f"  index.html and every page       {first * 1000:9.0f} ms")
    print(f"  index.html alone (pages exist)  {again:9.0f} ms  {index:,} bytes")
    print(f"  pages: median {statistics.median(pages):,.0f} bytes, max {max(pages):,} bytes")


if __name__ == "__main__":
    main()
