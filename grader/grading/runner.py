"""Grading one submission against one exercise: the core the commands call.

The checks run in a pytest process of their own (trusted code only), which
starts a sandboxed child for the submission in each check. Results come back
as JSON lines in a file, each written as soon as its check is done.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from grader.clock import now
from grader.course.catalog import Exercise
from grader.errors import GradingFailed, MissingFile
from grader.grading.report import CheckResult, Report, ReportStatus
from grader.sandbox import Limits

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


def grade(
    exercise: Exercise,
    path: Path,
    *,
    hidden: bool = True,
    seed: int | None = None,
    attempts: int = 3,
    label: str | None = None,
    limits: Limits | None = None,
) -> Report:
    """Run the exercise's checks (hidden ones too, unless `hidden` is false) on `path`.

    `limits` replaces the exercise's own sandbox limits (tests use short deadlines).
    """
    if not path.is_file():
        raise MissingFile(f"no file at {path}")
    if seed is None:
        seed = derive_seed(exercise.id, path.read_bytes())
    started = now()
    report = Report(
        exercise=exercise.id, submission=label or str(path), max_score=exercise.points, seed=seed
    )
    checks, import_problem = _run_checks(
        exercise,
        path,
        hidden=hidden,
        seed=seed,
        attempts=attempts,
        limits=limits or exercise.limits,
    )
    if import_problem is not None:
        report.status = ReportStatus.ERROR
        report.message = import_problem
    else:
        report.checks = checks
        if not hidden:
            report.max_score = sum(check.max_score for check in report.checks)
    report.duration = now() - started
    return report


def derive_seed(exercise_id: str, content: bytes) -> int:
    """The seed of a grading without --seed: a function of the exercise and the file's bytes.

    Regrading an unchanged file then draws the very same cases, so its grade
    cannot change by luck; any edit draws new ones, so nothing can be tuned
    to one draw.
    """
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
) -> tuple[list[CheckResult], str | None]:
    """The checks' results, or why the submission could not be imported at all."""
    files = exercise.check_files(hidden=hidden)
    if not files:
        raise GradingFailed(f"exercise {exercise.id} has no checks in {exercise.root / 'checks'}")
    with tempfile.TemporaryDirectory(prefix="grader-run-") as scratch:
        results = Path(scratch) / "results.jsonl"
        command = [sys.executable, "-m", "pytest", *map(str, files)]
        for plugin in _PLUGINS:
            command += ["-p", plugin]
        for plugin in _UNUSED:
            command += ["-p", f"no:{plugin}"]
        command += [
            "-c", str(_INI), "--rootdir", str(exercise.root), "-q", "--assert=plain",
            "--import-mode=importlib", "--timeout=300",
            "--submission", str(path.resolve()), "--grader-results", str(results),
            "--grader-attempts", str(attempts), "--grader-limits", json.dumps(limits.to_dict()),
            "--grader-seed", str(seed),
        ]  # fmt: skip
        env = dict(os.environ)
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
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
        return _read_results(results, done, exercise)


def _read_results(
    results: Path, done: subprocess.CompletedProcess[str], exercise: Exercise
) -> tuple[list[CheckResult], str | None]:
    records: list[dict[str, Any]] = []
    if results.exists():
        records = [json.loads(line) for line in results.read_text().splitlines() if line]
    import_failed = next((r["import_failed"] for r in records if "import_failed" in r), None)
    if import_failed is not None:
        return [], str(import_failed)
    collected = next((r["collected"] for r in records if "collected" in r), None)
    checks = [CheckResult.from_dict(r["check"]) for r in records if "check" in r]
    if collected is None or len(checks) != len(collected):
        tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-6:])
        raise GradingFailed(f"the checks of {exercise.id} could not be run: {tail}")
    return checks, None
