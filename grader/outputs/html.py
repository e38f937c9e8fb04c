"""The report as one self-contained HTML page, its timelines drawn as inline SVG.

One file that works opened from a disk, mailed, or put on any web server:
the CSS is inline, nothing is fetched (a Content-Security-Policy says so to
the browser too) and there is no script at all; a passed check's details
fold away with `<details>`, which needs none. Everything taken from the report
is escaped: messages and diagnostics quote the student's code, and a
submission must never be able to put markup, let alone a script, on a page
a teacher opens. (`grader.outputs.classpage` builds the class's page from the
same pieces.)
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grader.grading.observations import Diagnostic, Span, SpanKind, Timeline
from grader.grading.report import CheckResult, CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import timeline as text_timeline
from grader.outputs import words

#: Nothing but the page's own inline styles and `data:` images: no script, no fetch.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { --pass: #1a7f37; --fail: #cf222e; --error: #bc4c00; --timeout: #8250df; --busy: #57606a;
  --muted: #57606a; --line: #d0d7de; --call: #0969da; --callback: #54aeff;
  --output: #1f2328; --blocked: #cf222e; --expected: #8c959f; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
  margin: 0 auto; padding: 1.5rem; max-width: 72rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.15rem; margin: 1.8rem 0 .5rem; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .9em; }
.muted { color: var(--muted); }
.score { font-size: 1.25rem; font-weight: 600; }
.check { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px;
  margin: .8rem 0; padding: .6rem .9rem; }
.check.hidden { border-style: dashed; border-left-style: solid; }
.check.passed { border-left-color: var(--pass); }
.check.failed { border-left-color: var(--fail); }
.check.error { border-left-color: var(--error); }
.check.timeout { border-left-color: var(--timeout); }
.check.inconclusive { border-left-color: var(--busy); border-left-style: dotted; }
.check > summary, .check > .head { font-weight: 600; }
.check > summary { cursor: pointer; }
.check > .head { padding-left: 1.1em; }  /* in line with the checks that fold */
.badge { display: inline-block; font-size: .75rem; font-weight: 700; letter-spacing: .03em;
  padding: .05rem .45rem; border-radius: 1rem; color: #fff; margin-right: .4rem;
  vertical-align: .1rem; text-transform: uppercase; }
.badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); }
.badge.error { background: var(--error); } .badge.timeout { background: var(--timeout); }
.badge.inconclusive { background: var(--busy); }
.badge.visibility { background: #fff; color: var(--muted); border: 1px solid var(--line); }
.points { float: right; font-variant-numeric: tabular-nums; }
.message { white-space: pre-wrap; overflow-wrap: anywhere; margin: .4rem 0; }
.diagnostics { margin: .4rem 0; padding-left: 1.2rem; }
.diagnostics li { overflow-wrap: anywhere; }
.diagnostics pre { margin: .15rem 0; padding: .2rem .5rem; background: #f6f8fa;
  border-radius: 4px; white-space: pre-wrap; }
.timelines { display: flex; flex-wrap: wrap; gap: 1rem; margin: .5rem 0; }
.timelines figure { flex: 1 1 24rem; margin: 0; min-width: 0; max-width: 36rem; }
.timelines figcaption { font-size: .85rem; color: var(--muted); margin-bottom: .2rem; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
svg text.note { font-size: 11px; fill: var(--muted); }
svg .axis text { fill: var(--muted); } svg .grid { stroke: var(--line); stroke-width: 1; }
svg .call { fill: var(--call); } svg .callback { fill: var(--callback); }
svg .output { fill: var(--output); } svg .blocked { fill: var(--blocked); }
svg .started { fill: var(--blocked); }
svg.expected .call, svg.expected .callback, svg.expected .blocked,
svg.expected .output { fill: var(--expected); }
svg .cancelled { fill-opacity: .45; stroke: #1f2328; stroke-dasharray: 3 2; }
svg .mark { font-weight: 700; } svg .mark.raised { fill: var(--fail); }
.legend { font-size: .8rem; color: var(--muted); }
.legend span { margin-right: .9rem; white-space: nowrap; }
.legend i { display: inline-block; width: .9rem; height: .6rem; margin-right: .25rem;
  vertical-align: 0; border-radius: 2px; }
.legend .call { background: var(--call); } .legend .callback { background: var(--callback); }
.legend .blocked { background: var(--blocked); } .legend .output { background: var(--output);
  width: .3rem; }
.legend .started { background: var(--blocked); width: .3rem; }
.legend .expected { background: var(--expected); }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left;
  vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 8rem; height: .7rem; background: #eaeef2; border-radius: 3px;
  vertical-align: middle; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--pass); }
tr.weak td { background: #fff5f5; } tr.weak .bar > span { background: var(--fail); }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
nav { margin-bottom: .6rem; font-size: .9rem; }
a { color: var(--call); }
.message code, .diagnostics li > code { background: #eff1f3; padding: .05rem .3rem;
  border-radius: 4px; }
"""

# C0 controls other than tab and newline, and DEL: not allowed in HTML text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def esc(text: object) -> str:
    """Text safe in an HTML element or a quoted attribute: markup characters escaped."""
    return html.escape(_CONTROLS.sub("\ufffd", str(text)), quote=True)


#: Inline code in a message, as Markdown writes it: `limit`, `time.sleep(seconds)`.
_CODE = re.compile(r"`([^`\n]+)`")


def rich(text: object) -> str:
    """`esc`, with Markdown's inline code (backticks) shown as code.

    Each piece is escaped on its own, the code spans too, so a backtick in a
    student's exception text makes a `<code>` element at most, never markup.
    """
    parts = _CODE.split(str(text))  # text, code, text, code, ..., text
    return "".join(esc(p) if k % 2 == 0 else f"<code>{esc(p)}</code>" for k, p in enumerate(parts))


def nav(links: Sequence[tuple[str, str]]) -> str:
    """A row of links (href, text) above a page's title: the way back, the way across."""
    items = " · ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for href, text in links)
    return f'<nav class="muted">{items}</nav>'


def number(value: float) -> str:
    return f"{value:g}"


def page(title: str, body: Iterable[str]) -> str:
    """A whole page: doctype, the inline style and the policy that forbids fetching anything."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="icon" href="data:,">',  # else a browser asks a server for /favicon.ico
            f"<title>{esc(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def render_report(
    report: Report, links: Sequence[tuple[str, str]] = (), *, withhold_hidden: bool = False
) -> str:
    """One graded submission as a page: the score, then every check with its feedback.

    `links` (href, text) go above the title. With `withhold_hidden`, a hidden
    check shows its name and points alone (a page to hand back to a student).
    """
    which = " on the public checks" if report.public_only else ""
    body = [
        "<header>",
        *([nav(links)] if links else []),
        f"<h1>{esc(report.exercise)}</h1>",
        f'<div class="muted mono">{esc(report.submission)}</div>',
        f'<p class="score">{number(report.score)} / {number(report.max_score)}{which}</p>',
    ]
    if report.status is ReportStatus.ERROR:
        body.append(
            f'<p class="message"><strong>Could not be run:</strong> {rich(report.message)}</p>'
        )
    elif report.message:
        body.append(f'<p class="message muted">{rich(report.message)}</p>')
    unsure = words.inconclusive_of(report)
    if unsure is not None:
        body.append(f'<p class="message"><strong>{esc(unsure)}</strong></p>')
    passed = sum(c.status is CheckStatus.PASSED for c in report.checks)
    if report.checks:
        body.append(
            f'<p class="muted">{passed} of {len(report.checks)} checks passed '
            f"in {report.duration:.1f} s</p>"
        )
    if any(c.visibility is Visibility.HIDDEN for c in report.checks):
        body.append(
            '<p class="muted">Checks marked <em>hidden</em> are the grader\'s own tests of the '
            "same task; their details are for the teacher.</p>"
        )
    body.append("</header>")
    body += [check_section(check, withhold=withhold_hidden) for check in report.checks]
    observed = words.observation_of(report)
    seen = f"<br>observed: {esc(observed)}" if observed is not None else ""
    body.append(f"<footer>isolation: {esc(words.isolation_of(report))}{seen}</footer>")
    return page(f"{report.exercise}: {report.submission}", body)


def check_section(check: CheckResult, *, withhold: bool = False) -> str:
    """One check: a folded `<details>` when it passed, open when it did not.

    With `withhold`, a hidden check is its head alone: name, status, points.
    """
    status = str(check.status)  # also the CSS class: passed, failed, error, timeout
    hidden = check.visibility is Visibility.HIDDEN
    classes = f"check {status}{' hidden' if hidden else ''}"
    retried = f" (after {check.attempts} attempts)" if check.attempts > 1 else ""
    head = (
        f'<span class="badge {status}">{status}</span>'
        f'<span class="badge visibility">{"hidden" if hidden else "public"}</span>'
        f"{esc(check.name)}{esc(retried)}"
        f'<span class="points">{number(check.score)} / {number(check.max_score)}</span>'
    )
    inner: list[str] = []
    if hidden and withhold:
        return f'<section class="{classes}"><div class="head">{head}</div></section>'
    if check.message:
        inner.append(f'<div class="message">{rich(check.message)}</div>')
    if check.diagnostics:
        inner.append('<ul class="diagnostics">')
        inner += [f"<li>{diagnostic_item(d)}</li>" for d in check.diagnostics]
        inner.append("</ul>")
    if check.timeline is not None and text_timeline.drawable(check.timeline):
        inner.append(timeline_figures(check.timeline))
    if not inner:
        return f'<section class="{classes}"><div class="head">{head}</div></section>'
    opened = "" if check.status is CheckStatus.PASSED else " open"
    return "\n".join(
        [f'<details class="{classes}"{opened}>', f"<summary>{head}</summary>", *inner, "</details>"]
    )


def diagnostic_item(diagnostic: Diagnostic) -> str:
    """`line 6: ...` (the line named once), then the line's code when there is any."""
    item = rich(words.located(diagnostic))
    if diagnostic.code.strip():
        where = "" if diagnostic.line is None else f"{diagnostic.line} | "
        item += f"<pre>{esc(where + diagnostic.code.strip())}</pre>"
    return item


# -- the timeline as SVG -------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """Where things go in one timeline's SVG, in its own user units."""

    rows: int
    end: float  # seconds at the right edge of the plot
    step: float
    label_w: float = 160.0
    plot_w: float = 400.0
    row_h: float = 18.0
    top: float = 22.0

    @property
    def left(self) -> float:
        return self.label_w + 6

    @property
    def width(self) -> float:
        return self.left + self.plot_w + 16  # room on the right for an end mark

    @property
    def height(self) -> float:
        return self.top + max(1, self.rows) * self.row_h + 6

    def x(self, seconds: float) -> float:
        return self.left + max(0.0, min(seconds, self.end)) / self.end * self.plot_w

    def y(self, row: int) -> float:
        return self.top + row * self.row_h


#: At most this many spans drawn in one SVG; the rest are counted in its caption.
MAX_SVG_ROWS = 60


def timeline_figures(timeline: Timeline) -> str:
    """The measured timeline, and beside it the expected one on the same scale, with a legend."""
    step, end = text_timeline.ticks(text_timeline.extent(timeline), 5)
    rows = max(len(timeline.spans[:MAX_SVG_ROWS]), len(timeline.expected[:MAX_SVG_ROWS]))
    parts = ['<div class="timelines">']
    parts.append(_figure("what ran when", timeline.spans, rows, end, step, "measured"))
    if timeline.expected:
        parts.append(_figure("what right code would do", timeline.expected, rows, end, step,
                             "expected"))  # fmt: skip
    parts.append("</div>")
    parts.append(_legend(timeline))
    return "\n".join(parts)


def _figure(
    caption: str, spans: Sequence[Span], rows: int, end: float, step: float, role: str
) -> str:
    shown = spans[:MAX_SVG_ROWS]
    more = f" ({len(spans) - len(shown)} more not drawn)" if len(spans) > len(shown) else ""
    frame = _Frame(rows=rows, end=end, step=step)
    return (
        f'<figure class="timeline {role}"><figcaption>{esc(caption)}{esc(more)}</figcaption>'
        f"{timeline_svg(shown, frame, role)}</figure>"
    )


def timeline_svg(spans: Sequence[Span], frame: _Frame, role: str) -> str:
    """Spans as bars on a time axis in seconds; an instant (a printed line) as a diamond."""
    w, h = frame.width, frame.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{role}" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'role="img" aria-label="{esc(role)} timeline, {len(spans)} spans">',
        '<g class="axis">',
    ]
    count = round(frame.end / frame.step)
    for k in range(count + 1):
        x = frame.x(k * frame.step)
        anchor = "end" if k == count and count else "start" if k == 0 else "middle"
        out.append(
            f'<line class="grid" x1="{x:.1f}" y1="{frame.top - 4:.1f}" x2="{x:.1f}" '
            f'y2="{h - 4:.1f}"/>'
            f'<text x="{x:.1f}" y="{frame.top - 8:.1f}" text-anchor="{anchor}">'
            f"{text_timeline.seconds_label(k * frame.step)} s</text>"
        )
    out.append("</g>")
    if not spans:
        out.append(
            f'<text x="{frame.left:.1f}" y="{frame.y(0) + 13:.1f}">nothing was recorded</text>'
        )
    for row, span in enumerate(spans):
        out.append(_span_svg(span, row, frame))
    out.append("</svg>")
    return "".join(out)


def _span_svg(span: Span, row: int, frame: _Frame) -> str:
    y = frame.y(row)
    label = text_timeline.printable(span.label)
    shown = label if len(label) <= 24 else label[:22] + "…"
    start = max(0.0, span.start)
    what = _describe(span)
    parts = [
        f'<g class="span {esc(span.kind)}">',
        f"<title>{esc(what)}</title>",
        f'<text x="{frame.label_w:.1f}" y="{y + 13:.1f}" text-anchor="end">{esc(shown)}</text>',
    ]
    if span.kind.instant:
        x, cy = frame.x(start), y + 9
        parts.append(
            f'<path class="{esc(span.kind)}" d="M{x:.1f} {cy - 6:.1f}L{x + 5:.1f} {cy:.1f}'
            f'L{x:.1f} {cy + 6:.1f}L{x - 5:.1f} {cy:.1f}Z"/>'
        )
    else:
        x0 = frame.x(start)
        x1 = frame.x(frame.end if span.end is None else max(start, span.end))
        cancelled = " cancelled" if span.cancelled else ""
        parts.append(
            f'<rect class="{esc(span.kind)}{cancelled}" x="{x0:.1f}" y="{y + 3:.1f}" '
            f'width="{max(2.0, x1 - x0):.1f}" height="12" rx="2"/>'
        )
        mark_x = max(x1, x0 + 2) + 3
        if span.end is None:
            parts.append(
                f'<path class="{esc(span.kind)}" d="M{x1:.1f} {y + 1:.1f}L{x1 + 8:.1f} '
                f'{y + 9:.1f}L{x1:.1f} {y + 17:.1f}Z"/>'
            )
        elif span.raised is not None:
            parts.append(f'<text class="mark raised" x="{mark_x:.1f}" y="{y + 13:.1f}">!</text>')
        elif span.cancelled:
            parts.append(f'<text class="mark" x="{mark_x:.1f}" y="{y + 13:.1f}">×</text>')
        parts.append(_note_svg(span, x0, mark_x + 12, y, frame))
    parts.append("</g>")
    return "".join(parts)


def _note_svg(span: Span, x0: float, after: float, y: float, frame: _Frame) -> str:
    """How a span ended, in words, after its bar or else before it; where neither fits, only
    in its tooltip."""
    note = text_timeline.note(span) if span.end is not None else "still running"
    if not note:
        return ""
    room = len(note) * 6.2  # about an 11px character's width, in user units
    if after + room <= frame.width:
        return f'<text class="note" x="{after:.1f}" y="{y + 13:.1f}">{esc(note)}</text>'
    if x0 - 4 - room >= frame.left:
        return (
            f'<text class="note" x="{x0 - 4:.1f}" y="{y + 13:.1f}" text-anchor="end">'
            f"{esc(note)}</text>"
        )
    return ""


def _describe(span: Span) -> str:
    """The tooltip: the whole label, when, and how it ended."""
    if span.kind is SpanKind.OUTPUT:
        return f"{span.label}: printed at {span.start:.3f} s"
    if span.kind is SpanKind.STARTED:
        return f"{span.label} at {span.start:.3f} s"
    end = "still running at the end" if span.end is None else f"{span.end:.3f} s"
    how = [f"raised {span.raised}"] if span.raised is not None else []
    how += ["cancelled"] if span.cancelled else []
    return f"{span.label} ({span.kind}): {span.start:.3f} s to {end}" + "".join(
        f", {h}" for h in how
    )


def _legend(timeline: Timeline) -> str:
    kinds = {s.kind for s in (*timeline.spans, *timeline.expected)}
    items = [
        (SpanKind.CALL, "the call"),
        (SpanKind.CALLBACK, "a call it made"),
        (SpanKind.BLOCKED, "event loop blocked"),
        (SpanKind.OUTPUT, "a printed line"),
        (SpanKind.STARTED, "a thread or process started"),
    ]
    spans = list(timeline.spans)
    parts = [f'<span><i class="{k}"></i>{esc(text)}</span>' for k, text in items if k in kinds]
    if timeline.expected:
        parts.append('<span><i class="expected"></i>expected</span>')
    if any(s.cancelled for s in spans + timeline.expected):
        parts.append("<span>× cancelled</span>")
    if any(s.raised is not None for s in spans + timeline.expected):
        parts.append("<span>! raised</span>")
    if any(s.end is None and not s.kind.instant for s in spans + timeline.expected):
        parts.append("<span>▶ still running at the end</span>")
    return f'<div class="legend">{"".join(parts)}</div>'
