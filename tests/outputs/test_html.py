"""The HTML views: a report's page, the class page, `--format html`, and a batch's pages.

Pages are parsed with html.parser into a small tree, so that the tests read
what a browser would build: which elements, in which section, with which
attributes and text. Hostile text from a submission must come out as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader import cli as cli_module
from grader.cli import cli
from grader.grading.observations import Diagnostic, DiagnosticKind, Span, SpanKind, Timeline
from grader.grading.report import CheckResult, CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import classpage, gradebook, html
from grader.outputs.gradebook import Cell, CellState, Gradebook
from grader.sandbox import isolation
from tests.support import EXERCISES, SOLUTIONS, FakeGrader, small_class

VOID = {"meta", "link", "br", "img", "input", "hr", "wbr", "source", "col", "area", "base"}

HOSTILE = "<script>alert('pwned')</script><img src=x onerror=alert(1)>\" onmouseover=\"alert(2)"


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    content: list[Node | str] = field(default_factory=list)  # in document order

    @property
    def children(self) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)]

    def walk(self) -> list[Node]:
        found = [self]
        for child in self.children:
            found += child.walk()
        return found

    def find(self, tag: str, cls: str | None = None) -> list[Node]:
        return [
            n for n in self.walk()
            if n.tag == tag and (cls is None or cls in n.attrs.get("class", "").split())
        ]  # fmt: skip

    def all_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.all_text() for c in self.content)


class StrictParser(HTMLParser):
    """A tree of the page; fails on an end tag that closes anything but the innermost element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].content.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].content.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}>"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(page: str) -> Node:
    """The page as a tree; asserts it is well-formed: one html element, every element closed."""
    parser = StrictParser()
    parser.feed(page)
    parser.close()
    assert parser.stack == [parser.root], [n.tag for n in parser.stack]
    assert parser.doctype.lower() == "doctype html"
    assert [c.tag for c in parser.root.children] == ["html"]
    return parser.root


def assert_self_contained(root: Node, page: str) -> None:
    """Nothing a browser would fetch from elsewhere, and no script to run."""
    assert not root.find("script")
    for node in root.walk():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), f"an event handler attribute: {name}"
            if name in ("src", "href", "action", "srcset", "poster", "data"):
                assert not value.lower().startswith(("http:", "https:", "//", "javascript:"))
    assert "@import" not in page and "url(" not in page
    links = root.find("link")
    assert all(link.attrs.get("rel") == "icon" and link.attrs["href"].startswith("data:")
               for link in links)  # fmt: skip
    policy = [m for m in root.find("meta") if m.attrs.get("http-equiv")]
    assert policy[0].attrs["content"] == html.CSP


def sequential() -> Timeline:
    return Timeline(
        spans=[
            Span("fetch_all(fetch, keys)", SpanKind.CALL, 0.0, 0.9),
            Span("fetch('a')", SpanKind.CALLBACK, 0.0, 0.3),
            Span("fetch('b')", SpanKind.CALLBACK, 0.3, 0.6, cancelled=True),
            Span("fetch('c')", SpanKind.CALLBACK, 0.6, 0.9, raised="KeyError"),
            Span("left running", SpanKind.CALLBACK, 0.2, None),
            Span("printed 'done'", SpanKind.OUTPUT, 0.9, 0.9),
            Span("loop blocked", SpanKind.BLOCKED, 0.3, 0.6),
        ],
        expected=[
            Span("fetch_all(fetch, keys)", SpanKind.CALL, 0.0, 0.3),
            *(Span(f"fetch('{k}')", SpanKind.CALLBACK, 0.0, 0.3) for k in "abc"),
        ],
    )


def report(**changes: Any) -> Report:
    checks = [
        CheckResult(
            "returns the results in order",
            CheckStatus.PASSED,
            4,
            4,
            Visibility.PUBLIC,
            timeline=Timeline([Span("fetch_all", SpanKind.CALL, 0, 0.3)]),
        ),
        CheckResult(
            "takes about as long as the slowest fetch",
            CheckStatus.FAILED,
            0,
            4,
            Visibility.PUBLIC,
            "took 0.90 s; concurrent code takes about 0.30 s",
            diagnostics=[
                Diagnostic(
                    DiagnosticKind.BLOCKED_LOOP,
                    "`time.sleep(0.3)` blocked the event loop for 0.30 s",
                    6,
                    "time.sleep(0.3)",
                )
            ],
            timeline=sequential(),
            attempts=3,
        ),
        CheckResult(
            "raises what a fetch raised",
            CheckStatus.ERROR,
            0,
            1,
            Visibility.HIDDEN,
            "fetch_all() raised ValueError",
        ),
        CheckResult(
            "finishes",
            CheckStatus.TIMEOUT,
            0,
            1,
            Visibility.HIDDEN,
            "fetch_all() did not finish within 5 s",
            timeline=Timeline([Span("fetch_all", SpanKind.CALL, 0, None)]),
        ),
    ]
    fields: dict[str, Any] = {
        "exercise": "gather", "submission": "ann/gather.py", "max_score": 10, "duration": 2.5,
        "checks": checks, "isolation": "landlock", "isolation_missing": ["see-processes"],
    }  # fmt: skip
    fields.update(changes)
    return Report(**fields)


def sections(root: Node) -> list[Node]:
    return [n for n in root.walk() if "check" in n.attrs.get("class", "").split()]


# -- a report's page -----------------------------------------------------------------------


def test_a_report_page_is_well_formed_and_self_contained() -> None:
    page = html.render_report(report())
    root = parse(page)
    assert_self_contained(root, page)
    assert root.find("title")[0].all_text() == "gather: ann/gather.py"
    assert "4 / 10" in root.find("p", "score")[0].all_text()
    footer = root.find("footer")[0].all_text()
    assert footer == f"isolation: {isolation.describe('landlock', ['see-processes'])}"


def test_every_check_has_its_status_visibility_message_and_diagnostics() -> None:
    root = parse(html.render_report(report()))
    found = sections(root)
    assert [s.attrs["class"] for s in found] == [
        "check passed", "check failed", "check error hidden", "check timeout hidden",
    ]  # fmt: skip
    # A passed check folds away; the others are open.
    assert [s.tag for s in found] == ["details"] * 4
    assert "open" not in found[0].attrs and "open" in found[1].attrs and "open" in found[3].attrs
    badges = [[b.all_text() for b in s.find("span", "badge")] for s in found]
    assert badges == [["passed", "public"], ["failed", "public"], ["error", "hidden"],
                      ["timeout", "hidden"]]  # fmt: skip
    failed = found[1]
    assert "(after 3 attempts)" in failed.find("summary")[0].all_text()
    assert "0 / 4" in failed.find("span", "points")[0].all_text()
    assert failed.find("div", "message")[0].all_text() == (
        "took 0.90 s; concurrent code takes about 0.30 s"
    )
    (item,) = failed.find("ul", "diagnostics")[0].find("li")
    # Markdown's inline code is shown as code, not as backticks (issue 19).
    assert item.all_text().startswith("line 6: time.sleep(0.3) blocked the event loop")
    assert item.find("code")[0].all_text() == "time.sleep(0.3)"
    assert item.find("pre")[0].all_text() == "6 | time.sleep(0.3)"
    assert found[2].find("div", "message")[0].all_text() == "fetch_all() raised ValueError"


def test_each_check_with_a_timeline_has_its_svg_and_the_expected_one_beside() -> None:
    root = parse(html.render_report(report()))
    svgs = [[svg.attrs["class"] for svg in s.find("svg")] for s in sections(root)]
    assert svgs == [["measured"], ["measured", "expected"], [], ["measured"]]
    failed = sections(root)[1]
    figures = failed.find("figure")
    assert [f.attrs["class"] for f in figures] == ["timeline measured", "timeline expected"]
    # Both on one scale: the same ticks, and the same plot width.
    ticks = [[t.all_text() for t in f.find("g", "axis")[0].find("text")] for f in figures]
    assert ticks[0] == ticks[1] and ticks[0][0] == "0 s" and ticks[0][-1] == "1 s"


def bars(svg: Node) -> dict[str, tuple[float, float]]:
    """Each span's bar in an SVG: its label -> (x, x + width)."""
    found = {}
    for group in svg.find("g", "span"):
        label = group.find("text")[0].all_text()
        rects = group.find("rect")
        if rects:
            x, w = float(rects[0].attrs["x"]), float(rects[0].attrs["width"])
            found[label] = (x, x + w)
    return found


def test_the_svg_draws_one_after_another_and_all_at_once() -> None:
    root = parse(html.render_report(report()))
    measured, expected = sections(root)[1].find("svg")
    got = bars(measured)
    a, b, c = (got[f"fetch('{k}')"] for k in "abc")
    assert a[1] == pytest.approx(b[0], abs=0.2) and b[1] == pytest.approx(c[0], abs=0.2)
    want = bars(expected)
    assert want["fetch('a')"] == want["fetch('b')"] == want["fetch('c')"] == a
    # One bar per span that lasts; the printed line is a mark, not a bar.
    assert len(measured.find("rect")) == 6 and len(measured.find("path", "output")) == 1
    assert measured.find("rect", "blocked") and measured.find("rect", "cancelled")
    groups = {g.find("text")[0].all_text(): g for g in measured.find("g", "span")}
    assert [t.all_text() for t in groups["fetch('c')"].find("text", "mark")] == ["!"]
    assert "raised KeyError" in [t.all_text() for t in groups["fetch('c')"].find("text", "note")]
    assert [t.all_text() for t in groups["fetch('b')"].find("text", "mark")] == ["×"]
    assert "still running at the end" in groups["left running"].find("title")[0].all_text()
    assert groups["printed 'done'"].find("title")[0].all_text() == (
        "printed 'done': printed at 0.900 s"
    )
    legend = sections(root)[1].find("div", "legend")[0].all_text()
    for words in ("the call", "a call it made", "event loop blocked", "a printed line",
                  "expected", "cancelled", "raised", "still running"):  # fmt: skip
        assert words in legend


def test_hostile_text_from_a_submission_stays_text() -> None:
    diagnostic = Diagnostic(DiagnosticKind.NEVER_AWAITED, HOSTILE, 3, HOSTILE)
    spans = [Span(HOSTILE, SpanKind.OUTPUT, 0.1, 0.1), Span("x", SpanKind.CALLBACK, 0, 1,
                                                              raised=HOSTILE)]  # fmt: skip
    check = CheckResult(HOSTILE, CheckStatus.FAILED, 0, 1, Visibility.PUBLIC, HOSTILE,
                        diagnostics=[diagnostic], timeline=Timeline(spans))  # fmt: skip
    hostile = report(submission=HOSTILE, exercise=HOSTILE, message=HOSTILE, checks=[check],
                     isolation_missing=[HOSTILE])  # fmt: skip
    page = html.render_report(hostile)
    root = parse(page)
    assert_self_contained(root, page)
    assert not root.find("img") and not root.find("script")
    assert "<script>" not in page and "onerror=alert" not in page.replace(
        "onerror=alert(1)&gt;", ""
    )
    text = root.all_text()
    assert text.count(HOSTILE) >= 5  # exercise, submission, message, check, diagnostic


def test_control_characters_cannot_reach_the_page() -> None:
    check = CheckResult(
        "c", CheckStatus.FAILED, 0, 1, Visibility.PUBLIC, "bell\x07 nul\x00 esc\x1b"
    )
    page = html.render_report(report(checks=[check]))
    assert not any(c in page for c in "\x00\x07\x1b")
    assert "bell\ufffd nul\ufffd esc\ufffd" in page


def test_an_error_report_says_why_it_could_not_be_run() -> None:
    failed = report(status=ReportStatus.ERROR, checks=[],
                    message="your file has a syntax error at line 3")  # fmt: skip
    root = parse(html.render_report(failed))
    assert "0 / 10" in root.find("p", "score")[0].all_text()
    assert "Could not be run: your file has a syntax error at line 3" in root.all_text()
    assert not sections(root)


def test_a_public_only_report_says_so() -> None:
    root = parse(html.render_report(report(public_only=True, max_score=8)))
    assert root.find("p", "score")[0].all_text() == "4 / 8 on the public checks"


# -- the class page ------------------------------------------------------------------------


def graded(student: str, passes: dict[str, bool], exercise: str = "gather") -> Report:
    checks = [
        CheckResult(name, CheckStatus.PASSED if ok else CheckStatus.FAILED, 2 if ok else 0, 2,
                    Visibility.HIDDEN if name == "hidden one" else Visibility.PUBLIC)
        for name, ok in passes.items()
    ]  # fmt: skip
    return Report(exercise, f"{student}/{exercise}.py", 6, checks=checks)


def a_class() -> tuple[Gradebook, dict[tuple[str, str], Report]]:
    """Five students on gather (6 points): one could not be run, one is missing, one ungraded."""
    marks = {
        "ann": {"in order": True, "concurrent": True, "hidden one": True},
        "ben": {"in order": True, "concurrent": False, "hidden one": True},
        "cat": {"in order": True, "concurrent": False, "hidden one": False},
    }
    reports = {(s, "gather"): graded(s, m) for s, m in marks.items()}
    reports[("dan", "gather")] = Report("gather", "dan/gather.py", 6, status=ReportStatus.ERROR)
    book = Gradebook(["gather"], {"gather": 6})
    for (student, _), r in reports.items():
        state = CellState.ERROR if r.status is ReportStatus.ERROR else CellState.GRADED
        book.rows[student] = {"gather": Cell(state, r.score)}
    book.rows["eve"] = {"gather": Cell(CellState.MISSING)}
    book.rows["fay"] = {"gather": Cell(CellState.UNGRADED)}
    return book, reports


def test_class_stats_count_scores_and_pass_rates() -> None:
    book, reports = a_class()
    stats = classpage.exercise_stats(book, reports, "gather")
    assert sorted(stats.scores) == [0, 2, 4, 6]  # dan's error counts 0; eve and fay have none
    assert (stats.errors, stats.missing, stats.ungraded) == (1, 1, 1)
    assert stats.mean == 3 and stats.median == 3
    assert [(b.label, b.count) for b in stats.bins] == [
        ("0", 1), ("1", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 0), ("6", 1),
    ]  # fmt: skip
    # The most failed first; dan's error report has no checks and counts in none.
    assert [(c.name, c.passed, c.graded) for c in stats.checks] == [
        ("concurrent", 1, 3), ("hidden one", 2, 3), ("in order", 3, 3),
    ]  # fmt: skip
    assert [c.weak for c in stats.checks] == [True, False, False]
    assert stats.checks[1].visibility is Visibility.HIDDEN


@pytest.mark.parametrize(
    ("scores", "max_score", "counts"),
    [
        ([0, 7.5, 10, 10, 3], 10, [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 2]),
        ([0.74, 0.75, 7.5, 3.9], 7.5, [1, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
        ([0, 100, 55], 100, [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]),
        ([], 4, [0, 0, 0, 0, 0]),
    ],
)
def test_score_bins(scores: list[float], max_score: float, counts: list[int]) -> None:
    found = classpage.bins(scores, max_score)
    assert [b.count for b in found] == counts
    assert found[0].low == 0 and found[-1].high >= max_score


def test_the_class_page_shows_what_to_teach_again_and_links_every_page() -> None:
    book, reports = a_class()
    page = classpage.render_class(book, reports)
    root = parse(page)
    assert_self_contained(root, page)
    teach = root.find("table", "weak-checks")[0].find("tr")[1:]
    assert [[td.all_text() for td in tr.find("td")][:3] for tr in teach] == [
        ["gather", "concurrent", "1 of 3"],
    ]
    rows = root.find("table", "checks")[0].find("tr")[1:]
    assert [tr.find("td")[0].all_text() for tr in rows] == ["concurrent", "hidden one", "in order"]
    assert [tr.attrs.get("class") for tr in rows] == ["weak", None, None]
    assert "33%" in rows[0].all_text() and "100%" in rows[2].all_text()
    histogram = root.find("figure", "histogram")[0]
    assert len(histogram.find("rect")) == 7
    counts = [g.find("text")[0].all_text() for g in histogram.find("g", "bin")]
    assert counts == ["1", "", "1", "", "1", "", "1"]
    students = root.find("table", "students")[0].find("tr")[1:]
    cells = {tr.find("td")[0].all_text(): tr.find("td")[1] for tr in students}
    assert {s: [a.attrs["href"] for a in c.find("a")] for s, c in cells.items()} == {
        "ann": ["ann/gather.html"], "ben": ["ben/gather.html"],
        "cat": ["cat/gather.html"], "dan": ["dan/gather.html"], "eve": [], "fay": [],
    }  # fmt: skip
    assert cells["eve"].all_text() == "missing" and cells["fay"].all_text() == "not graded"
    assert "mean 3 / 6, median 3, over 4 submissions" in root.all_text()


def test_the_class_page_escapes_and_quotes_names() -> None:
    book = Gradebook(["gather"], {"gather": 6})
    odd = 'a b<"&>'
    book.rows[odd] = {"gather": Cell(CellState.GRADED, 6)}
    page = classpage.render_class(book, {(odd, "gather"): graded(odd, {HOSTILE: True})})
    root = parse(page)
    assert_self_contained(root, page)
    name, score = root.find("table", "students")[0].find("a")
    assert name.attrs["href"] == "a%20b%3C%22%26%3E/index.html" and name.all_text() == odd
    assert score.attrs["href"] == "a%20b%3C%22%26%3E/gather.html"
    assert odd in root.all_text() and HOSTILE in root.all_text() and "<script>" not in page


def test_no_weak_check_is_said_so() -> None:
    book = Gradebook(["gather"], {"gather": 6})
    book.rows["ann"] = {"gather": Cell(CellState.GRADED, 6)}
    root = parse(classpage.render_class(book, {("ann", "gather"): graded("ann", {"x": True})}))
    assert not root.find("table", "weak-checks")
    assert "No check was failed by most of the class." in root.all_text()


def test_write_index_writes_the_pages_a_link_needs(tmp_path: Path) -> None:
    book, reports = a_class()
    for (student, exercise), r in reports.items():
        gradebook.write_report(gradebook.report_path(tmp_path, student, exercise), r)
    classpage.write_page(tmp_path, "ann", "gather", reports[("ann", "gather")])
    kept = classpage.page_path(tmp_path, "ann", "gather").stat().st_mtime_ns
    handed_in = [(s, "gather") for s in ("ann", "ben", "cat", "dan", "fay")]  # fay: no report
    index = classpage.write_index(tmp_path, book, handed_in)
    assert index == tmp_path / "index.html"
    root = parse(index.read_text())
    for a in root.find("a"):
        href = a.attrs["href"]
        if not href.startswith("#"):
            assert (tmp_path / href).is_file(), href
    assert classpage.page_path(tmp_path, "ann", "gather").stat().st_mtime_ns == kept
    assert not classpage.page_path(tmp_path, "fay", "gather").exists()
    assert not list(tmp_path.glob("**/.grader-tmp-*"))


# -- the command line ----------------------------------------------------------------------


def test_grade_writes_the_html_page_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = CliRunner().invoke(
        cli,
        ["grade", "count-sync", str(SOLUTIONS / "count-sync.py"), "--format", "html", "--output",
         str(out)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stdout == ""
    page = out.read_text(encoding="utf-8")
    root = parse(page)
    assert_self_contained(root, page)
    assert root.find("p", "score")[0].all_text() == "10 / 10"
    statuses = {(s.tag, s.attrs["class"]) for s in sections(root)}
    # Each check called the submission, so each has a timeline, folded away as it passed.
    assert statuses == {("details", "check passed"), ("details", "check passed hidden")}
    assert "<svg" in page


def test_check_prints_the_html_page_and_exits_by_the_result() -> None:
    done = CliRunner().invoke(
        cli, ["check", "count-sync", str(EXERCISES / "count-sync" / "stub.py"), "--format", "html"]
    )
    assert done.exit_code == 1
    root = parse(done.stdout)
    assert {s.attrs["class"] for s in sections(root)} == {"check error"}
    assert "NotImplementedError" in root.all_text()


def test_check_html_output_with_a_timeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_grade(*args: Any, **options: Any) -> Report:
        return report(public_only=True, checks=report().checks[:2])

    monkeypatch.setattr(cli_module, "grade_submission", fake_grade)
    (tmp_path / "gather.py").write_text("")
    out = tmp_path / "page.html"
    done = CliRunner().invoke(
        cli, ["check", "gather", str(tmp_path / "gather.py"), "--format", "html", "--output",
              str(out)],
    )  # fmt: skip
    assert done.exit_code == 1, done.output  # a check failed
    root = parse(out.read_text())
    assert len(root.find("svg")) == 3 and root.find("figure", "expected")


def test_check_refuses_output_with_github_in_one_line(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        cli, ["check", "count-sync", str(SOLUTIONS / "count-sync.py"), "--format", "github",
              "--output", str(tmp_path / "x")],
    )  # fmt: skip
    assert done.exit_code == 2
    assert done.output.strip() == (
        "Error: --output does not apply to --format github (it prints to the log)"
    )
    assert not (tmp_path / "x").exists()


# -- Markdown in messages, pages to hand back (issue 19) -------------------------------------


def test_inline_code_renders_and_stays_escaped() -> None:
    message = (
        "use `asyncio.sleep(seconds)`, not `time.sleep(seconds)`; "
        f"it raised `{HOSTILE}` and a lone ` backtick"
    )
    check = CheckResult("c", CheckStatus.FAILED, 0, 1, Visibility.PUBLIC, message)
    page = html.render_report(report(checks=[check]))
    root = parse(page)
    assert_self_contained(root, page)
    shown = root.find("div", "message")[0]
    assert [c.all_text() for c in shown.find("code")] == [
        "asyncio.sleep(seconds)", "time.sleep(seconds)", HOSTILE,
    ]  # fmt: skip
    assert "a lone ` backtick" in shown.all_text()
    assert not root.find("script") and not root.find("img") and "<script>" not in page


def test_batch_student_pages_hand_back_each_students_own(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    class_dir = small_class(tmp_path / "class")  # ann..eve; cat's count-async cannot be graded
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["batch", str(class_dir), "--out", str(out), "--student-pages"])
    assert done.exit_code == 0, done.output
    assert f"wrote {out / 'hand-back'}: a folder per student to hand back" in done.output
    back = out / "hand-back"
    assert sorted(p.name for p in back.iterdir()) == ["ann", "ben", "cat", "dan", "eve"]
    for folder in back.iterdir():
        for page_file in folder.glob("*.html"):
            text = page_file.read_text()
            root = parse(text)
            assert_self_contained(root, text)
            hrefs = [a.attrs["href"] for a in root.find("a")]
            assert all((folder / h).is_file() for h in hrefs), (page_file, hrefs)
            others = {"ann", "ben", "cat", "dan", "eve"} - {folder.name}
            assert not [o for o in others if f"{o}/" in text], page_file
    ben = parse((back / "ben" / "count-async.html").read_text())
    hidden = [s for s in ben.find("section") if "hidden" in s.attrs.get("class", "")]
    assert hidden and all(not s.find("div", "message") for s in hidden)
    # The teacher's pages: the class links each name to a student page, which links back.
    index = parse((out / "index.html").read_text())
    names = [a.attrs["href"] for a in index.find("td", "name")[0].find("a")]
    assert names == ["ann/index.html"]
    student = parse((out / "ann" / "index.html").read_text())
    hrefs = [a.attrs["href"] for a in student.find("a")]
    assert hrefs == ["../index.html", "count-sync.html"], hrefs  # the class, her one report
    assert all((out / "ann" / href).is_file() for href in hrefs), hrefs
    report_page = parse((out / "ann" / "count-sync.html").read_text())
    assert [a.attrs["href"] for a in report_page.find("nav")[0].find("a")] == [
        "../index.html", "index.html",
    ]  # fmt: skip
