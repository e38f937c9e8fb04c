"""Diagnostics name the submission's line behind each common asyncio mistake, and only then.

Each file in tests/data/diagnosed makes one mistake at a known line; calling it in
the sandbox must name that line and kind, worded for a student. A whole
grading carries them into the report, next to the verdicts they never change.
"""

from __future__ import annotations

import contextlib

import pytest

from grader.checks.httpserver import HttpServer
from grader.checks.submission import Submission, coroutine
from grader.checks.timing import Recorder
from grader.grading import observer
from grader.grading.observations import Diagnostic, DiagnosticKind
from grader.grading.runner import grade
from grader.outputs import github, gradescope
from grader.sandbox import Call, Limits, SubmissionRaised
from grader.sandbox.observation import Observation
from grader.sandbox.observation.records import CALLED
from grader.sandbox.records import Said
from tests.support import DATA, SOLUTIONS, SUBMISSIONS, exercise, grade_file

DIAGNOSED = DATA / "diagnosed"
LIMITS = Limits(call_timeout=15, import_timeout=15)
PAUSES = {2: 0.2, 5: 0.15, 7: 0.25}


def line_of(name: str, text: str) -> int:
    """The line of `name` that holds `text`: where the mistake is."""
    lines = (DIAGNOSED / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


async def diagnose(
    name: str, function: str, *args: object, packages: tuple[str, ...] = ()
) -> list[Diagnostic]:
    student = Submission(DIAGNOSED / name, LIMITS, packages=packages)
    try:
        with contextlib.suppress(SubmissionRaised):  # a mistake may raise too
            await student.call(function, args)
        return observer.diagnostics(student.seen)
    finally:
        await student.close()


@pytest.mark.parametrize(
    ("name", "kind", "text", "says"),
    [
        ("never_awaited.py", DiagnosticKind.NEVER_AWAITED, "asyncio.sleep(",
         "is never awaited; add `await`"),
        ("blocked_loop.py", DiagnosticKind.BLOCKED_LOOP, "time.sleep(",
         "blocked the event loop for"),
        ("pending_task.py", DiagnosticKind.PENDING_TASK, "create_task(",
         "was still running when the function returned"),
    ],
)  # fmt: skip
async def test_count_async_mistakes_are_named_at_their_line(
    name: str, kind: DiagnosticKind, text: str, says: str
) -> None:
    found = await diagnose(name, "count", 8, PAUSES)
    line = line_of(name, text)
    assert [(d.kind, d.line) for d in found] == [(kind, line)], found
    assert found[0].message.startswith(f"line {line}: `") and says in found[0].message
    assert text in found[0].code


async def test_an_exception_no_one_retrieved_is_named_where_the_task_was_made() -> None:
    found = await diagnose("unretrieved.py", "run")
    line = line_of("unretrieved.py", "create_task(")
    assert [(d.kind, d.line) for d in found] == [(DiagnosticKind.UNRETRIEVED, line)], found
    assert "raised ValueError" in found[0].message


async def test_an_event_loop_never_closed_is_named_where_it_was_made() -> None:
    recorder = Recorder()
    work = recorder.sleeper({"a": 0.01})
    found = await diagnose("unclosed_loop.py", "run_in_new_loop", [coroutine(work, "a")])
    line = line_of("unclosed_loop.py", "new_event_loop(")
    assert [(d.kind, d.line) for d in found] == [(DiagnosticKind.UNCLOSED, line)], found
    assert "event loop that is never closed" in found[0].message


async def test_an_aiohttp_session_never_closed_is_named_where_it_was_made() -> None:
    student = Submission(DIAGNOSED / "unclosed_session.py", LIMITS, packages=("aiohttp",))
    server = HttpServer()
    try:
        await server.start(await student.listener())
        urls = [server.route(f"/{n}", delay=0.01) for n in range(3)]
        await student.fetch_statuses(urls)
        found = observer.diagnostics(student.seen)
    finally:
        await server.close()
        await student.close()
    line = line_of("unclosed_session.py", "ClientSession(")
    assert [(d.kind, d.line) for d in found] == [(DiagnosticKind.UNCLOSED, line)], found
    assert "aiohttp.ClientSession" in found[0].message and "async with" in found[0].message


def test_a_grading_reports_the_line_beside_the_verdict_and_its_timeline() -> None:
    report = grade_file("count-async", DIAGNOSED / "never_awaited.py")
    line = line_of("never_awaited.py", "asyncio.sleep(")
    named = {(d.kind, d.line) for c in report.checks for d in c.diagnostics}
    assert named == {(DiagnosticKind.NEVER_AWAITED, line)}
    timed = [c.timeline for c in report.checks if c.timeline is not None]
    assert timed and all(t.spans[0].label == "count()" for t in timed)
    assert any(s.kind == "output" for t in timed for s in t.spans)


def test_a_right_solution_is_named_nowhere() -> None:
    for exercise_id in ("count-async", "kitchen", "http"):
        report = grade_file(exercise_id, SOLUTIONS / f"{exercise_id}.py")
        assert report.score == report.max_score
        assert [d for c in report.checks for d in c.diagnostics] == []


def test_time_sleep_and_sequential_awaits_get_different_public_feedback() -> None:
    """Both are too slow; only time.sleep blocks the loop, and the feedback says where."""
    slept = grade(exercise("count-async"), SUBMISSIONS / "count-async" / "bad_time_sleep.py",
                  hidden=False)  # fmt: skip
    awaited = grade(exercise("count-async"), SUBMISSIONS / "count-async" / "bad_sequential.py",
                    hidden=False)  # fmt: skip
    blocked = {d.kind for c in slept.checks for d in c.diagnostics}
    assert DiagnosticKind.BLOCKED_LOOP in blocked
    assert all(not c.diagnostics for c in awaited.checks)


def test_gradescope_and_github_name_the_line() -> None:
    report = grade_file("count-async", DIAGNOSED / "never_awaited.py")
    line = line_of("never_awaited.py", "asyncio.sleep(")
    visible = [t for t in gradescope.results(report)["tests"] if t["visibility"] == "visible"]
    assert all(f"line {line}:" in t["output"] for t in visible)
    hidden = [t for t in gradescope.results(report)["tests"] if t["visibility"] != "visible"]
    assert all(f"line {line}:" not in t["output"] for t in hidden)  # the teacher's, by default
    warnings = [c for c in github.annotate(report, "count-async.py") if c.startswith("::warning")]
    assert warnings == [next(w for w in warnings if f"line={line}" in w)]  # once, on its line


def test_the_timeline_draws_the_shape_right_code_has_beside_the_measured_one() -> None:
    """count-async's on-time check knows when each line is due: those are its expected shape."""
    report = grade_file("count-async", SUBMISSIONS / "count-async" / "bad_sequential.py")
    timed = {c.name: c.timeline for c in report.checks if c.timeline is not None}
    concurrent = next(t for n, t in timed.items() if "longest pause" in n)
    assert concurrent is not None
    (about,) = [s for s in concurrent.expected if s.kind == "call"]
    measured = next(s for s in concurrent.spans if s.kind == "call")
    assert about.end is not None and measured.end is not None and about.end < measured.end / 2
    on_time = next(t for n, t in timed.items() if "as soon as" in n)
    assert on_time is not None
    due = [s for s in on_time.expected if s.kind == "output"]
    assert due and all(s.start == s.end for s in due)  # an instant per line, at its due time


def test_a_wait_for_the_graders_own_callable_names_no_line() -> None:
    """Load stretches the grader's replies to a plain callable: the loop waited for it, no line."""
    line = [{"line": 17, "code": "show(part, content)"}]

    def named(held_by: dict[str, float]) -> list[str]:
        seen = Observation(blocked=sum(held_by.values()), held_by=held_by)
        call = Call(
            "load_page", started=0.0, ended=0.3, observed=seen, said=Said(blocked_lines=line)
        )
        return [d.message for d in observer.diagnostics([call])]

    assert named({f"{CALLED}show": 0.1}) == []
    assert named({f"{CALLED}show": 0.1, "clock_nanosleep": 0.06})[0].startswith("line 17:")
