"""A check's diagnostics and timeline, from what the grader saw while it ran.

The child notes the submission's lines behind the usual mistakes
(`grader.sandbox.diagnostics`); here they are worded for a student. The
timeline puts every call of the submission, every call of a callable the
check passed in, every printed line and every stretch the submission's event
loop was blocked on one clock: the trusted one, in seconds from the check's
first call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from grader.checks.expected import Expected
from grader.checks.loop import BUSY, HELD, STALL
from grader.checks.timing import Recorder
from grader.grading.observations import Diagnostic, DiagnosticKind, Span, SpanKind, Timeline
from grader.sandbox.observation.records import CALLED, Facet, State
from grader.sandbox.records import Call
from grader.sandbox.witness import BLOCKED as BLOCKED_DRAWN

#: Printed lines beyond these are left out of a timeline (a count to 30 is enough to see).
MAX_LINES = 40
_LABEL = 48


def diagnostics(calls: Iterable[Call]) -> list[Diagnostic]:
    """Every mistake the child noted during `calls`, each once, in words."""
    found: dict[tuple[DiagnosticKind, int | None], Diagnostic] = {}
    for call in calls:
        for noted in call.diagnostics:
            made = _worded(noted)
            if made is not None:
                found.setdefault((made.kind, made.line), made)
        where = _first_line(call.blocked_lines)
        held = _held(call)
        if held is not None and where is not None:
            line, code = where
            message = (
                f"line {line}: `{code}` blocked the event loop for {held:.2f} s; in a "
                "coroutine, wait with `await` (asyncio.sleep), and run blocking calls in a "
                "thread (asyncio.to_thread)"
            )
            found.setdefault(
                (DiagnosticKind.BLOCKED_LOOP, line),
                Diagnostic(DiagnosticKind.BLOCKED_LOOP, message, line, code),
            )
    return list(found.values())


def _held(call: Call) -> float | None:
    """How long the call held its loop, when that is too long: the grader's own measure.

    The child names the line (its word, only ever words); the seconds are the
    grader's, from outside the child, where its loop's thread was observed.
    """
    seen = call.observed
    if seen is not None and seen.sees(Facet.LOOP_THREAD):
        # Waits for the grader's own plain callables are the grader's time, which a loaded
        # machine stretches; busy on a CPU, not ready to run: load makes honest code wait.
        blocked = seen.blocked - sum(
            seconds for cause, seconds in seen.held_by.items() if cause.startswith(CALLED)
        )
        held = max(blocked if blocked >= HELD else 0.0, seen.busy if seen.cpu >= BUSY else 0.0)
        return held or None
    return call.stall if call.stall is not None and call.stall > STALL else None


def observed(calls: list[Call]) -> dict[str, float] | None:
    """What the grader saw of a check's calls from outside the child; None if nothing was.

    Counts of threads and processes are the most any of its children had
    started; loops made add up over the calls; held and busy times are the
    worst call's.
    """
    seen = [call.observed for call in calls if call.observed is not None]
    if not seen or not any(o.sees(Facet.STARTS) for o in seen):
        return None
    return {
        "threads": max(o.threads + o.threads_before for o in seen),
        "processes": max(o.processes + o.processes_before for o in seen),
        "loops": sum(o.loops for o in seen),
        "loops_open": max(o.loops_open for o in seen),
        "blocked": round(max(o.blocked for o in seen), 3),
        "busy": round(max(o.busy for o in seen), 3),
    }


def unobserved(calls: list[Call]) -> list[str]:
    """What could not be observed of these calls from outside the child, and why."""
    return sorted({why for call in calls if call.observed for why in call.observed.reasons})


def _first_line(blocked: list[dict[str, object]]) -> tuple[int, str] | None:
    """The first line the child named while its loop was blocked, if it named one."""
    for where in blocked:
        try:
            return int(str(where["line"])), str(where.get("code", ""))
        except (KeyError, ValueError):
            continue  # a child that says nonsense gets no diagnostic, and no say in the grade
    return None


def _worded(noted: dict[str, object]) -> Diagnostic | None:
    try:
        kind = DiagnosticKind(str(noted["kind"]))
        line = int(str(noted["line"]))
    except (KeyError, ValueError):
        return None  # a child that says nonsense gets no diagnostic, and no say in the grade
    code = str(noted.get("code", ""))[:200]
    detail = str(noted.get("detail", ""))[:100]
    where = f"line {line}: `{code}`"
    if kind is DiagnosticKind.NEVER_AWAITED:
        message = f"{where} makes a coroutine ({detail}) that is never awaited; add `await`"
    elif kind is DiagnosticKind.PENDING_TASK:
        message = (
            f"{where} makes a task that was still running when the function returned; await "
            "it (or gather the tasks) before returning"
        )
    elif kind is DiagnosticKind.UNRETRIEVED:
        message = (
            f"{where} makes a task that raised {detail}, and nothing awaited it to see the "
            "exception"
        )
    elif kind is DiagnosticKind.UNCLOSED and detail == "event loop":
        message = f"{where} makes an event loop that is never closed; close it in a `finally:`"
    elif kind is DiagnosticKind.UNCLOSED:
        message = (
            f"{where} makes an {detail} that is never closed; use `async with "
            "aiohttp.ClientSession() as session:`"
        )
    else:
        return None  # blocked lines are worded from the grader's own measure, above
    return Diagnostic(kind, message, line, code)


def timeline(
    calls: list[Call], recorder: Recorder | None, expected: list[Expected]
) -> Timeline | None:
    """What ran when during the check, from its first call; None when it made no call.

    `expected` is placed from its own start when it has one, else from the
    start of the check's last call (the one its verdicts timed).
    """
    if not calls:
        return None
    start = min(call.started for call in calls)
    last = max(call.started for call in calls) - start
    shape = [_shifted(e.span, last if e.at is None else e.at - start) for e in expected]
    spans: list[Span] = []
    for call in calls:
        spans.append(
            Span(f"{call.name}()", SpanKind.CALL, call.started - start, call.finished - start)
        )
        for begun, ended, label in _blocked(call):
            spans.append(Span(label, SpanKind.BLOCKED, begun - start, ended - start))
        seen = call.observed
        for started in seen.started if seen is not None else []:
            at = started.at - start
            spans.append(Span(f"{started.kind} started", SpanKind.STARTED, at, at))
    if recorder is not None:
        for span in recorder.spans:
            spans.append(
                Span(
                    _label(span.key), SpanKind.CALLBACK, span.started - start,
                    None if span.ended is None else span.ended - start,
                    cancelled=span.cancelled, raised=span.raised,
                )
            )  # fmt: skip
    printed = [line for call in calls for line in call.lines][:MAX_LINES]
    spans += [
        Span(_label(line.text), SpanKind.OUTPUT, line.at - start, line.at - start)
        for line in printed
    ]
    spans.sort(key=lambda span: (span.start, span.kind != SpanKind.CALL))
    shape.sort(key=lambda span: (span.start, span.kind != SpanKind.CALL))
    return Timeline(spans, shape)


#: How a timeline names a stretch by what held the loop's thread.
_HELD = {
    State.SLEEPING: "loop blocked: slept",
    State.WAITING: "loop blocked: waited",
    State.OTHER_LOOP: "loop blocked: other loop",
    State.RUNNING: "loop blocked: busy",
}


def _blocked(call: Call) -> list[tuple[float, float, str]]:
    """The stretches the call's loop was blocked: the grader's looks, or else the child's pings."""
    seen = call.observed
    if seen is None or not seen.sees(Facet.LOOP_THREAD):
        return [(begun, ended, "event loop blocked") for begun, ended in call.blocked]
    return sorted(
        (s.start, s.end, _HELD[s.state]) for s in seen.stretches if s.seconds >= BLOCKED_DRAWN
    )


def _shifted(span: Span, by: float) -> Span:
    end = None if span.end is None else span.end + by
    return replace(span, start=span.start + by, end=end)


def _label(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= _LABEL else text[: _LABEL - 1] + "…"
