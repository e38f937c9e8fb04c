"""An automated grader for asynchronous Python exercises.

The core API: `grader.catalog` finds exercises, `grader.runner.grade` grades
one submission and returns a `grader.report.Report`; `grader.cli` is the
command line over them. Checks are written with `grader.proxy`,
`grader.timing` and `grader.assertions`.
"""

__version__ = "0.1.0"
