"""Grading one submission against one exercise: the core the commands call.

The checks run in a pytest process of their own (trusted code only), which
starts a sandboxed child for the submission in each check. Results come back
as JSON lines in a file, each written as soon as its check is done.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.clock import now
from grader.course.catalog import Exercise
from grader.errors import GraderError, GradingFailed, MissingFile
from grader.grading import interruption, notebook, session
from grader.grading.report import CheckResult, Report, ReportStatus, Resources
from grader.outputs.words import kind_of
from grader.sandbox import Limits, cgroup
from grader.sandbox.isolation import Isolation
from grader.sandbox.isolation import best as best_isolation

_INI = Path(__file__).with_name("pytest.ini")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_PLUGINS = ["grader.grading.plugin", "pytest_asyncio.plugin", "pytest_timeout"]
# Built-in plugins a grading run has no use for (results go to a file, nothing
# is captured or debugged); leaving them out halves pytest's start-up time.
_UNUSED = [
    "doctest", "junitxml", "pastebin", "legacypath", "stepwise", "nose", "unittest",
    "setuponly", "setupplan", "debugging", "logging", "warnings", "faulthandler",
    "threadexception", "unraisableexception", "capture", "cacheprovider",
]  # fmt: skip


class CutShort(Exception):
    """The grading ended early, as asked (`session.cut_short_when`): there is no report."""


class NoHiddenChecks(GraderError):
    """Grading was asked of an exercise that has no hidden checks (a student kit's, say)."""


def require_hidden_checks(exercise: Exercise) -> None:
    """Refuse to grade an exercise on all its checks when it has only public ones.

    A kit's exercises have no hidden checks: grading against them silently gives
    a perfect file 8/10. A grade must either include the hidden checks or say
    that it does not (`grade(..., hidden=False)`, `--public-only`).
    """
    if not exercise.has_hidden_checks:
        raise NoHiddenChecks(
            f"{exercise.id} has no hidden checks in {exercise.root / 'checks'} (a student kit?); "
            "grade with the course's own exercises folder, or pass --public-only to grade on "
            "the public checks alone"
        )


class NotAFile(GraderError):
    """The path given as a submission is there, but is no regular file (a folder, a FIFO)."""


def require_file(path: Path) -> None:
    """`path` is a regular file to grade; else MissingFile or NotAFile, saying what it is."""
    kind = kind_of(path)
    if kind is not None:
        # A FIFO would block the grader's read forever; a folder is the wrong path given.
        raise NotAFile(f"{path} is {kind}, not a file: give the path of the submission file itself")
    if not path.is_file():
        raise MissingFile(f"no file at {path}")


def grade(
    exercise: Exercise,
    path: Path,
    *,
    hidden: bool = True,
    seed: int | None = None,
    attempts: int = 3,
    label: str | None = None,
    limits: Limits | None = None,
    isolation: Isolation | None = None,
    diagnose: bool = True,
    observe: bool = True,
    progress: Path | None = None,
) -> Report:
    """Run the exercise's checks (hidden ones too, unless `hidden` is false) on `path`.

    `limits` replaces the exercise's own sandbox limits (tests use short deadlines).
    `isolation` is what the submission runs under: the best this machine offers
    by default (callers that must refuse `none` choose with `isolation.choose`).
    Without `diagnose`, the child carries no instrumentation for diagnostics
    (`bench/instrumentation.py` measures what it costs); without `observe`,
    nothing of the child is observed from outside (`bench/observation.py`).
    With `progress`, the checks' results are written there as JSON lines, each
    as soon as it is known, for a caller that shows them live (the class server).
    """
    require_file(path)
    if path.suffix == notebook.SUFFIX:
        return _grade_notebook(
            exercise, path, hidden=hidden, seed=seed, attempts=attempts, label=label,
            limits=limits, isolation=isolation, diagnose=diagnose, observe=observe,
            progress=progress,
        )  # fmt: skip
    return _grade_module(
        exercise, path, hidden=hidden, seed=seed, attempts=attempts, label=label,
        limits=limits, isolation=isolation, diagnose=diagnose, observe=observe,
        progress=progress,
    )  # fmt: skip


def _grade_notebook(exercise: Exercise, path: Path, **options: Any) -> Report:
    """A notebook graded as the module its code cells make, its report in the notebook's terms.

    The seed comes from that module, not from the file: running the notebook
    again changes its outputs, never its draws, and a notebook grades like
    the `.py` file holding the same code.
    """
    try:
        module = notebook.convert(path.read_bytes())
    except notebook.Unreadable as error:
        return _grade_module(exercise, path, unusable=f"{path.name}: {error}", **options)
    with tempfile.TemporaryDirectory(prefix="grader-notebook-") as folder:
        made = Path(folder) / path.with_suffix(".py").name
        made.write_text(module.source, encoding="utf-8")
        label = options.pop("label", None) or str(path)
        report = _grade_module(exercise, made, label=label, **options)
    notebook.relabel(report, module, made=made.name, given=path.name)
    return report


def _grade_module(
    exercise: Exercise,
    path: Path,
    *,
    hidden: bool,
    seed: int | None,
    attempts: int,
    label: str | None,
    limits: Limits | None,
    isolation: Isolation | None,
    diagnose: bool,
    observe: bool,
    progress: Path | None = None,
    unusable: str | None = None,
) -> Report:
    """Grade a Python file (`unusable`: why it cannot be run at all, known beforehand)."""
    if seed is None:
        seed = derive_seed(exercise.id, path.read_bytes())
    started = now()
    chosen = isolation or best_isolation()
    report = Report(
        exercise=exercise.id, submission=label or str(path), max_score=exercise.points, seed=seed
    )
    report.public_only = not hidden
    unusable = unusable or unreadable(path, exercise.id)
    run = _run_checks(
        exercise,
        path,
        hidden=hidden,
        seed=seed,
        attempts=attempts,
        limits=limits or exercise.limits,
        isolation=chosen,
        diagnose=diagnose,
        observe=observe,
        collect_only=unusable is not None,
        progress=progress,
    )
    report.isolation = run.isolation.get("backend", str(chosen.backend))
    report.isolation_missing = list(run.isolation.get("missing", []))
    report.observation_missing = run.unobserved
    report.resources = _resources(limits or exercise.limits)
    import_problem = unusable or run.import_problem
    if import_problem is not None:
        report.status = ReportStatus.ERROR
        report.message = import_problem
        if not hidden:  # out of what `check` counts for a file that runs
            report.max_score = run.worth
    else:
        report.checks = run.checks
        total = sum(check.max_score for check in report.checks)
        if not hidden:
            report.max_score = total
        elif total != exercise.points:
            # A check set that does not add up is a broken exercise, never a score.
            raise GradingFailed(
                f"the checks of {exercise.id} are worth {total:g} points, but its "
                f"exercise.yaml says {exercise.points:g}"
            )
    if run.seed is not None:  # a prepared session's gate may have drawn anew
        report.seed = run.seed
    # A prepared session waited at its gate for the file: the grading began when it opened.
    report.duration = now() - max(started, session.opened() or started)
    return report


def _resources(limits: Limits) -> Resources:
    """How the checks' memory and processes were limited: per check where control groups serve."""
    where = cgroup.locate()
    if isinstance(where, str):
        return Resources(limits.memory_mb, limits.processes, "per process", where)
    return Resources(limits.memory_mb, limits.processes, str(where.version))


def unreadable(path: Path, exercise_id: str) -> str | None:
    """Why `path` cannot be imported as a submission at all, said so a student can fix it.

    Checked here, on the trusted side, because the child would only say that
    the import raised (an AssertionError for a `.txt` file, a bare codec error
    for a file saved as Latin-1 or UTF-16).
    """
    if path.suffix == notebook.SUFFIX:
        return None  # read as a notebook (`_grade_notebook`)
    if path.suffix != ".py":
        return (
            f"{path.name} is not a Python file: the grader imports your work as a module, "
            f"so it must be a file ending in .py or a notebook ending in .ipynb (save it as "
            f"{exercise_id}.py)"
        )
    data = path.read_bytes()
    cookie = ""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # a first line that is not UTF-8, or an unknown coding line
        encoding, cookie = "utf-8", str(error)
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        return (
            f"your file is not saved as {name} text: byte 0x{data[error.start]:02x} on line "
            f"{line} is not {name}; save the file as UTF-8 (in your editor: save with "
            "encoding, UTF-8) and try again"
        )
    if cookie:
        return f"your file's coding line cannot be used ({cookie}); remove it and save as UTF-8"
    return None


def derive_seed(exercise_id: str, content: bytes) -> int:
    """The seed of a grading without --seed: a function of the exercise and the file's bytes.

    Regrading an unchanged file then draws the very same cases, so its grade
    cannot change by luck; any edit draws new ones, so nothing can be tuned
    to one draw.
    """
    import hashlib  # here: a command that never grades needs no OpenSSL

    digest = hashlib.sha256(exercise_id.encode() + b"\0" + content).digest()
    return int.from_bytes(digest[:4], "big")


def _run_checks(
    exercise: Exercise,
    path: Path,
    *,
    hidden: bool,
    seed: int,
    attempts: int,
    limits: Limits,
    isolation: Isolation,
    diagnose: bool = True,
    observe: bool = True,
    collect_only: bool = False,
    progress: Path | None = None,
) -> _Run:
    """The checks' results, or why the submission could not be imported at all.

    The third value is what the checks run are worth together, known even when
    none could run. With `collect_only` the checks are only collected, for that.
    """
    files = exercise.check_files(hidden=hidden)
    if not files:
        raise GradingFailed(f"exercise {exercise.id} has no checks in {exercise.root / 'checks'}")
    with tempfile.TemporaryDirectory(prefix="grader-run-") as scratch:
        results = progress or Path(scratch) / "results.jsonl"
        command = [sys.executable, "-m", "pytest", *map(str, files)]
        for plugin in _PLUGINS:
            command += ["-p", plugin]
        for plugin in _UNUSED:
            command += ["-p", f"no:{plugin}"]
        command += [
            "-c", str(_INI), "--rootdir", str(exercise.root), "-q", "--assert=plain",
            "--noconftest", "--import-mode=importlib", "--timeout=300",
            "--submission", str(path.absolute()), "--grader-results", str(results),
            "--grader-attempts", str(attempts), "--grader-limits", json.dumps(limits.to_dict()),
            "--grader-isolation", str(isolation.backend), "--grader-seed", str(seed),
        ]  # fmt: skip
        if not diagnose:
            command += ["--grader-no-diagnostics"]
        if not observe:
            command += ["--grader-no-observation"]
        if collect_only:
            command += ["--collect-only"]
        if session.available():
            # The zygote comes up while pytest starts and collects.
            from grader.sandbox import forkserver  # here: only a grading starts a zygote

            forkserver.shared(
                isolation, exercise.packages, diagnose=diagnose, observe=observe
            ).warm()
            # A Ctrl-C the session would swallow still ends the grading, after the check.
            with interruption.noting() as interrupts, session.cut_short_when(interrupts.pressed):
                code, printed = session.run([*command[3:]], exercise.root)
                interrupts.check()
            done = subprocess.CompletedProcess(command, code, printed, "")
            return _read_results(results, done, exercise, collect_only=collect_only)
        env = dict(os.environ)
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        env["COLUMNS"] = session.SESSION_COLUMNS
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        env.pop("PYTEST_ADDOPTS", None)
        budget = 60 + len(files) * 20 * attempts * limits.call_timeout
        try:
            done = subprocess.run(
                command, cwd=scratch, env=env, capture_output=True, text=True,
                timeout=budget, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise GradingFailed(
                f"the checks of {exercise.id} did not finish in {budget:g} s"
            ) from None
        return _read_results(results, done, exercise, collect_only=collect_only)


@dataclass
class _Run:
    """What a pytest run of the checks wrote: results or an import failure, worth, isolation."""

    checks: list[CheckResult]
    import_problem: str | None
    worth: float  # what the checks run are worth together, known even when none could run
    isolation: dict[str, Any]
    unobserved: list[str] | None  # what could not be observed of the submission, and why
    seed: int | None = None  # the seed the cases were drawn from, as the session last said


def _read_results(
    results: Path,
    done: subprocess.CompletedProcess[str],
    exercise: Exercise,
    *,
    collect_only: bool = False,
) -> _Run:
    records: list[dict[str, Any]] = []
    if results.exists():
        records = [json.loads(line) for line in results.read_text().splitlines() if line]
    where: dict[str, Any] = next((r["isolation"] for r in records if "isolation" in r), {})
    noted = [r["observation_missing"] for r in records if "observation_missing" in r]
    unobserved = sorted({str(m) for note in noted for m in note}) if noted else None
    if any(r.get("interrupted") for r in records):
        raise KeyboardInterrupt  # a Ctrl-C reached pytest, which ended the session early
    if any(r.get("cut_short") for r in records):
        raise CutShort
    seeds = [int(r["seed"]) for r in records if isinstance(r.get("seed"), int)]
    seed = seeds[-1] if seeds else None
    broken = next((r["broken"] for r in records if "broken" in r), None)
    if broken is not None:
        raise GradingFailed(f"the checks of {exercise.id} could not be run: {broken}")
    announced = next((r for r in records if "collected" in r), None)
    worth = float(sum(announced.get("points", []))) if announced is not None else exercise.points
    import_failed = next((r["import_failed"] for r in records if "import_failed" in r), None)
    if import_failed is not None:
        return _Run([], str(import_failed), worth, where, unobserved, seed)
    collected = announced["collected"] if announced is not None else None
    checks = [CheckResult.from_dict(r["check"]) for r in records if "check" in r]
    if collected is None or (len(checks) != len(collected) and not collect_only):
        tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-6:])
        raise GradingFailed(f"the checks of {exercise.id} could not be run: {tail}")
    return _Run(checks, None, worth, where, unobserved, seed)
