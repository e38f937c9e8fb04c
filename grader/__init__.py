"""An automated grader for asynchronous Python exercises.

The packages, from the bottom up:

- `grader.sandbox`: the engine that runs a submission in an isolated child
  process and carries calls, callbacks and output across;
- `grader.checks`: what check authors write checks with (the submission,
  time verdicts, recorders, pools, the HTTP test server);
- `grader.grading`: grading one submission (the pytest plugin that runs the
  checks, the runner that starts it, the report it returns);
- `grader.course`: the exercises (catalog), the student kit, verification;
- `grader.batch`: grading a whole class folder, locally or on dask;
- `grader.outputs`: what reports become (text, Gradescope, grades.csv).

`grader.cli` is the command line over them.
"""


def __getattr__(name: str) -> str:
    """`grader.__version__`: the installed distribution's, read only when asked for.

    The version is written once, in pyproject.toml; importing `importlib.metadata`
    costs every command's start a few milliseconds, so it waits until needed.
    """
    if name == "__version__":
        import importlib.metadata

        return importlib.metadata.version("asyncio-grader")
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
