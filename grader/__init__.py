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

from grader import compat

__version__ = "0.1.0"

compat.install()
