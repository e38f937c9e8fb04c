"""A report for GitHub Actions: workflow-command annotations and a Markdown step summary.

`grader check EXERCISE FILE --format github` prints the text report (for the
job's log), then one `::error` annotation per public check that did not pass
and a `::notice` with the score; GitHub shows the annotations on the run and,
where a line is known, on the file. The summary is Markdown for the file
named by `$GITHUB_STEP_SUMMARY`.

Workflow commands are one line each, `::command key=value,key=value::message`;
GitHub's toolkit escapes `%`, CR and LF in the message, and also `:` and `,`
in property values, so a message or a check title can hold any text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from grader.grading.report import CheckResult, CheckStatus, Report, ReportStatus

#: Where a message names a line of the submission: the sandbox's "(line 5, in count: ...)",
#: a syntax error's "(line 1: ...)", an unreadable byte's "on line 2".
_LINE = re.compile(r"\(line (\d+)[,:)]|\bon line (\d+)\b")


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does (`escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped as GitHub's toolkit does (`escapeProperty`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line; properties that are None are left out."""
    given = [(k, str(v)) for k, v in properties.items() if v is not None]
    props = ",".join(f"{key}={escape_property(value)}" for key, value in given)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def line_of(message: str) -> int | None:
    """The submission's line a message names, if it names one."""
    found = _LINE.search(message)
    if found is None:
        return None
    return int(found.group(1) or found.group(2))


def annotate(report: Report, file: str) -> list[str]:
    """An `::error` for the file that could not run or each check that did not pass, then the score.

    `file` is the submission's path as GitHub knows it: relative to the repository.
    """
    lines: list[str] = []
    if report.status is ReportStatus.ERROR:
        lines.append(
            command(
                "error", report.message, file=file, line=line_of(report.message),
                title=f"{report.exercise}: your file could not be run",
            )
        )  # fmt: skip
    named: set[tuple[str, int | None]] = set()
    for check in report.checks:
        if check.status is not CheckStatus.PASSED:
            lines.append(
                command(
                    "error", _feedback(check), file=file, line=line_of(check.message),
                    title=f"{check.name} ({check.score:g}/{check.max_score:g})",
                )
            )  # fmt: skip
        for diagnostic in check.diagnostics:  # on the very line, once however many checks saw it
            if (diagnostic.kind, diagnostic.line) not in named:
                named.add((diagnostic.kind, diagnostic.line))
                lines.append(
                    command(
                        # A notebook's line is within a cell: GitHub could only misplace it.
                        "warning", diagnostic.message, file=file,
                        line=diagnostic.line if diagnostic.cell is None else None,
                        title=f"{report.exercise}: {diagnostic.kind}",
                    )
                )  # fmt: skip
    kind = "notice" if report.passed else "error"
    lines.append(command(kind, _score(report), title=f"{report.exercise} score"))
    return lines


def workspace_path(label: str, workspace: Path | None) -> str:
    """The submission's path relative to the checked-out repository, as annotations need it."""
    path = Path(label)
    if workspace is not None and path.is_absolute():
        try:
            return path.relative_to(workspace).as_posix()
        except ValueError:
            return label
    return path.as_posix()


def step_summary(report: Report) -> str:
    """The report as Markdown: the score, then a table of the checks with their feedback."""
    lines = [f"### {_md(report.exercise)}: {_md(_score(report))}", ""]
    if report.status is ReportStatus.ERROR:
        lines += [f"Your file could not be run: {_md(report.message)}", ""]
    if report.checks:
        lines += ["| | check | points | feedback |", "|---|---|---|---|"]
        for check in report.checks:
            mark = "✅" if check.status is CheckStatus.PASSED else "❌"
            points = f"{check.score:g}/{check.max_score:g}"
            lines.append(f"| {mark} | {_md(check.name)} | {points} | {_md(_feedback(check))} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _score(report: Report) -> str:
    which = " on the public checks" if report.public_only else ""
    return f"{report.score:g}/{report.max_score:g}{which}"


def _feedback(check: CheckResult) -> str:
    if check.status in (CheckStatus.ERROR, CheckStatus.TIMEOUT) and check.message:
        return f"{check.status}: {check.message}"
    return check.message or str(check.status)


def _md(text: str) -> str:
    """Text for a Markdown table cell: no markup, no line breaks, no cell borders."""
    return html.escape(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")
