"""The text report's timeline and diagnostics, on synthetic reports.

A timeline is read by where its marks are: each test finds a span's row and
checks the columns its bar covers against the axis, so that "one after
another" and "all at once" are really drawn as such.
"""

from __future__ import annotations

import os

import pytest

from grader.grading.observations import Diagnostic, DiagnosticKind, Span, SpanKind, Timeline
from grader.grading.report import CheckResult, CheckStatus, Report, Visibility
from grader.outputs import timeline as tl
from grader.outputs.text import render_text

WIDTH = 80


def row(lines: list[str], label: str) -> str:
    """The row whose label is `label` (the first one, the measured one if both have it)."""
    found = [line for line in lines if line.startswith(label + " ")]
    assert found, f"no row for {label!r} in:\n" + "\n".join(lines)
    return found[0]


def bar(lines: list[str], label: str) -> str:
    """The bar part of a span's row: the columns under the ruler, notes cut off."""
    ruler = next(line for line in lines if "|--" in line)
    start = ruler.index("|")
    return row(lines, label)[start : len(ruler)]


def covered(cells: str) -> tuple[int, int]:
    """The first and last columns a bar covers."""
    marked = [i for i, c in enumerate(cells) if c != " "]
    assert marked, f"an empty bar: {cells!r}"
    return marked[0], marked[-1]


def sequential() -> Timeline:
    """Three calls one after another, where right code runs them all at once."""
    return Timeline(
        spans=[
            Span("fetch_all(...)", SpanKind.CALL, 0.0, 0.9),
            Span("fetch('a')", SpanKind.CALLBACK, 0.0, 0.3),
            Span("fetch('b')", SpanKind.CALLBACK, 0.3, 0.6),
            Span("fetch('c')", SpanKind.CALLBACK, 0.6, 0.9),
        ],
        expected=[
            Span("fetch_all(...)", SpanKind.CALL, 0.0, 0.3),
            Span("fetch('a')", SpanKind.CALLBACK, 0.0, 0.3),
            Span("fetch('b')", SpanKind.CALLBACK, 0.0, 0.3),
            Span("fetch('c')", SpanKind.CALLBACK, 0.0, 0.3),
        ],
    )


def test_one_after_another_and_all_at_once_are_drawn_as_such() -> None:
    lines = tl.render_timeline(sequential(), WIDTH)
    a, b, c = (covered(bar(lines, f"fetch('{k}')")) for k in "abc")
    assert a[0] == 0 and a[1] <= b[0] <= a[1] + 1 and b[1] <= c[0] <= b[1] + 1
    assert set(bar(lines, "fetch('a')").strip()) == {tl.FILL[SpanKind.CALLBACK]}
    call = bar(lines, "fetch_all(...)")
    assert set(call.strip()) == {tl.FILL[SpanKind.CALL]} and covered(call) == (0, c[1])
    # Under "expected", on the same axis: all three start at 0 and end where a ended.
    expected = lines[lines.index("expected (right code):") :]
    ruler = next(line for line in lines if "|--" in line)
    for k in "abc":
        cells = row(expected, f"fetch('{k}')")[ruler.index("|") : len(ruler)]
        assert covered(cells) == a, k
    assert covered(row(expected, "fetch_all(...)")[ruler.index("|") : len(ruler)]) == a


def test_the_axis_is_labelled_in_seconds_at_its_ticks() -> None:
    lines = tl.render_timeline(sequential(), WIDTH)
    labels, ruler = lines[0], lines[1]
    assert labels.startswith("time (s)")
    start = ruler.index("|")
    ticks = [i for i, c in enumerate(ruler) if c == "|"]
    # 0.9 s rounds up to a whole number of round steps: 0 0.25 0.5 0.75 1, or 0 0.2 ... 1.
    assert labels[start] == "0" and len(ticks) >= 3
    step, end = tl.ticks(0.9, 5)
    assert end >= 0.9 and end == pytest.approx(round(end / step) * step)
    for k, at in enumerate(ticks[:-1]):
        text = tl.seconds_label(k * step)
        assert labels[at : at + len(text)] == text, (k, labels)
    assert labels.rstrip().endswith(tl.seconds_label(end))
    # The end of the axis is its last column: a span that ends at `end` fills the bar.
    assert ticks[-1] == len(ruler) - 1


@pytest.mark.parametrize(
    ("seconds", "step", "end"),
    [
        (0.9, 0.2, 1.0),
        (1.31, 0.5, 1.5),
        (1.1, 0.25, 1.25),
        (0.0, 0.0002, 0.001),
        (12.0, 2.5, 12.5),
        (3, 1, 3),
    ],
)
def test_ticks_are_round_numbers_of_seconds(seconds: float, step: float, end: float) -> None:
    got_step, got_end = tl.ticks(seconds, 5)
    assert got_step == pytest.approx(step) and got_end == pytest.approx(end)


def test_every_kind_of_span_and_ending_has_its_mark() -> None:
    timeline = Timeline(
        spans=[
            Span("the call", SpanKind.CALL, 0.0, 1.0),
            Span("cancelled one", SpanKind.CALLBACK, 0.0, 0.5, cancelled=True),
            Span("raising one", SpanKind.CALLBACK, 0.2, 0.6, raised="TimeoutError"),
            Span("left running", SpanKind.CALLBACK, 0.5, None),
            Span("printed '3'", SpanKind.OUTPUT, 0.5, 0.5),
            Span("loop blocked", SpanKind.BLOCKED, 0.25, 0.75),
        ]
    )
    lines = tl.render_timeline(timeline, WIDTH)
    cells = {label: bar(lines, label) for label in [s.label for s in timeline.spans]}
    width = len(cells["the call"])
    assert covered(cells["the call"]) == (0, width - 1)

    cancelled = cells["cancelled one"].rstrip()
    assert cancelled.endswith(tl.CANCELLED) and set(cancelled[:-1]) == {"-"}
    assert row(lines, "cancelled one").endswith("cancelled")

    raised = cells["raising one"].rstrip()
    assert raised.endswith(tl.RAISED) and row(lines, "raising one").endswith("raised TimeoutError")

    running = cells["left running"]
    assert running.endswith(tl.RUNNING) and covered(running)[1] == width - 1
    assert covered(running)[0] == pytest.approx((width - 1) / 2, abs=1)

    printed = cells["printed '3'"]
    assert printed.strip() == tl.FILL[SpanKind.OUTPUT]
    assert printed.index("*") == pytest.approx((width - 1) / 2, abs=1)  # an instant at 0.5 s

    blocked = cells["loop blocked"]
    assert set(blocked.strip()) == {"#"}
    first, last = covered(blocked)
    assert first == pytest.approx((width - 1) / 4, abs=1)
    assert last == pytest.approx(3 * (width - 1) / 4, abs=1)

    legend = " ".join(lines[-2:])
    for meaning in ("# event loop blocked", "* a printed line", "x cancelled", "! raised",
                    "> still running", "= the call", "- a call it made"):  # fmt: skip
        assert meaning in legend


def test_the_legend_names_only_the_marks_used() -> None:
    lines = tl.render_timeline(sequential(), WIDTH)
    assert lines[-1] == "= the call  - a call it made"


@pytest.mark.parametrize("width", [tl.MIN_WIDTH, 72, 100, tl.MAX_WIDTH])
def test_no_line_is_wider_than_asked(width: int) -> None:
    long = Timeline(
        spans=[
            Span("x" * 80, SpanKind.CALL, 0.0, 2.0),
            Span(
                "fetch('a very long key indeed')",
                SpanKind.CALLBACK,
                0.1,
                1.9,
                raised="ConnectionResetError",
            ),
            Span("the loop", SpanKind.BLOCKED, 0.5, 1.0),
        ],
        expected=[Span("x" * 80, SpanKind.CALL, 0.0, 0.5)],
    )
    lines = tl.render_timeline(long, width, indent=" " * 12)
    assert all(len(line) <= width for line in lines), "\n".join(lines)
    assert all(line.startswith(" " * 12) for line in lines)
    label = lines[2][12:].split(" ")[0]
    assert label.endswith("...") and label.startswith("xxxxxxxx") and len(label) <= tl.MAX_LABEL


def test_labels_from_the_submission_cannot_drive_the_terminal() -> None:
    timeline = Timeline(spans=[Span("\x1b[2J\x1b[31mgot you\r\n", SpanKind.OUTPUT, 0.1, 0.1)])
    lines = tl.render_timeline(timeline, WIDTH)
    text = "\n".join(lines)
    assert "\x1b" not in text and "\r" not in text and len(lines) == 4
    assert "?[2J?[31mgot you" in text


def test_a_long_timeline_is_cut_and_says_how_much_was_left_out() -> None:
    spans = [Span(f"printed '{k}'", SpanKind.OUTPUT, k / 100, k / 100) for k in range(100)]
    lines = tl.render_timeline(Timeline(spans=spans), WIDTH)
    rows = [line for line in lines if line.startswith("printed")]
    assert len(rows) == tl.MAX_ROWS
    assert any(line.strip() == f"... and {100 - tl.MAX_ROWS} more" for line in lines)


def test_nothing_recorded_is_said_and_an_empty_timeline_draws_nothing() -> None:
    only_expected = Timeline(expected=[Span("count(3)", SpanKind.CALL, 0.0, 0.2)])
    lines = tl.render_timeline(only_expected, WIDTH)
    assert any("(nothing was recorded)" in line for line in lines)
    assert "expected (right code):" in lines
    assert tl.render_timeline(Timeline(), WIDTH) == []


def test_odd_times_are_drawn_within_the_axis() -> None:
    timeline = Timeline(
        spans=[
            Span("before", SpanKind.CALLBACK, -0.5, 0.1),  # a clock read a hair early
            Span("backwards", SpanKind.CALLBACK, 0.4, 0.2),
            Span("nan", SpanKind.CALLBACK, float("nan"), 0.3),
            Span("all", SpanKind.CALL, 0.0, 0.4),
        ]
    )
    lines = tl.render_timeline(timeline, WIDTH)
    assert covered(bar(lines, "before"))[0] == 0
    first, last = covered(bar(lines, "backwards"))
    assert first == last  # one cell where it started
    assert covered(bar(lines, "nan"))[0] == 0


def test_terminal_width_with_a_fallback_outside_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_a_terminal(*args: object) -> os.terminal_size:
        raise OSError("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", not_a_terminal)
    monkeypatch.delenv("COLUMNS", raising=False)
    assert tl.terminal_width() == tl.FALLBACK_WIDTH
    monkeypatch.setenv("COLUMNS", "90")
    assert tl.terminal_width() == 90
    monkeypatch.setenv("COLUMNS", "12")
    assert tl.terminal_width() == tl.MIN_WIDTH
    monkeypatch.setenv("COLUMNS", "500")
    assert tl.terminal_width() == tl.MAX_WIDTH
    monkeypatch.setenv("COLUMNS", "90")
    failed = CheckResult("c", CheckStatus.FAILED, 0, 1, Visibility.PUBLIC, timeline=sequential())
    text = render_text(Report("e", "s.py", 1, checks=[failed]))
    assert max(len(line) for line in text.splitlines()) == 90  # the terminal's width, filled


# -- the text report -----------------------------------------------------------------------


def report_with(*checks: CheckResult) -> Report:
    return Report("gather", "ann/gather.py", 10, duration=1.0, checks=list(checks),
                  isolation="namespaces")  # fmt: skip


def test_the_report_draws_the_timeline_of_failed_checks_only() -> None:
    failed = CheckResult("all at once", CheckStatus.FAILED, 0, 4, Visibility.PUBLIC,
                         "took 0.90 s; concurrent code takes about 0.30 s",
                         timeline=sequential())  # fmt: skip
    timeout = CheckResult("finishes", CheckStatus.TIMEOUT, 0, 2, Visibility.HIDDEN,
                          "did not finish within 5 s", timeline=sequential())  # fmt: skip
    passed = CheckResult("in order", CheckStatus.PASSED, 4, 4, Visibility.PUBLIC,
                         timeline=sequential())  # fmt: skip
    lines = render_text(report_with(passed, failed, timeout), width=WIDTH).splitlines()
    assert lines[1].startswith("  PASS") and lines[2].startswith("  FAIL")  # nothing under PASS
    heads = [i for i, line in enumerate(lines) if line.strip().startswith("time (s)")]
    assert len(heads) == 2  # under the failure and under the timeout
    assert lines[heads[0] - 1].strip() == "took 0.90 s; concurrent code takes about 0.30 s"
    drawn = lines[heads[0] : heads[0] + 12]
    assert all(line.startswith(" " * 12) for line in drawn)
    assert all(len(line) <= WIDTH for line in lines if line.startswith(" " * 12))
    assert lines[-2:] == ["score: 4/10  (1.0 s)", "isolation: namespaces"]  # nothing observed


def test_a_report_without_observations_reads_exactly_as_before() -> None:
    checks = [
        CheckResult("prints", CheckStatus.PASSED, 2, 2, Visibility.PUBLIC),
        CheckResult(
            "waits",
            CheckStatus.FAILED,
            0,
            3,
            Visibility.HIDDEN,
            "took 1.21 s;\nsecond line",
            attempts=3,
        ),
    ]
    assert render_text(report_with(*checks), width=WIDTH) == "\n".join(
        [
            "gather: ann/gather.py",
            "  PASS        2/2  prints",
            "  FAIL        0/3  waits (hidden) [after 3 attempts]",
            "            took 1.21 s;",
            "              > second line",
            "score: 2/10  (1.0 s)",
            "isolation: namespaces",
        ]
    )


def test_diagnostics_come_under_the_message_of_any_check() -> None:
    never = Diagnostic(DiagnosticKind.NEVER_AWAITED,
                       "line 6: `asyncio.sleep(...)` is never awaited; add `await`", 6,
                       "    asyncio.sleep(pause)")  # fmt: skip
    blocked = Diagnostic(DiagnosticKind.BLOCKED_LOOP,
                         "`time.sleep(seconds)` blocked the event loop for 0.22 s", 9,
                         "time.sleep(seconds)")  # fmt: skip
    unclosed = Diagnostic(DiagnosticKind.UNCLOSED, "an aiohttp ClientSession was never closed")
    failed = CheckResult("order", CheckStatus.FAILED, 0, 2, Visibility.PUBLIC, "wrong order",
                         diagnostics=[never, blocked])  # fmt: skip
    passed = CheckResult("prints", CheckStatus.PASSED, 2, 2, Visibility.PUBLIC,
                         diagnostics=[unclosed])  # fmt: skip
    lines = render_text(report_with(failed, passed), width=WIDTH).splitlines()
    assert lines[1:8] == [
        "  FAIL        0/2  order",
        "            wrong order",
        "            line 6: `asyncio.sleep(...)` is never awaited; add `await`",
        "                6 | asyncio.sleep(pause)",  # its code, which the sentence did not quote
        "            line 9: `time.sleep(seconds)` blocked the event loop for 0.22 s",
        "  PASS        2/2  prints",
        "            an aiohttp ClientSession was never closed",
    ]
