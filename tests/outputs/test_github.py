"""`grader check --format github`: workflow commands GitHub parses, and a step summary.

GitHub's runner reads a workflow command from a line of the form
`::command key=value,key=value::message`; properties are split at `,` and
at the first `=`, and in both properties and message `%0D`, `%0A`, `%3A`,
`%2C` and `%25` stand for CR, LF, `:`, `,` and `%` (the toolkit's
escapeData/escapeProperty). The parser below follows those rules, so a title
or message that is escaped wrong comes back different or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import cli
from grader.grading.report import CheckResult, CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import github
from tests.support import EXERCISES, SOLUTIONS

#: A workflow command line: a known command, properties without raw separators, a message.
COMMAND = re.compile(
    r"::(error|warning|notice)(?: ((?:\w+=[^,:\r\n]*)(?:,\w+=[^,:\r\n]*)*))?::([^\r\n]*)"
)
PROPERTIES = {"title", "file", "line", "endLine", "col", "endColumn"}


def unescape(text: str, *, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for code, char in [*pairs, ("%25", "%")]:
        text = text.replace(code, char)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as GitHub's runner reads it: (command, properties, message)."""
    found = COMMAND.fullmatch(line)
    assert found is not None, f"not a workflow command: {line!r}"
    name, props, message = found.groups()
    properties = {}
    for pair in (props or "").split(",") if props else []:
        key, value = pair.split("=", 1)
        assert key in PROPERTIES, key
        properties[key] = unescape(value, prop=True)
    return name, properties, unescape(message, prop=False)


def report() -> Report:
    return Report(
        exercise="count-async",
        submission="work/count-async.py",
        max_score=8,
        public_only=True,
        checks=[
            CheckResult("prints every number once", CheckStatus.PASSED, 2, 2, Visibility.PUBLIC),
            CheckResult(
                "takes 100%: the longest pause, not the sum",
                CheckStatus.FAILED,
                0,
                2,
                Visibility.PUBLIC,
                "count(...) took 1.21 s;\nconcurrent code takes about 0.30 s, 75% less\r\n",
            ),
            CheckResult(
                "unpaused numbers first",
                CheckStatus.ERROR,
                0,
                2,
                Visibility.PUBLIC,
                "count() raised ValueError: no (line 7, in count: raise ValueError('no'))",
            ),
        ],
    )


def test_escaping_is_the_toolkit_s() -> None:
    assert github.escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert github.escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"


def test_each_failed_check_is_an_error_annotation_github_parses() -> None:
    lines = github.annotate(report(), "work/count-async.py")
    parsed = [parse(line) for line in lines]
    (kind1, late, why1), (kind2, raised, why2), (kind3, score, why3) = parsed
    assert kind1 == kind2 == "error"
    assert late == {
        "file": "work/count-async.py",
        "title": "takes 100%: the longest pause, not the sum (0/2)",
    }
    assert why1 == "count(...) took 1.21 s;\nconcurrent code takes about 0.30 s, 75% less\r\n"
    assert raised["line"] == "7" and raised["file"] == "work/count-async.py"
    assert why2.startswith("error: count() raised ValueError")
    assert (kind3, score, why3) == (
        "error",
        {"title": "count-async score"},
        "2/8 on the public checks",
    )


def test_a_file_that_cannot_run_is_annotated_on_its_line() -> None:
    broken = Report(
        "count-async", "a.py", 8, status=ReportStatus.ERROR, public_only=True,
        message="your file has a syntax error: invalid syntax (line 3: def count(:)",
    )  # fmt: skip
    (kind, where, message), (_, _, score) = (
        parse(line) for line in github.annotate(broken, "a.py")
    )
    assert kind == "error" and where == {
        "file": "a.py", "line": "3", "title": "count-async: your file could not be run"
    }  # fmt: skip
    assert (
        message.startswith("your file has a syntax error") and score == "0/8 on the public checks"
    )


def test_all_passed_is_a_notice() -> None:
    passed = Report("count-sync", "a.py", 2, public_only=True, checks=report().checks[:1])
    assert [parse(line) for line in github.annotate(passed, "a.py")] == [
        ("notice", {"title": "count-sync score"}, "2/2 on the public checks")
    ]


def test_step_summary_is_a_markdown_table() -> None:
    text = github.step_summary(report())
    lines = text.splitlines()
    assert lines[0] == "### count-async: 2/8 on the public checks"
    table = [line for line in lines if line.startswith("|")]
    assert table[:2] == ["| | check | points | feedback |", "|---|---|---|---|"]
    assert len(table) == 5 and all(row.count(" | ") == 3 for row in table[2:]), table
    assert (
        "took 1.21 s;<br>concurrent code" in text
        and "| ✅ | prints every number once | 2/2 |" in text
    )
    weird = Report(
        "x",
        "a.py",
        1,
        checks=[CheckResult("a | b <c>", CheckStatus.FAILED, 0, 1, Visibility.PUBLIC, "x|y")],
    )
    row = github.step_summary(weird).splitlines()[-2]
    assert row == "| ❌ | a \\| b &lt;c&gt; | 0/1 | x\\|y |"


@pytest.mark.parametrize("inside", [True, False])
def test_check_format_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: bool) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "count-sync.py").write_text(
        (EXERCISES / "count-sync" / "stub.py").read_text()
    )
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    if inside:
        env["GITHUB_WORKSPACE"] = str(tmp_path)
    target = str(tmp_path / "work" / "count-sync.py") if inside else "work/count-sync.py"
    done = CliRunner().invoke(cli, ["check", "count-sync", target, "--format", "github"], env=env)
    assert done.exit_code == 1, done.output
    commands = [parse(line) for line in done.output.splitlines() if line.startswith("::")]
    assert "score: 0/6 on the public checks" in done.output  # the text report, for the log
    assert {c[1].get("file") for c in commands[:-1]} == {"work/count-sync.py"}
    assert commands[-1] == ("error", {"title": "count-sync score"}, "0/6 on the public checks")
    written = summary.read_text()
    assert written.startswith("earlier steps\n### count-sync: 0/6 on the public checks")


def test_check_format_github_without_a_step_summary() -> None:
    done = CliRunner().invoke(
        cli, ["check", "count-sync", str(SOLUTIONS / "count-sync.py"), "--format", "github"],
        env={"GITHUB_STEP_SUMMARY": ""},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (
        done.output.splitlines()[-1] == "::notice title=count-sync score::6/6 on the public checks"
    )
