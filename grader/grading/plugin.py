"""pytest plugin: an exercise's checks, run against one submission.

The grader's runner loads it with ``-p grader.grading.plugin``; plain pytest loads it
through its entry point, so a teacher can run an exercise's checks by hand::

    pytest exercises/count-async/checks --submission alice/count-async.py

Checks are async pytest tests. The `submission` fixture is the student's
module behind a sandbox; `durations` gives waits drawn from the seed; `recorder`
builds injected callables that note when they ran; `scene` is the three in one
(`grader.checks.Scene`). Each check's docstring is the title a student sees,
`@pytest.mark.points(n)` its worth (1 by default), and checks in a module named
`test_hidden*.py` are hidden.

A check that fails only an upper time bound (`TimingError`) is judged by the
load measured during the attempt (`grader.grading.retries`): a miss load
cannot explain fails at once; one it can is run again, up to
``--grader-attempts`` times, and is `inconclusive` if load still explains it
on the last. The attempts draw the very same cases (the draws depend on the
seed and the check, not the attempt), so a retry forgives load and nothing
else.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
import pytest_asyncio
import pytest_timeout
from _pytest.runner import runtestprotocol

from grader.checks import expected
from grader.checks import submission as submission_module
from grader.checks.failures import CheckFailed, TimingError
from grader.checks.scene import Scene
from grader.checks.submission import Spares, Submission
from grader.checks.timing import Durations, Recorder
from grader.course import catalog
from grader.errors import GraderError
from grader.grading import observer, retries
from grader.grading import session as sessions
from grader.grading.observations import Diagnostic, Timeline
from grader.grading.report import CheckResult, CheckStatus, Failure, Visibility
from grader.grading.runner import derive_seed
from grader.sandbox import (
    ImportFailed,
    Limits,
    SandboxFailed,
    SubmissionFault,
    SubmissionTimeout,
    Undefined,
    forkserver,
    isolation,
    load,
    observation,
)
from grader.sandbox.forkserver import ForkServer
from grader.sandbox.isolation import IsolationUnavailable


@dataclass
class Outcome:
    """How one attempt of a check ended."""

    status: CheckStatus = CheckStatus.PASSED
    message: str = ""
    retryable: bool = False
    import_failed: bool = False
    broken: bool = False  # the grader itself could not run the check
    diagnostics: list[Diagnostic] = field(default_factory=list)
    timeline: Timeline | None = None
    observed: dict[str, float] | None = None  # the check's calls, seen from outside the child
    failed: CheckFailed | None = None  # the failure as data, when a check said what failed


class Results:
    """The session's check results, written as JSON lines as soon as each is known."""

    def __init__(self, path: str | None, seed: int) -> None:
        self.seed = seed
        self.checks: list[CheckResult] = []
        self._missing: set[str] = set()
        self._file: IO[str] | None = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115

    def write(self, record: dict[str, Any]) -> None:
        if self._file is not None:
            self._file.write(json.dumps(record) + "\n")
            self._file.flush()

    def missing(self, reasons: list[str]) -> None:
        """What could not be observed of the submission from outside, each reason once."""
        new = [reason for reason in reasons if reason not in self._missing]
        if new:
            self._missing.update(new)
            self.write({"observation_missing": new})

    def add(self, result: CheckResult) -> None:
        self.checks.append(result)
        self.write(
            {"check": {**result.to_dict(), "attempts": result.attempts, "timing": result.timing}}
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


results_key = pytest.StashKey[Results]()
forkserver_key = pytest.StashKey[ForkServer]()
spares_key = pytest.StashKey[Spares]()
submission_key = pytest.StashKey[Submission]()
recorder_key = pytest.StashKey[Recorder]()
shape_key = pytest.StashKey[list[expected.Expected]]()
outcome_key = pytest.StashKey[Outcome]()
attempt_key = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options to point the checks at a submission."""
    group = parser.getgroup("grader", "grading an asyncio submission")
    group.addoption("--submission", default=None, help="the student's file to check")
    group.addoption("--grader-results", default=None, help="write results as JSON lines here")
    group.addoption("--grader-seed", type=int, default=None, help="seed for the random waits")
    group.addoption(
        "--grader-limits", default=None, help="the sandbox limits as JSON (default: exercise.yaml)"
    )
    group.addoption(
        "--grader-attempts", type=int, default=3, help="runs of a check that misses a time bound"
    )
    group.addoption(
        "--grader-no-diagnostics",
        action="store_true",
        help="leave the diagnostics' instrumentation out (to measure what it costs)",
    )
    group.addoption(
        "--grader-no-observation",
        action="store_true",
        help="observe nothing of the child from outside (to measure what that costs)",
    )
    group.addoption(
        "--grader-isolation", default="auto",
        help="the sandbox's isolation: namespaces, landlock, none, or auto (the best available)",
    )  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    """Register the points marker; with a submission, make every async check run."""
    config.addinivalue_line("markers", "points(n): how many points the check is worth")
    if config.getoption("submission"):
        config.option.asyncio_mode = "auto"
    seed = config.getoption("grader_seed")
    submission = config.getoption("submission")
    if seed is None and submission and Path(submission).is_file():
        # Plain pytest without a seed: the very draws `grader grade` makes for this file.
        seed = derive_seed(_exercise_id(config.args), Path(submission).read_bytes())
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    config.stash[results_key] = Results(config.getoption("grader_results"), seed)
    if config.getoption("submission"):
        # The zygote starts now, while pytest collects the checks.
        try:
            chosen = isolation.choose(config.getoption("grader_isolation"), allow_none=True)
        except IsolationUnavailable as error:
            # Said as the grading's failure, once, and not as a traceback per check.
            config.stash[results_key].write({"broken": str(error)})
            raise pytest.UsageError(str(error)) from None
        diagnose = not config.getoption("grader_no_diagnostics")
        observe = not config.getoption("grader_no_observation")
        server = forkserver.shared(chosen, _packages(config), diagnose=diagnose, observe=observe)
        config.stash[forkserver_key] = server
        config.stash[results_key].write({"isolation": _isolation_record(chosen)})
        # What this machine cannot observe of any child; each child's own gaps come later.
        unobservable = [f"{facet}: {why}" for facet, why in sorted(observation.missing().items())]
        config.stash[results_key].write({"observation_missing": unobservable})
        server.warm()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Note a Ctrl-C (not a stop the plugin asked for itself): the grading did not happen."""
    stopped = session.shouldstop or session.shouldfail
    if exitstatus == pytest.ExitCode.INTERRUPTED and not stopped:
        results = session.config.stash.get(results_key, None)
        if results is not None:
            results.write({"interrupted": True})


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the spare, wait until every child is gone, end the zygote; close the results file."""
    if spares_key in config.stash:
        config.stash[spares_key].discard()
    if forkserver_key in config.stash:
        config.stash[forkserver_key].settle()  # the zygote itself serves the next session
    if results_key in config.stash:
        config.stash[results_key].close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Announce the checks, so the runner can tell a cut-short session from a finished one."""
    if config.getoption("submission"):
        results = config.stash[results_key]
        results.write({"seed": results.seed})
        results.write(
            {"collected": [title(item) for item in items], "points": [points(i) for i in items]}
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    """A prepared session (`session.gated`) waits here for its submission, then draws anew."""
    if not session.config.getoption("submission") or session.config.option.collectonly:
        return
    go, seed = sessions.through_gate()
    results = session.config.stash[results_key]
    if not go:
        results.write({"cut_short": True})
        # No check to run: the session ends as one that collected none (a stop here
        # would end it through pytest's interruption, which costs half a second).
        session.items.clear()
    elif seed is not None:
        results.seed = seed
        results.write({"seed": seed})


@pytest_asyncio.fixture
async def submission(request: pytest.FixtureRequest) -> AsyncIterator[Submission]:
    """The student's module, run in a fresh sandboxed child for this check."""
    path = request.config.getoption("submission")
    if not path:
        pytest.fail("no submission to check: run pytest with --submission FILE", pytrace=False)
    given = request.config.getoption("grader_limits")
    limits = (
        Limits(**json.loads(given)) if given else catalog.load(request.path.parent.parent).limits
    )
    server = request.config.stash.get(forkserver_key, None)
    spares = request.config.stash.get(spares_key, None)
    if spares is None and server is not None:
        spares = request.config.stash[spares_key] = Spares(Path(path), limits, server)
    student = Submission(Path(path), limits, server, spares=spares)
    request.node.stash[submission_key] = student
    token = submission_module.current.set(student)
    try:
        yield student
    finally:
        submission_module.current.reset(token)
        # Killed at once; the session waits for all of them at its end (`settle`).
        await student.close(wait=False)


@pytest.fixture
def durations(request: pytest.FixtureRequest) -> Durations:
    """Random waits, different for each check, the same on each of its attempts.

    A retry must repeat the very cases that missed a time bound: with fresh
    draws, a wrong file would pass whenever one draw of three missed its
    mistake. The seed makes the whole grading reproducible.
    """
    seed = request.config.stash[results_key].seed
    return Durations(random.Random(f"{seed}:{request.node.nodeid}"))


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Recorder:
    """Builds the callables a check injects and notes when each call ran."""
    made = Recorder()
    request.node.stash[recorder_key] = made  # its calls go into the check's timeline
    return made


@pytest.fixture
def scene(submission: Submission, durations: Durations, recorder: Recorder) -> Scene:
    """The three fixtures above in one value, as most checks and their helpers want them."""
    return Scene(submission, durations, recorder)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """Run a check, again when it missed only a time bound, and record its result."""
    if not item.config.getoption("submission"):
        return None
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    attempts = max(1, item.config.getoption("grader_attempts"))
    started = time.monotonic()
    if spares_key in item.config.stash:
        item.config.stash[spares_key].more = nextitem is not None
    for attempt in range(1, attempts + 1):
        item.stash[attempt_key] = attempt
        item.stash[outcome_key] = Outcome()
        # The check's verdicts note the shape they expect; its task sees this list.
        shape = item.stash[shape_key] = []
        expected.noted.set(shape)
        before, made_before = load.METER.in_calls, load.METER.made_in_calls
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
        outcome = item.stash[outcome_key]
        if not outcome.retryable:
            break
        waited, made = load.METER.in_calls - before, load.METER.made_in_calls - made_before
        if judge_miss(outcome, waited, made=made, last=attempt == attempts):
            break
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    results = item.config.stash[results_key]
    if outcome.import_failed:
        # Nothing else can run either: say so once, and stop the session.
        results.write({"import_failed": outcome.message})
        item.session.shouldstop = "the submission could not be imported"
    if outcome.broken:
        results.write({"broken": outcome.message})
        item.session.shouldstop = "the sandbox failed"
    results.add(result(item, outcome, attempt, time.monotonic() - started))
    if nextitem is not None and not item.session.shouldstop and sessions.cut_short():
        results.write({"cut_short": True})
        item.session.items.clear()  # no more checks (cheaper than pytest's interruption)
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Classify how the check ended: a status, a message, and whether to retry."""
    report = yield
    if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
        outcome = item.stash[outcome_key] = classify(call.excinfo)
        student = item.stash.get(submission_key, None)
        if student is not None:
            outcome.diagnostics = observer.diagnostics(student.seen)
            outcome.timeline = observer.timeline(
                student.seen, item.stash.get(recorder_key, None), item.stash.get(shape_key, [])
            )
            outcome.observed = observer.observed(student.seen)
            item.config.stash[results_key].missing(observer.unobserved(student.seen))
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """With plain pytest, show the score the way the grader would count it."""
    checks = config.stash[results_key].checks if results_key in config.stash else []
    if not checks:
        return
    got = sum(c.score for c in checks)
    total = sum(c.max_score for c in checks)
    seed = config.stash[results_key].seed
    terminalreporter.write_sep("-", f"grader score: {got:g}/{total:g} (seed {seed})")
    for check in checks:
        if check.status is not CheckStatus.PASSED:
            terminalreporter.write_line(f"{check.status}: {check.name}: {check.message}")


def _packages(config: pytest.Config) -> tuple[str, ...]:
    """The packages the exercise's submissions may import: from the checks' exercise.yaml.

    An exercise.yaml that cannot be read stops the run with what is wrong with it:
    grading on without it would refuse the submission packages the exercise allows.
    """
    folder = _exercise_folder(config.args)
    if folder is None:
        return ()
    try:
        return catalog.load(folder).packages
    except GraderError as error:
        config.stash[results_key].write({"broken": str(error)})
        raise pytest.UsageError(str(error)) from None


def _isolation_record(chosen: isolation.Isolation) -> dict[str, Any]:
    return {"backend": str(chosen.backend), "missing": [str(p) for p in chosen.missing]}


def judge_miss(outcome: Outcome, waited: float, *, made: float = 0.0, last: bool) -> bool:
    """A missed time bound, judged by the load measured meanwhile; True: no more attempts."""
    bounds = outcome.failed.bounds if outcome.failed is not None else None
    decision = retries.decide(bounds, waited, made=made, last=last)
    if decision is retries.Decision.FAIL and made >= retries.SELF_MADE:
        outcome.message += (
            f" (your program itself used {made:.2f} s of CPU time during the check's calls: "
            "load it makes itself does not excuse a late time)"
        )
    if decision is retries.Decision.INCONCLUSIVE:
        outcome.status = CheckStatus.INCONCLUSIVE
        outcome.message = (
            f"inconclusive: the machine was too busy to time this check (its threads waited "
            f"{waited:.2f} s for a CPU); grade again when it is quieter. What was measured: "
            f"{outcome.message}"
        )
    return decision is not retries.Decision.RETRY


def classify(excinfo: pytest.ExceptionInfo[BaseException] | None) -> Outcome:
    """The report status an exception in a check stands for."""
    if excinfo is None:
        return Outcome()
    error = excinfo.value
    if isinstance(error, CheckFailed):
        return Outcome(
            CheckStatus.FAILED,
            error.message or "the check failed",
            retryable=isinstance(error, TimingError),
            failed=error,
        )
    if isinstance(error, AssertionError):
        return Outcome(CheckStatus.FAILED, _assertion_text(error) or "the check failed")
    if isinstance(error, SubmissionTimeout):
        return Outcome(CheckStatus.TIMEOUT, str(error))
    if isinstance(error, ImportFailed):
        return Outcome(CheckStatus.ERROR, str(error), import_failed=True)
    if isinstance(error, SandboxFailed):
        return Outcome(CheckStatus.ERROR, str(error), broken=True)
    if isinstance(error, Undefined):  # as `expect_plain` says it: the contract is not met
        return Outcome(CheckStatus.FAILED, str(error))
    if isinstance(error, SubmissionFault):
        return Outcome(CheckStatus.ERROR, str(error))
    text = str(error)
    if isinstance(error, pytest.fail.Exception) and _TIMED_OUT.fullmatch(text):
        return Outcome(CheckStatus.TIMEOUT, "the check did not finish in time")
    if isinstance(error, pytest.fail.Exception):
        return Outcome(CheckStatus.FAILED, text)
    return Outcome(
        CheckStatus.ERROR,
        f"the check could not use what your code gave it ({type(error).__name__}: {text})",
    )


#: What pytest-timeout fails a check with when it runs out of time: its own exported
#: message, whatever the limit (a text merely mentioning "Timeout" is no timeout).
_TIMED_OUT = re.compile(
    r"[^()\s]+".join(
        re.escape(part) for part in str(pytest_timeout.PYTEST_FAILURE_MESSAGE).split("%s")
    )
)

#: The most of a report's message, expected or measured text: a value the submission returned
#: is quoted in them, and a 4 MB string must not make a 16 MB report.
MAX_TEXT = 4000


def clipped(text: str) -> str:
    """`text`, cut to MAX_TEXT characters, saying how much was left out."""
    if len(text) <= MAX_TEXT:
        return text
    return f"{text[:MAX_TEXT]}... ({len(text) - MAX_TEXT:,} more characters left out)"


def result(item: pytest.Item, outcome: Outcome, attempts: int, duration: float) -> CheckResult:
    """A check's outcome as a line of the report."""
    worth = points(item)
    hidden = catalog.is_hidden(Path(str(item.path)))
    failed = outcome.failed
    name = title(item)
    expected = failed.expected if failed is not None else ""
    measured = failed.measured if failed is not None else ""
    if outcome.status is not CheckStatus.PASSED and not (expected or measured):
        # A failure stated in a message alone (a plain assert, the submission raising, a
        # timeout) still says, as fields of their own, what was expected and what happened:
        # the check's title is what it expects, its message what it found.
        expected, measured = name, outcome.message
    return CheckResult(
        name=name,
        status=outcome.status,
        score=worth if outcome.status is CheckStatus.PASSED else 0.0,
        max_score=worth,
        visibility=Visibility.HIDDEN if hidden else Visibility.PUBLIC,
        message=clipped(outcome.message),
        duration=duration,
        attempts=attempts,
        timing=outcome.retryable,
        diagnostics=outcome.diagnostics,
        timeline=outcome.timeline,
        observed=outcome.observed,
        failure=Failure(
            expected=clipped(expected),
            measured=clipped(measured),
            hint=failed.hint if failed is not None else "",
            bounds=failed.bounds if failed is not None else None,
        ),
    )


def points(item: pytest.Item) -> float:
    """What the check is worth: its `points` marker, 1 without one."""
    marker = item.get_closest_marker("points")
    return float(marker.args[0]) if marker and marker.args else 1.0


def _exercise_folder(args: list[str]) -> Path | None:
    """The exercise whose checks pytest was pointed at (its folder holds `checks/`)."""
    for arg in args:
        path = Path(arg.split("::")[0]).resolve()
        for folder in (path, *path.parents):
            if folder.name == "checks" and (folder.parent / "exercise.yaml").is_file():
                return folder.parent
    return None


def _exercise_id(args: list[str]) -> str:
    """The id of the exercise whose checks plain pytest was pointed at ("" if none)."""
    folder = _exercise_folder(args)
    return folder.name if folder is not None else ""


def title(item: pytest.Item) -> str:
    """The check's title: its docstring's first line, or its name in words."""
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    if isinstance(doc, str) and doc.strip():
        return doc.strip().splitlines()[0].strip()
    return item.name.removeprefix("test_").replace("_", " ")


def _assertion_text(error: AssertionError) -> str:
    # With assertion rewriting on (plain pytest), pytest appends its own
    # explanation after the check's message; students need only the message.
    return str(error).split("\nassert ", 1)[0].strip()
