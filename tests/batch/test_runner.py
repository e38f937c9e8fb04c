"""Batch grading a class: same grades as one by one, nothing lost, any executor.

The end-to-end tests grade the example class for real and compare grades, never
times: its submissions' verdicts are robust (right, broken, or wrong by far).
The rest replace `grade` with a quick fake to test the batch's own logic.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.batch import classroom, executors
from grader.batch import runner as batch
from grader.cli import cli
from grader.course import catalog
from grader.errors import BadClass, MissingFile, UnknownExercise
from grader.grading.report import CheckResult, CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import classpage, gradebook, summary
from tests.support import (
    DATA,
    EXERCISES,
    REPO,
    FakeGrader,
    grade_file,
    leftovers,
    small_class,
    touch,
)

CLASS = REPO / "examples" / "class"
EXERCISE_IDS = ["count-sync", "count-async"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def run_batch(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m grader batch ...` in a process of its own, as a teacher runs it."""
    return subprocess.run(
        [sys.executable, "-m", "grader", "batch", *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
    )  # fmt: skip


def class_files() -> list[tuple[str, str, Path]]:
    """(student, exercise, file) for every submission of the example class."""
    found = []
    for file in sorted(CLASS.glob("*/*.py")):
        found.append((file.parent.name, file.stem.replace("_", "-"), file))
    return found


@pytest.fixture(scope="module")
def alone() -> dict[tuple[str, str], float]:
    """Each file of the example class graded by itself, one after another."""
    return {(s, e): grade_file(e, f).score for s, e, f in class_files()}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example class batch-graded in one go; its output folder."""
    out = tmp_path_factory.mktemp("uninterrupted")
    done = run_batch(str(CLASS), "--out", str(out), "--workers", "3")
    assert done.returncode == 0, done.stderr + done.stdout
    return out


# -- the example class, for real ---------------------------------------------------------


def test_batch_grades_equal_each_file_graded_alone(
    uninterrupted: Path, alone: dict[tuple[str, str], float]
) -> None:
    rows = {row["student"]: row for row in read_csv(uninterrupted / "grades.csv")}
    assert list(rows) == ["alice", "bob", "carol", "dave", "erin", "frank"]
    assert list(rows["alice"]) == ["student", *EXERCISE_IDS, "total"]
    for student, row in rows.items():
        total = 0.0
        for exercise in EXERCISE_IDS:
            if (student, exercise) in alone:
                assert float(row[exercise]) == alone[(student, exercise)], (student, exercise)
                total += alone[(student, exercise)]
            else:
                assert row[exercise] == "missing", (student, exercise)
        assert float(row["total"]) == total, student
    assert rows["dave"]["count-async"] == "missing" and rows["frank"]["count-sync"] == "missing"


def test_batch_writes_each_report_as_grade_prints_it(uninterrupted: Path) -> None:
    reports = sorted(p.relative_to(uninterrupted).as_posix() for p in uninterrupted.glob("*/*"))
    expected = sorted(f"{s}/{e}.{x}" for s, e, _ in class_files() for x in ("json", "html"))
    students = sorted(f"{s}/index.html" for s in {s for s, _, _ in class_files()})
    # erin's count_sync.py is stored as count-sync.json; each student has a page of scores
    assert reports == sorted(expected + students)
    index = (uninterrupted / "index.html").read_text(encoding="utf-8")
    for student, exercise, _ in class_files():
        assert f'href="{student}/{exercise}.html"' in index
        page = (uninterrupted / student / f"{exercise}.html").read_text(encoding="utf-8")
        stored = json.loads((uninterrupted / student / f"{exercise}.json").read_text())
        assert f"<title>{exercise}: {stored['submission']}</title>" in page
        assert f'<p class="score">{stored["score"]:g} / {stored["max_score"]:g}</p>' in page
    erin = json.loads((uninterrupted / "erin" / "count-sync.json").read_text())
    assert Report.from_dict(erin).to_dict() == erin
    assert erin["submission"] == "erin/count_sync.py" and erin["status"] == "graded"
    dave = json.loads((uninterrupted / "dave" / "count-sync.json").read_text())
    assert dave["status"] == "error" and "syntax" in dave["message"]
    assert not list(uninterrupted.glob("**/.grader-tmp-*")), "temporary files left behind"


def test_kill_9_then_resume_ends_with_the_uninterrupted_grades(
    tmp_path: Path, uninterrupted: Path
) -> None:
    out = tmp_path / "results"
    command = [sys.executable, "-m", "grader", "batch", str(CLASS), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--quiet"],
        cwd=REPO, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while len(list(out.glob("*/*.json"))) < 2:
            assert process.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "no report was written in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        # Its workers (process groups of their own) are orphans now, and ours (conftest.py):
        # stop them too, so that they take no CPU from the batch resumed below.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        for pid in leftovers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert not (out / "grades.csv").exists(), "the batch finished before it was killed"
    kept = {p: p.stat().st_mtime_ns for p in out.glob("*/*.json")}
    assert kept and all(gradebook.read_report(p) is not None for p in kept)

    resumed = run_batch(str(CLASS), "--out", str(out), "--workers", "3", "--resume")
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert f"{len(kept)} already graded" in resumed.stdout
    assert {p: p.stat().st_mtime_ns for p in kept} == kept, "a finished report was graded again"
    assert read_csv(out / "grades.csv") == read_csv(uninterrupted / "grades.csv")
    assert not list(out.glob("**/.grader-tmp-*"))


def test_dask_cluster_gives_the_same_grades(
    tmp_path: Path, alone: dict[tuple[str, str], float]
) -> None:
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    # A small class: alice (right), dave (a syntax error), erin (an exit at import, a right
    # one), and mallory, whose count-async kills the process that runs it.
    small = tmp_path / "class"
    for student in ("alice", "dave", "erin"):
        shutil.copytree(CLASS / student, small / student)
    (small / "mallory").mkdir()
    shutil.copy(DATA / "misbehaving" / "kill_parent.py", small / "mallory" / "count-async.py")
    out = tmp_path / "results"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        done = run_batch(str(small), "--out", str(out), "--scheduler", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr + done.stdout
    rows = {row["student"]: row for row in read_csv(out / "grades.csv")}
    assert rows.pop("mallory") == {
        "student": "mallory", "count-sync": "missing", "count-async": "0", "total": "0",
    }  # fmt: skip
    assert list(rows) == ["alice", "dave", "erin"]
    for student, row in rows.items():
        for exercise in EXERCISE_IDS:
            if (student, exercise) in alone:
                assert float(row[exercise]) == alone[(student, exercise)], (student, exercise)
            else:
                assert row[exercise] == "missing"


def test_the_job_is_plain_data_in_and_a_record_out() -> None:
    """What a cluster needs: a top-level function, picklable, taking plain data.

    Its answer is a typed record that pickles (dask) and crosses a worker's pipe
    as JSON (local workers) unchanged.
    """
    import pickle

    assert pickle.loads(pickle.dumps(batch.grade_job)) is batch.grade_job
    file = CLASS / "dave" / "count-sync.py"
    outcome = batch.grade_job(str(EXERCISES), "count-sync", str(file), "dave/count-sync.py")
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    crossed = batch.Graded.from_dict(json.loads(json.dumps(outcome.to_dict())))
    assert crossed.to_dict() == outcome.to_dict()
    assert outcome.report.status is ReportStatus.ERROR
    assert (outcome.timing, outcome.timing_only, outcome.inconclusive) == (False, False, False)


# -- the class folder ----------------------------------------------------------------------


@pytest.fixture
def exercises() -> list[catalog.Exercise]:
    return catalog.catalog(EXERCISES)


def test_scan_finds_students_and_their_files(
    tmp_path: Path, exercises: list[catalog.Exercise]
) -> None:
    touch(tmp_path / "ann" / "count-async.py")
    touch(tmp_path / "ann" / "count_async.py")  # the id's own spelling wins
    touch(tmp_path / "ann" / "notes.txt")
    touch(tmp_path / "ann" / ".hidden.py")
    touch(tmp_path / "ann" / "__pycache__" / "x.pyc")
    touch(tmp_path / "ben" / "count_sync.py")
    touch(tmp_path / "cat" / "readme.md")  # a student who handed nothing in
    touch(tmp_path / ".git" / "count-sync.py")
    touch(tmp_path / "results" / "ann" / "count-sync.json")  # the output folder, in the class
    touch(tmp_path / "results" / classroom.OUT_MARKER)  # made by a batch
    touch(tmp_path / "stray.py")
    room = classroom.scan(tmp_path, exercises, skip=tmp_path / "results")
    assert room.students == ["ann", "ben", "cat"]
    assert [e.id for e in room.exercises] == ["count-sync", "count-async"]
    assert [(j.student, j.exercise, j.path.name) for j in room.jobs] == [
        ("ann", "count-async", "count-async.py"),
        ("ben", "count-sync", "count_sync.py"),
    ]
    assert {i.path for i in room.ignored} == {
        "ann/count_async.py", "ann/notes.txt", "cat/readme.md", "stray.py",
    }  # fmt: skip


def test_scan_leaves_out_an_earlier_batchs_output(
    tmp_path: Path, exercises: list[catalog.Exercise]
) -> None:
    touch(tmp_path / "ann" / "count-async.py")
    touch(tmp_path / "results" / "grades.csv")  # last week's --out, kept in the class
    touch(tmp_path / "results" / "ann" / "count-async.json")
    touch(tmp_path / "cut-short" / classroom.OUT_MARKER)  # a batch stopped before its grades
    touch(tmp_path / "cut-short" / "ann" / "count-async.json")
    touch(tmp_path / "grades.csv" / "count-async.py")  # a student's folder, oddly named
    room = classroom.scan(tmp_path, exercises)
    assert room.students == ["ann", "grades.csv"]
    assert [(i.path, i.reason) for i in room.ignored] == [
        ("cut-short", "an earlier batch's output, not a student"),
        ("results", "an earlier batch's output, not a student"),
    ]


def test_scan_grades_no_link_out_of_a_students_folder(
    tmp_path: Path, exercises: list[catalog.Exercise]
) -> None:
    """A link handed in would have a classmate's file, or a solution, graded (and printed)."""
    touch(tmp_path / "ann" / "count-async.py", "ann's own work")
    touch(tmp_path / "ann" / "drafts" / "sync.py", "ann's draft")
    (tmp_path / "ann" / "count-sync.py").symlink_to("drafts/sync.py")  # her own: graded
    touch(tmp_path / "ben" / "notes.txt")
    (tmp_path / "ben" / "count-async.py").symlink_to("../ann/count-async.py")
    (tmp_path / "ben" / "count-sync.py").symlink_to(REPO / "solutions" / "count-sync.py")
    room = classroom.scan(tmp_path, exercises)
    assert [j.label for j in room.jobs] == ["ann/count-async.py", "ann/count-sync.py"]
    outside = [i.path for i in room.ignored if i.reason == "a link to a file outside ben's folder"]
    assert outside == ["ben/count-async.py", "ben/count-sync.py"]


def test_scan_takes_no_linked_folder_for_a_student(
    tmp_path: Path, exercises: list[catalog.Exercise]
) -> None:
    """A folder linked to a classmate's, or to the solutions, would be graded as a student."""
    touch(tmp_path / "ann" / "count-async.py", "ann's own work")
    (tmp_path / "mallory").symlink_to("ann")
    (tmp_path / "zed").symlink_to(REPO / "solutions")
    room = classroom.scan(tmp_path, exercises)
    assert room.students == ["ann"] and [j.label for j in room.jobs] == ["ann/count-async.py"]
    assert [(i.path, i.reason) for i in room.ignored] == [
        ("mallory", "a link, not a student's folder"),
        ("zed", "a link, not a student's folder"),
    ]


@pytest.mark.parametrize(
    ("name", "says"),
    [(b"caf\xe9", "caf\\xe9"), (b"mallory\x1b[2K\rgraded 9 of 9", "mallory\\x1b[2K\\rgraded"),
     ("x\u202ey".encode(), "x\\u202ey")],
    ids=["latin-1", "terminal-escape", "bidi-override"],
)  # fmt: skip
def test_scan_refuses_a_student_name_no_page_can_show(
    tmp_path: Path, exercises: list[catalog.Exercise], name: bytes, says: str
) -> None:
    folder = os.path.join(os.fsencode(tmp_path), name)
    os.mkdir(folder)
    Path(os.fsdecode(folder), "count-async.py").write_text("x")
    with pytest.raises(BadClass, match=re.escape(f"the student folder {says}")):
        classroom.scan(tmp_path, exercises)


def test_scan_takes_names_in_every_script(
    tmp_path: Path, exercises: list[catalog.Exercise]
) -> None:
    names = ["José Núñez", "نیک\u200cنام", "李华", "O'Brien, Ann"]  # with a joiner, as in Persian
    for name in names:
        touch(tmp_path / name / "count-async.py")
    touch(tmp_path / "ann" / "notes\n\x1b[31mNOT GRADED.txt")  # a file's name is only shown
    room = classroom.scan(tmp_path, exercises)
    assert sorted(room.students) == sorted([*names, "ann"])
    assert [i.path for i in room.ignored] == ["ann/notes\\n\\x1b[31mNOT GRADED.txt"]


def test_scan_only_some_exercises(tmp_path: Path, exercises: list[catalog.Exercise]) -> None:
    touch(tmp_path / "ann" / "count-async.py")
    touch(tmp_path / "ann" / "count-sync.py")
    room = classroom.scan(tmp_path, exercises, only=["count-async"])
    assert [e.id for e in room.exercises] == ["count-async"]
    assert [j.exercise for j in room.jobs] == ["count-async"]
    assert [i.reason for i in room.ignored] == ["exercise not chosen"]
    with pytest.raises(UnknownExercise):
        classroom.scan(tmp_path, exercises, only=["nope"])


def test_scan_refuses_a_folder_without_submissions(
    tmp_path: Path, exercises: list[catalog.Exercise]
) -> None:
    with pytest.raises(MissingFile):
        classroom.scan(tmp_path / "absent", exercises)
    touch(tmp_path / "ann" / "notes.txt")
    with pytest.raises(MissingFile, match="no submissions"):
        classroom.scan(tmp_path, exercises)


# -- the batch's logic, with a fake grade --------------------------------------------------


def grade_class(
    class_dir: Path, out: Path, *, resume: bool = False, workers: int = 4
) -> tuple[batch.BatchResult, list[batch.Progress]]:
    room = classroom.scan(class_dir, catalog.catalog(EXERCISES))
    seen: list[batch.Progress] = []
    with ThreadPoolExecutor(workers) as pool:
        result = batch.run(room, out, EXERCISES, pool, resume=resume, progress=seen.append)
    return result, seen


def test_timing_failures_are_graded_again_alone(tmp_path: Path, fake: FakeGrader) -> None:
    result, _ = grade_class(small_class(tmp_path / "class"), tmp_path / "out")
    assert result.regraded_alone == ["ben/count-async.py"]
    regrades = [others for label, others in fake.calls if label == "ben/count-async.py"]
    assert len(regrades) == 2 and regrades[1] == 0, "the second grading did not run alone"
    assert fake.calls[-1][0] == "ben/count-async.py", "something ran after the re-grading"
    stored = json.loads((tmp_path / "out" / "ben" / "count-async.json").read_text())
    assert stored["score"] == 10 and stored["message"] == batch.REGRADED_ONLY_TIMING
    assert max(others for _, others in fake.calls) > 0, "nothing was graded concurrently"


def test_an_inconclusive_check_is_graded_again_alone_and_named(
    tmp_path: Path, fake: FakeGrader
) -> None:
    """Also next to a real failure: load never settles a check's points."""
    room = small_class(tmp_path / "class")
    touch(room / "eve" / "count-async.py", "too-busy-to-time")
    result, _ = grade_class(room, tmp_path / "out")
    assert sorted(result.regraded_alone) == ["ben/count-async.py", "eve/count-async.py"]
    assert result.inconclusive == ["eve/count-async.py"]
    said = summary.render_summary(result)
    assert "INCONCLUSIVE 1 submission, graded alone too" in said and "eve/count-async.py" in said


def test_an_earlier_batch_into_the_class_folder_is_no_student_of_the_next(
    tmp_path: Path, fake: FakeGrader
) -> None:
    class_dir = small_class(tmp_path / "class")
    grade_class(class_dir, class_dir / "week-1")
    (class_dir / "week-1" / "grades.csv").unlink()  # as if it had been cut short
    result, _ = grade_class(class_dir, tmp_path / "out")
    assert result.classroom.students == ["ann", "ben", "cat", "dan", "eve"]
    assert [i.path for i in result.classroom.ignored] == ["week-1"]


def test_a_grader_error_costs_only_that_submission(tmp_path: Path, fake: FakeGrader) -> None:
    result, _ = grade_class(small_class(tmp_path / "class"), tmp_path / "out")
    cat = json.loads((tmp_path / "out" / "cat" / "count-async.json").read_text())
    assert cat["status"] == "error" and cat["score"] == 0
    assert "could not grade this file: the checks did not finish" in cat["message"]
    rows = {row["student"]: row for row in read_csv(tmp_path / "out" / "grades.csv")}
    assert rows["cat"] == {"student": "cat", "count-sync": "10", "count-async": "0", "total": "10"}
    assert rows["ann"]["count-async"] == "missing" and rows["ann"]["total"] == "10"
    assert not result.unfinished


def test_a_lost_job_is_not_recorded_and_resume_grades_it(tmp_path: Path, fake: FakeGrader) -> None:
    class_dir = small_class(tmp_path / "class")
    touch(class_dir / "eve" / "count-async.py", "crash-the-worker")
    result, _ = grade_class(class_dir, tmp_path / "out")
    assert [u.label for u in result.unfinished] == ["eve/count-async.py"]
    assert not (tmp_path / "out" / "eve" / "count-async.json").exists()
    assert read_csv(tmp_path / "out" / "grades.csv")[-1]["count-async"] == "not graded"
    assert "--resume" in summary.render_summary(result)

    touch(class_dir / "eve" / "count-async.py", "right")
    fake.calls.clear()
    result, _ = grade_class(class_dir, tmp_path / "out", resume=True)
    assert [label for label, _ in fake.calls] == ["eve/count-async.py"]
    assert result.resumed == 8 and result.graded == 1 and not result.unfinished


def test_resume_skips_only_reports_that_parse(tmp_path: Path, fake: FakeGrader) -> None:
    class_dir = small_class(tmp_path / "class")
    grade_class(class_dir, tmp_path / "out")
    (tmp_path / "out" / "ann" / "count-sync.json").write_text("{not json")
    touch(tmp_path / "out" / "ann" / f"{gradebook.TEMP_PREFIX}x.tmp", "half a report")
    fake.calls.clear()
    grade_class(class_dir, tmp_path / "out", resume=True)
    assert [label for label, _ in fake.calls] == ["ann/count-sync.py"]  # it did not parse
    assert not list((tmp_path / "out").glob("**/.grader-tmp-*"))
    fake.calls.clear()
    grade_class(class_dir, tmp_path / "out")
    assert len(fake.calls) == 8  # every file (ben's passes now: no second grading)


def test_the_batch_writes_a_page_per_report_and_the_class_page(
    tmp_path: Path, fake: FakeGrader
) -> None:
    class_dir, out = small_class(tmp_path / "class"), tmp_path / "out"
    result, _ = grade_class(class_dir, out)
    assert result.index_html == out / "index.html"
    stored = sorted(p.relative_to(out).with_suffix("").as_posix() for p in out.glob("*/*.json"))
    pages = sorted(
        p.relative_to(out).with_suffix("").as_posix()
        for p in out.glob("*/*.html")
        if p.name != classpage.INDEX  # each student's page of scores
    )
    assert pages == stored and len(pages) == 8
    assert sorted(p.parent.name for p in out.glob(f"*/{classpage.INDEX}")) == [
        "ann", "ben", "cat", "dan", "eve",
    ]  # fmt: skip
    ben = (out / "ben" / "count-async.html").read_text()
    assert batch.REGRADED_ONLY_TIMING in ben  # the page shows the final, re-graded report
    index = result.index_html.read_text()
    assert all(f'href="{page}.html"' in index for page in pages)
    assert "could not be run" in index  # cat's grader error
    assert "wrote " + str(result.index_html) in summary.render_summary(result)

    # Resumed: a report's page that is missing is written; the others are left alone.
    (out / "ann" / "count-sync.html").unlink()
    kept = (out / "dan" / "count-sync.html").stat().st_mtime_ns
    fake.calls.clear()
    grade_class(class_dir, out, resume=True)
    assert fake.calls == []
    assert (
        "<title>count-sync: ann/count-sync.py</title>"
        in (out / "ann" / "count-sync.html").read_text()
    )
    assert (out / "dan" / "count-sync.html").stat().st_mtime_ns == kept

    # Graded again and lost: a page never outlives its report.
    touch(class_dir / "dan" / "count-sync.py", "crash-the-worker")
    result, _ = grade_class(class_dir, out)
    assert [u.label for u in result.unfinished] == ["dan/count-sync.py"]
    assert not (out / "dan" / "count-sync.json").exists()
    assert not (out / "dan" / "count-sync.html").exists()
    assert 'href="dan/count-sync.html"' not in result.index_html.read_text()
    assert not list(out.glob("**/.grader-tmp-*"))


def test_progress_counts_files_and_students(tmp_path: Path, fake: FakeGrader) -> None:
    _, seen = grade_class(small_class(tmp_path / "class"), tmp_path / "out")
    assert seen[0] == batch.Progress(
        total=8, done=0, students=5, students_done=0, failed=0, current=""
    )
    assert [p.done for p in seen if not p.current] == list(range(9))
    assert any(p.current == "ben/count-async.py" for p in seen)
    last = seen[-1]
    assert (last.done, last.students_done, last.failed) == (8, 5, 1)  # cat's error


def test_cli_batch_summary_quiet_and_errors(
    tmp_path: Path, fake: FakeGrader, monkeypatch: pytest.MonkeyPatch
) -> None:
    class_dir = small_class(tmp_path / "class")
    touch(class_dir / "ann" / "notes.txt")
    out = tmp_path / "out"
    shown = CliRunner().invoke(cli, ["batch", str(class_dir), "--out", str(out), "--workers", "2"])
    assert shown.exit_code == 0, shown.output
    assert "graded 8 of 8 submissions from 5 students" in shown.output
    assert "count-async      mean 6.67/10 over 3 submissions" in shown.output
    assert "ann/notes.txt: matches no exercise" in shown.output
    assert "re-graded alone" in shown.output and "ben/count-async.py" in shown.output
    quiet = CliRunner().invoke(cli, ["batch", str(class_dir), "--out", str(out), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""

    missing = CliRunner().invoke(cli, ["batch", str(tmp_path / "nope"), "--out", str(out)])
    assert missing.exit_code == 2 and missing.output.strip().count("\n") == 0
    assert missing.output.startswith("Error: no class folder at")

    real_import = importlib.import_module

    def no_dask(name: str, *args: Any) -> Any:
        if name == "distributed":
            raise ImportError(name)
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_dask)
    dask = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(out), "--scheduler", "tcp://localhost:1"]
    )
    assert dask.exit_code == 2 and dask.output.strip().count("\n") == 0, dask.output
    assert "pip install 'asyncio-grader[dask]'" in dask.output


# -- the gradebook -------------------------------------------------------------------------


def test_gradebook_reads_reports_and_marks_what_is_missing(tmp_path: Path) -> None:
    def store(student: str, exercise: str, score: float, status: ReportStatus) -> None:
        check = CheckResult("c", CheckStatus.PASSED, score, 10, Visibility.PUBLIC)
        report = Report(exercise, f"{student}/{exercise}.py", 10, status=status, checks=[check])
        gradebook.write_report(gradebook.report_path(tmp_path, student, exercise), report)

    store("ann", "a", 7.5, ReportStatus.GRADED)
    store("ann", "b", 3, ReportStatus.ERROR)
    store("ben", "a", 10, ReportStatus.GRADED)
    store("gone", "a", 10, ReportStatus.GRADED)  # handed in no more: not counted
    book = gradebook.build(
        tmp_path, ["ann", "ben"], {"a": 10, "b": 10}, [("ann", "a"), ("ann", "b"), ("ben", "a")]
    )
    assert book.to_csv() == "student,a,b,total\nann,7.5,0,7.5\nben,10,missing,10\n"
    assert book.mean("a") == 8.75 and book.mean("b") == 0
    assert gradebook.read_report(tmp_path / "nobody.json") is None
    (tmp_path / "broken.json").write_text('{"exercise": "a"')
    assert gradebook.read_report(tmp_path / "broken.json") is None
    (tmp_path / "other.json").write_text("[1, 2]")
    assert gradebook.read_report(tmp_path / "other.json") is None
    assert not list(tmp_path.glob("**/.grader-tmp-*"))


def test_default_workers_is_four_per_core_of_this_process() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert executors.cores() == cores
    assert executors.default_workers() == max(4, 4 * (cores or 1))
