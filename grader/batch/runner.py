"""Grading a whole class at once: concurrent, resumable, and on more than one machine.

A class folder holds one folder per student, each with one file per exercise,
named by the exercise id (`count-async.py`, or `count_async.py`). Every file is
one job for a `concurrent.futures.Executor`: a local thread pool by default
(each grading already runs its checks in processes of its own), or a
dask.distributed cluster. A job is `grade_job`, a top-level function that
takes and returns plain data, so it can be sent to another machine; the
workers find the course's files by path, so they need the exercises folder
and the class folder at the same paths as here (a shared filesystem).

Each report is written as soon as it is final, atomically; `grades.csv` is
rebuilt from the reports at the end. Checks measure time, and a loaded
machine only adds time: a submission whose only failures were timing checks
while others ran (`Report.timing_only`) is graded again alone, with nothing
else running, before its grade is final. With `strict_timing`, so is one that
failed a timing check next to other failures (it could have passed that check
alone too); that costs a second grading of most wrong concurrent submissions.

Each report's HTML page is written beside its JSON report, and the class's
`index.html` with `grades.csv` (`grader.outputs.classpage`).

A `Stop` asked for while the batch runs (the CLI's answer to a Ctrl-C)
starts no more gradings: those in flight finish and are saved, the outputs
are written for what was graded, and the result lists what was not."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from grader.batch.classroom import OUT_MARKER, Classroom, Job
from grader.batch.throttle import Throttle
from grader.course.catalog import find
from grader.errors import BadOutput, GraderError, MissingFile
from grader.grading.report import CheckStatus, Report, ReportStatus
from grader.grading.runner import grade, require_hidden_checks
from grader.outputs import canvas, classpage, gradebook, moodle
from grader.sandbox.isolation import Backend, Isolation
from grader.sandbox.isolation import choose as choose_isolation

REGRADED_ONLY_TIMING = "re-graded alone because only timing checks failed under load"


REGRADED_SOME_TIMING = "re-graded alone because a timing check failed under load"


STOPPED_BEFORE_ALONE = (
    "the batch was stopped before it could grade this file again alone "
    "(a timing check failed under load)"
)


class Stop:
    """A request from outside a running batch to start no more gradings (a Ctrl-C's answer).

    Plain attributes and no lock: a signal handler runs on the main thread,
    between two steps of the batch, and must never wait for a lock that
    thread holds.
    """

    def __init__(self) -> None:
        self.requested = False
        self.in_flight = 0  # gradings handed out and not yet done, kept up to date by `run`

    def request(self) -> int:
        """Start no more gradings; how many are in flight (the batch still finishes those)."""
        self.requested = True
        return self.in_flight


@dataclass(frozen=True)
class Progress:
    """How far a batch is; sent to the caller's callback after each final grade."""

    total: int  # files to grade in this run
    done: int
    students: int
    students_done: int
    failed: int  # reports of this run that lost points
    current: str = ""  # what is being re-graded alone, if anything
    news: tuple[str, ...] = ()  # what the executor said since the last progress (a lost worker)


@dataclass(frozen=True)
class Unfinished:
    """A file whose grading could not be completed; a later `--resume` tries again."""

    label: str
    reason: str


@dataclass
class BatchResult:
    """What a batch did and the gradebook it ended with."""

    classroom: Classroom
    out_dir: Path
    gradebook: gradebook.Gradebook
    graded: int = 0  # files graded in this run
    resumed: int = 0  # files whose report was already there
    regraded_alone: list[str] = field(default_factory=list)
    inconclusive: list[str] = field(default_factory=list)  # too busy to time, also alone
    unfinished: list[Unfinished] = field(default_factory=list)
    isolation: Isolation | None = None  # what every grading ran under
    in_flight: list[int] = field(default_factory=list)  # the limits the throttle went through
    stopped: bool = False  # a `Stop` was asked for: what had not started was left
    not_started: list[str] = field(default_factory=list)  # the files it left, by label
    news: list[str] = field(default_factory=list)  # what the executor said (a lost worker)
    hand_back: Path | None = None  # the folder of pages to hand back, when asked for

    @property
    def grades_csv(self) -> Path:
        return self.out_dir / gradebook.FILE

    @property
    def index_html(self) -> Path:
        return self.out_dir / classpage.INDEX


@dataclass(frozen=True)
class Graded:
    """One job's outcome: its report, and what that says of the load it was graded under.

    Which checks failed on time only is not part of a JSON report, so the two
    timing flags are taken from the report where it was graded, and travel
    with it.
    """

    report: Report
    timing: bool  # load could have cost it points: a check failed only on time
    timing_only: bool  # ...and those were its only failures (`Report.timing_only`)

    @classmethod
    def of(cls, report: Report) -> Graded:
        """The outcome of a report just graded."""
        return cls(report, _timing_failed(report), report.timing_only)

    @property
    def inconclusive(self) -> bool:
        """Whether the machine was too busy to time one of its checks."""
        return _inconclusive(self.report)

    def to_dict(self) -> dict[str, Any]:
        """As JSON, for a worker's answer (`grader.batch.workers`)."""
        return {"report": self.report.to_dict(), "timing": self.timing,
                "timing_only": self.timing_only}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Graded:
        report = Report.from_dict(data["report"])
        return cls(report, bool(data["timing"]), bool(data["timing_only"]))


def grade_job(
    exercises_dir: str,
    exercise_id: str,
    path: str,
    label: str,
    seed: int | None = None,
    isolation: str = "auto",
    public_only: bool = False,
    progress: str | None = None,
) -> Graded:
    """Grade one file, wherever an executor runs it: plain data in, a picklable record out.

    A grading the grader could not complete for this file becomes an error
    report; a file or exercise this machine cannot see, or an isolation it
    cannot give, raises, since that is no fault of the file. `isolation` names
    the backend the batch chose (`none` only when the teacher asked for no
    isolation). `progress` names a file the checks' results are written to as
    each is known (`grader.grading.runner.grade`), for the class server's live page.
    """
    chosen = choose_isolation(isolation, allow_none=isolation == Backend.NONE)
    exercise = find(exercise_id, Path(exercises_dir))
    file = Path(path)
    if not file.is_file():
        raise MissingFile(f"cannot read {path} here: do the workers share the class folder?")
    try:
        report = grade(
            exercise, file, seed=seed, label=label, hidden=not public_only, isolation=chosen,
            progress=Path(progress) if progress else None,
        )  # fmt: skip
    except GraderError as error:
        report = Report(
            exercise=exercise.id,
            submission=label,
            max_score=exercise.points,
            status=ReportStatus.ERROR,
            message=f"the grader could not grade this file: {error}",
            public_only=public_only,
        )
    return Graded.of(report)


def _inconclusive(report: Report) -> bool:
    """Whether the machine was too busy to time one of its checks: it is graded again."""
    return any(c.status is CheckStatus.INCONCLUSIVE for c in report.checks)


def _timing_failed(report: Report) -> bool:
    """Whether load could have cost this report points: a check failed only on time.

    `Report.timing_only` is the case where that is the only failure; a check
    that failed on time next to a real failure could also have passed alone.
    """
    return any(c.timing and c.status is not CheckStatus.PASSED for c in report.checks)


def _ours(report: Report | None, job: Job) -> bool:
    """Whether a stored report is this job's: one for another file or exercise is graded anew."""
    return report is not None and (report.exercise, report.submission) == (job.exercise, job.label)


def _prepare(out_dir: Path, jobs: Sequence[Job], student_pages: bool = False) -> None:
    """Make `out_dir`, prove it takes files, and that nothing is in the way of one.

    Everything a batch will write is checked before anything is graded, so a
    wrong `--out` costs a line, not a class's grading (`grades.csv` is written
    last of all).
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f"{gradebook.TEMP_PREFIX}probe.tmp"
        probe.write_bytes(b"")
        probe.unlink()
        # Says what the folder is to a later batch that finds it in a class folder.
        (out_dir / OUT_MARKER).write_bytes(b"")
    except OSError as error:
        raise BadOutput(
            f"--out {out_dir} cannot hold the results: {error.strerror or error}"
        ) from None
    own = [gradebook.FILE, classpage.INDEX, canvas.FILE, moodle.FILE]
    own += [classpage.HAND_BACK] if student_pages else []
    files = [out_dir / gradebook.FILE, out_dir / classpage.INDEX]
    for job in jobs:
        if f"{job.exercise}.html" == classpage.INDEX:
            raise BadOutput(f"an exercise named {job.exercise} would overwrite a student's page")
        if job.student in own:
            raise BadOutput(
                f"the student folder {job.student} has the name of a file the batch writes "
                "in --out: rename that folder, then grade again"
            )
        folder = out_dir / job.student
        if folder.is_symlink():  # the reports would be written wherever it points
            raise BadOutput(f"{folder} is a link where {job.student}'s reports belong: remove it")
        if folder.exists() and not folder.is_dir():
            raise BadOutput(f"{folder} is a file where {job.student}'s reports belong: remove it")
        files += [
            gradebook.report_path(out_dir, job.student, job.exercise),
            classpage.page_path(out_dir, job.student, job.exercise),
        ]
    for file in files:
        if file.exists() and not file.is_file():
            raise BadOutput(f"{file} is in the way of a file the batch writes: remove it")


def run(
    classroom: Classroom,
    out_dir: Path,
    exercises_dir: Path,
    executor: Executor,
    *,
    resume: bool = False,
    seed: int | None = None,
    strict_timing: bool = False,
    progress: Callable[[Progress], None] | None = None,
    isolation: Isolation | None = None,
    public_only: bool = False,
    throttle: Throttle | None = None,
    stop: Stop | None = None,
    heartbeat: float | None = None,
    student_pages: bool = False,
) -> BatchResult:
    """Grade the class's files through `executor`, writing each report as soon as it is final.

    With `throttle`, no more gradings are in flight than it allows at the
    moment (it follows the machine's load); without, all are handed to the
    executor at once (a dask cluster keeps its own count).
    With `resume`, a file whose report is already in `out_dir` (and parses) is
    not graded again. A file whose only failures were timing checks (any
    timing failure, with `strict_timing`) is graded again alone at the end.
    An exercise without hidden checks stops the batch before anything is
    graded (`NoHiddenChecks`), unless `public_only` grades every file on the
    public checks alone.
    Once `stop` is requested, no grading starts: the ones in flight are saved
    as they finish, the files never started are `result.not_started`, and one
    still to be graded alone is unfinished (its grading under load could
    have cost it points). `grades.csv` and `index.html` are written either way.
    With `heartbeat`, `progress` hears from the batch at least that often
    (seconds), a grading finished or not, so that a long grading still shows
    a live batch; an executor that has `news` (a cluster that lost a worker)
    is asked for it then, and what it says goes out with the progress and
    into `result.news`.
    With `student_pages`, each student's pages to hand back are written too
    (`classpage.write_hand_back`: public details only).
    """
    if not public_only:
        for exercise in classroom.exercises:
            require_hidden_checks(exercise)
    _prepare(out_dir, classroom.jobs, student_pages)
    gradebook.remove_leftovers(out_dir)
    todo = _todo(classroom, out_dir, resume)
    chosen = isolation or choose_isolation(None, allow_none=True)
    result = BatchResult(classroom, out_dir, gradebook.Gradebook([], {}), isolation=chosen)
    result.resumed = len(classroom.jobs) - len(todo)
    tracker = _Tracker(classroom, todo, progress, executor, result)
    tracker.send()

    submit = _submitter(
        executor, str(exercises_dir.resolve()), seed, str(chosen.backend), public_only
    )
    rounds = _Rounds(
        out_dir, submit, result, tracker, stop or Stop(), throttle, strict_timing, heartbeat
    )
    again = rounds.together(todo)
    if throttle is not None:
        result.in_flight = list(throttle.history)
    rounds.alone(again)
    result.stopped = rounds.stop.requested
    _write_outputs(classroom, out_dir, result, public_only, student_pages)
    return result


def _todo(classroom: Classroom, out_dir: Path, resume: bool) -> list[Job]:
    """The jobs to grade: all, or with `resume` those without a report of their own.

    The report and page an earlier run left for a job to grade are removed:
    they must not outlive this run's grading, even one cut short.
    """
    todo: list[Job] = []
    for job in classroom.jobs:
        stored = gradebook.report_path(out_dir, job.student, job.exercise)
        if resume and _ours(gradebook.read_report(stored), job):
            continue
        stored.unlink(missing_ok=True)
        classpage.page_path(out_dir, job.student, job.exercise).unlink(missing_ok=True)
        todo.append(job)
    return todo


@dataclass
class _Rounds:
    """A run's gradings: all together (as many at once as the throttle allows), then alone."""

    out_dir: Path
    submit: Callable[[Job], Future[Any]]
    result: BatchResult
    tracker: _Tracker
    stop: Stop
    throttle: Throttle | None
    strict_timing: bool
    heartbeat: float | None = None

    def _wait(self, pending: Iterable[Future[Any]]) -> set[Future[Any]]:
        """Wait for a grading of `pending` to finish; tell the tracker each heartbeat meanwhile."""
        while True:
            finished, _ = wait(pending, timeout=self.heartbeat, return_when=FIRST_COMPLETED)
            if finished:
                return finished
            self.tracker.send(current=self.tracker.current)

    def together(self, todo: list[Job]) -> dict[Job, bool]:
        """Grade `todo`; the jobs to grade again alone -> whether timing was their only failure."""
        again: dict[Job, bool] = {}
        waiting = list(reversed(todo))
        pending: dict[Future[Any], Job] = {}
        try:
            while pending or (waiting and not self.stop.requested):
                self._hand_out(waiting, pending)
                finished = self._wait(pending)
                for future in finished:
                    job = pending.pop(future)
                    self.stop.in_flight = len(pending)  # this one is graded: it is only saved
                    self._take(future, job, again)
        finally:
            for future in pending:
                future.cancel()
        self.result.not_started += [job.label for job in reversed(waiting)]
        return again

    def _hand_out(self, waiting: list[Job], pending: dict[Future[Any], Job]) -> None:
        """Start gradings from `waiting` while the throttle allows and no stop is requested."""
        while waiting and not self.stop.requested:
            if self.throttle is not None and len(pending) >= self.throttle.limit:
                return
            job = waiting.pop()
            pending[self.submit(job)] = job
            self.stop.in_flight = len(pending)

    def _take(self, future: Future[Any], job: Job, again: dict[Job, bool]) -> None:
        """Save a finished grading's report, or set it aside to be graded again alone."""
        outcome = _outcome(future, job, self.result)
        if self.throttle is not None:
            self.throttle.observe(timing_failed=outcome is not None and outcome.timing)
        if outcome is None:
            self.tracker.finish(job, failed=True)
        elif outcome.timing_only or outcome.inconclusive or (self.strict_timing and outcome.timing):
            again[job] = outcome.timing_only
        else:
            _save(self.out_dir, job, outcome.report, self.result, self.tracker)

    def alone(self, again: dict[Job, bool]) -> None:
        """Grade each job of `again` with nothing else running, one after another."""
        for job, only_timing in sorted(again.items(), key=lambda item: item[0].label):
            if not self.stop.requested:
                self.tracker.send(current=job.label)  # a progress line: a Ctrl-C may come meanwhile
            if self.stop.requested:
                # Not saved as it is: load may have cost it points. `--resume` grades it.
                self.result.unfinished.append(Unfinished(job.label, STOPPED_BEFORE_ALONE))
                self.tracker.finish(job, failed=True)
                continue
            self.stop.in_flight = 1
            future = self.submit(job)
            self._wait([future])
            outcome = _outcome(future, job, self.result)
            if outcome is None:
                self.tracker.finish(job, failed=True)
            else:
                report = outcome.report
                note = REGRADED_ONLY_TIMING if only_timing else REGRADED_SOME_TIMING
                report.message = f"{report.message} ({note})" if report.message else note
                self.result.regraded_alone.append(job.label)
                if _inconclusive(report):
                    self.result.inconclusive.append(job.label)
                _save(self.out_dir, job, report, self.result, self.tracker)
            self.stop.in_flight = 0


def _write_outputs(
    classroom: Classroom,
    out_dir: Path,
    result: BatchResult,
    public_only: bool,
    student_pages: bool = False,
) -> None:
    """`grades.csv` and `index.html`, from every report in `out_dir`, this run's or not."""
    handed_in = [(j.student, j.exercise) for j in classroom.jobs]
    reports = gradebook.read_reports(out_dir, handed_in)  # once, for all three below
    result.gradebook = gradebook.build(
        out_dir,
        classroom.students,
        _max_scores(classroom, reports, public_only),
        handed_in,
        reports,
    )
    gradebook.write_atomic(result.grades_csv, result.gradebook.to_csv())
    classpage.write_index(out_dir, result.gradebook, handed_in, reports)
    if student_pages:
        found = {key: report for key, report in reports.items() if report is not None}
        result.hand_back = classpage.write_hand_back(out_dir, result.gradebook, found)


def _max_scores(
    classroom: Classroom,
    reports: Mapping[tuple[str, str], Report | None],
    public_only: bool,
) -> dict[str, float]:
    """Each exercise's points; on the public checks alone, what its reports say they are out of."""
    scores = {e.id: e.points for e in classroom.exercises}
    if public_only:
        for job in classroom.jobs:
            report = reports[(job.student, job.exercise)]
            if report is not None and report.status is ReportStatus.GRADED:
                scores[job.exercise] = report.max_score
    return scores


def _submitter(
    executor: Executor, exercises_dir: str, seed: int | None, isolation: str,
    public_only: bool = False,
) -> Callable[[Job], Future[Any]]:  # fmt: skip
    def submit(job: Job) -> Future[Any]:
        return executor.submit(
            grade_job,
            exercises_dir,
            job.exercise,
            str(job.path),
            job.label,
            seed,
            isolation,
            public_only,
        )

    return submit


def _outcome(future: Future[Any], job: Job, result: BatchResult) -> Graded | None:
    """The job's outcome, or None (noted in `result`) when it could not be had."""
    try:
        outcome: Graded = future.result()
    except Exception as error:  # a lost worker costs one job, not the batch
        reason = str(error) or type(error).__name__
        result.unfinished.append(Unfinished(job.label, reason))
        return None
    return outcome


def _save(out_dir: Path, job: Job, report: Report, result: BatchResult, tracker: _Tracker) -> None:
    gradebook.write_report(gradebook.report_path(out_dir, job.student, job.exercise), report)
    classpage.write_page(out_dir, job.student, job.exercise, report)  # after the record, the view
    result.graded += 1
    tracker.finish(job, failed=not report.passed)


@runtime_checkable
class Watched(Protocol):
    """An executor that can say what happened to it (a cluster's lost worker), as lines."""

    def news(self) -> list[str]: ...


class _Tracker:
    """Counts what is done, per student too, and tells the caller's callback."""

    def __init__(
        self,
        classroom: Classroom,
        todo: list[Job],
        callback: Callable[[Progress], None] | None,
        executor: Executor | None = None,
        result: BatchResult | None = None,
    ) -> None:
        self.callback = callback
        self.watched = executor if isinstance(executor, Watched) else None
        self.result = result
        self.current = ""
        self.total = len(todo)
        self.left = Counter(job.student for job in todo)
        self.students = len(classroom.students)
        self.done = 0
        self.failed = 0

    def finish(self, job: Job, *, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        self.left[job.student] -= 1
        self.send()

    def send(self, current: str = "") -> None:
        self.current = current
        news = tuple(self.watched.news()) if self.watched is not None else ()
        if self.result is not None:
            self.result.news += news
        if self.callback is None:
            return
        busy = sum(1 for left in self.left.values() if left > 0)
        self.callback(
            Progress(
                total=self.total,
                done=self.done,
                students=self.students,
                students_done=self.students - busy,
                failed=self.failed,
                current=current,
                news=news,
            )
        )
