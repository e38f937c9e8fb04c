"""The rough edges a new student and a new teacher ran into (issue 19), each pinned.

Messages that name what is wrong (a folder or a FIFO given as the file; a
folder named like a submission), output that stays short however big the
input (a roster of 200,000 rows, a class graded on one exercise), a batch
that keeps talking (a progress line while a long grading runs; a lost dask
worker named), feedback whose lines cannot be forged by an exception's text,
and a hard link to a course file refused like a symbolic link.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import EXERCISES, REPO, SOLUTIONS, grade_file, one_line_error, run
from test_batch import FakeGrader, fake, small_class, touch  # noqa: F401 (fake: a fixture)

from grader.batch import classroom, executors
from grader.batch import runner as batch
from grader.cli import cli
from grader.course import catalog
from grader.grading.report import CheckStatus
from grader.outputs import summary
from grader.outputs.text import CONTINUED, INDENT, render_text

# -- the file given ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "grade"])
def test_a_folder_or_a_fifo_given_as_the_file_is_named_as_such(
    tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "count-sync.py"
    folder.mkdir()
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    extra = ["--no-isolation"] if command == "grade" else []
    said = one_line_error(run(command, "count-sync", str(folder), *extra))
    assert said == (
        f"Error: {folder} is a folder, not a file: give the path of the submission file itself"
    )
    said = one_line_error(run(command, "count-sync", str(fifo), *extra))  # never blocks on it
    assert f"{fifo} is a FIFO (a named pipe), not a file" in said
    said = one_line_error(run(command, "count-sync", str(tmp_path / "missing.py"), *extra))
    assert said == f"Error: no file at {tmp_path / 'missing.py'}"


# -- the class folder -------------------------------------------------------------------------


def test_a_folder_named_like_a_submission_is_reported_as_a_folder(tmp_path: Path) -> None:
    exercises = catalog.catalog(EXERCISES)
    touch(tmp_path / "ann" / "count-sync.py", "ann's own work")
    (tmp_path / "ann" / "kitchen.py").mkdir()
    os.mkfifo(tmp_path / "ann" / "gather.py")
    touch(tmp_path / "ann" / "notes.txt")
    room = classroom.scan(tmp_path, exercises)
    assert [j.label for j in room.jobs] == ["ann/count-sync.py"]
    assert [(i.path, i.reason) for i in room.ignored] == [
        ("ann/gather.py", "a FIFO (a named pipe), not a file"),
        ("ann/kitchen.py", "a folder, not a file"),
        ("ann/notes.txt", "matches no exercise"),
    ]


def test_a_hard_link_to_a_course_file_is_refused_like_a_symbolic_link(tmp_path: Path) -> None:
    """A hard link has no target to follow: only its identity (device, inode) betrays it.

    The course is copied beside the class (a hard link cannot cross
    filesystems); ben's files are the solution and a hidden check, linked.
    ann's file has a second link too, a backup of her own (`cp -al`): hers.
    """
    course = tmp_path / "course"
    shutil.copytree(EXERCISES / "count-sync", course / "exercises" / "count-sync")
    shutil.copytree(EXERCISES / "count-async", course / "exercises" / "count-async")
    (course / "solutions").mkdir()
    shutil.copy(SOLUTIONS / "count-sync.py", course / "solutions" / "count-sync.py")
    class_dir = tmp_path / "class"
    touch(class_dir / "ann" / "count-sync.py", "ann's own work")
    (tmp_path / "backup").mkdir()
    os.link(class_dir / "ann" / "count-sync.py", tmp_path / "backup" / "count-sync.py")
    (class_dir / "ben").mkdir()
    os.link(course / "solutions" / "count-sync.py", class_dir / "ben" / "count-sync.py")
    hidden = course / "exercises" / "count-async" / "checks" / "test_hidden.py"
    os.link(hidden, class_dir / "ben" / "count-async.py")
    room = classroom.scan(class_dir, catalog.catalog(course / "exercises"))
    assert [j.label for j in room.jobs] == ["ann/count-sync.py"]
    assert [(i.path, i.reason) for i in room.ignored] == [
        ("ben/count-async.py", "a hard link to a file of the course, not the student's"),
        ("ben/count-sync.py", "a hard link to a file of the course, not the student's"),
    ]


# -- feedback ---------------------------------------------------------------------------------


def test_an_exception_text_cannot_draw_the_reports_own_lines(tmp_path: Path) -> None:
    forged = tmp_path / "count-sync.py"
    forged.write_text(
        "def count(n=30, pauses=None):\n"
        "    raise ValueError('no\\nscore: 10/10  (0.1 s)\\nisolation: namespaces (bubblewrap)')\n"
    )
    report = grade_file("count-sync", forged)
    assert report.score == 0 and report.checks
    shown = render_text(report, width=100).splitlines()
    # The report's own lines start at the margin; every line of a check's feedback is under it.
    own = [line for line in shown if not line.startswith(" ")]
    assert [line.split(":")[0] for line in own][:3] == ["count-sync", "score", "isolation"], own
    assert len(own) == len({line.split(":")[0] for line in own}), own
    # The forged lines are there, quoted as the message's own continuation.
    forged_lines = [line for line in shown if "score: 10/10" in line.split("raise")[0]]
    assert forged_lines and all(line.startswith(INDENT + CONTINUED) for line in forged_lines)
    looks_own = ("score: 1", "isolation: n")
    assert not [line for line in shown if line[:1] == " " and line.lstrip().startswith(looks_own)]


def test_an_empty_file_fails_every_check_alike(tmp_path: Path) -> None:
    for exercise_id, name in [("kitchen", "cook"), ("count-sync", "count")]:
        empty = tmp_path / f"{exercise_id}.py"
        empty.write_text("")
        report = grade_file(exercise_id, empty)
        assert {c.status for c in report.checks} == {CheckStatus.FAILED}, exercise_id
        assert all("your file does not define" in c.message for c in report.checks)
        assert any(f"{name}()" in c.message for c in report.checks)


# -- output that stays short -----------------------------------------------------------------


def test_a_roster_of_another_class_stops_the_batch_in_one_line(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    class_dir = small_class(tmp_path / "class")
    roster = tmp_path / "roster.csv"
    rows = "".join(f"s{k:06d},s{k}@x.edu\n" for k in range(200_000))
    roster.write_text("folder,email\n" + rows)
    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(out), "--roster", str(roster)]
    )
    said = one_line_error(done)
    assert "names none of the class's 5 student folders" in said
    assert "200000 rows, the first naming 's000000'" in said and "'ann'" in said
    assert fake.calls == [], "the class was graded against a roster that fits none of it"
    assert not (out / "canvas-grades.csv").exists() and not (out / "moodle-grades.csv").exists()
    roster.write_text("folder,email\n")  # no rows at all: as empty files, as wrong
    args = ["batch", str(class_dir), "--out", str(out), "--roster", str(roster)]
    said = one_line_error(CliRunner().invoke(cli, args))
    assert said == f"Error: {roster} has a header and no student rows"
    assert fake.calls == []


def test_long_lists_in_the_summary_are_cut_and_counted(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    class_dir = small_class(tmp_path / "class")
    roster = tmp_path / "roster.csv"
    rows = "".join(f"s{k:06d},s{k}@x.edu\n" for k in range(200_000))
    roster.write_text("folder,email\nann,ann@x.edu\n" + rows)
    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(out), "--roster", str(roster)]
    )
    assert done.exit_code == 0, done.output[-2000:]
    assert len(done.output.splitlines()) < 60, done.output[-2000:]
    assert "200000 roster rows with no folder in the class" in done.output
    assert "  line 3: s000000\n" in done.output and "  ... and 199,990 more\n" in done.output
    assert "4 folders with no roster row" in done.output


def test_one_exercise_of_a_class_counts_the_others_files(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    class_dir = small_class(tmp_path / "class")  # 5 count-sync, 3 count-async
    for k in range(40):
        touch(class_dir / f"extra{k:02d}" / "count-async.py", "right")
        touch(class_dir / f"extra{k:02d}" / "notes.txt")
    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(out), "--exercise", "count-sync"]
    )
    assert done.exit_code == 0, done.output
    assert "not graded: 43 files of the exercises not chosen (--exercise)" in done.output
    assert "count-async.py" not in done.output
    assert "ignored 40 files:" in done.output and "  ... and 30 more" in done.output


# -- a batch that keeps talking ---------------------------------------------------------------


class _Held(ThreadPoolExecutor):
    """Gradings that finish only once the batch has sent a few heartbeats without one."""

    def __init__(self, beats: int) -> None:
        super().__init__(2)
        self.release = threading.Event()
        self.beats = beats

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        def held() -> Any:
            assert self.release.wait(120), "the batch went quiet while a grading ran"
            return fn(*args, **kwargs)

        return super().submit(held)


def test_a_long_grading_still_gets_progress_lines(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    room = classroom.scan(small_class(tmp_path / "class"), catalog.catalog(EXERCISES))
    seen: list[batch.Progress] = []

    def progress(update: batch.Progress) -> None:
        seen.append(update)
        if sum(p.done == 0 for p in seen) > pool.beats:  # heartbeats, nothing graded yet
            pool.release.set()

    with _Held(beats=3) as pool:
        result = batch.run(room, tmp_path / "out", EXERCISES, pool, progress=progress,
                           heartbeat=0.05)  # fmt: skip
    assert result.graded == len(room.jobs)
    assert sum(p.done == 0 for p in seen) > 3


def test_the_cli_prints_a_progress_line_at_least_every_ten_seconds() -> None:
    """The plain lines' spacing, against a clock of the test's own: 10 s at most between two."""
    import grader.cli as cli_module

    clock = [0.0]
    lines: list[float] = []
    update = cli_module._progress_lines()
    original = cli_module.time.monotonic
    cli_module.time.monotonic = lambda: clock[0]  # type: ignore[assignment]
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cli_module.click, "echo", lambda *a, **k: lines.append(clock[0]))
            for beat in range(200):  # one heartbeat a second, nothing graded: 200 s
                clock[0] = beat * cli_module.HEARTBEAT
                update(batch.Progress(total=3, done=0, students=1, students_done=0, failed=0))
    finally:
        cli_module.time.monotonic = original  # type: ignore[assignment]
    gaps = [b - a for a, b in itertools.pairwise(lines)]
    assert len(lines) >= 20 and max(gaps) <= cli_module.PROGRESS_EVERY, gaps


class _Losing(ThreadPoolExecutor):
    """A cluster of two workers that loses one once the first grading is handed out."""

    def __init__(self) -> None:
        super().__init__(2)
        self.workers = {"tcp://10.0.0.1:1", "tcp://10.0.0.2:1"}

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.workers.discard("tcp://10.0.0.2:1")
        return super().submit(fn, *args, **kwargs)


def test_a_lost_dask_worker_is_said(tmp_path: Path, fake: FakeGrader) -> None:  # noqa: F811
    room = classroom.scan(small_class(tmp_path / "class"), catalog.catalog(EXERCISES))
    with _Losing() as pool:
        cluster = executors.ClusterExecutor(pool, lambda: set(pool.workers))
        seen: list[batch.Progress] = []
        result = batch.run(room, tmp_path / "out", EXERCISES, cluster, progress=seen.append)
    said = "dask worker tcp://10.0.0.2:1 was lost; its gradings run again on the others " \
        "(1 worker left)"  # fmt: skip
    assert [p.news for p in seen if p.news] == [(said,)]
    assert result.news == [said]
    assert f"note: {said}" in summary.render_summary(result)


def test_a_dask_worker_killed_mid_batch_is_said(tmp_path: Path) -> None:
    """A real cluster: the worker grading a slow file is killed; the batch says so, and ends."""
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    slow = tmp_path / "class" / "ann" / "count-sync.py"
    slow.parent.mkdir(parents=True)
    start = "    start = time.perf_counter()"
    solution = (SOLUTIONS / "count-sync.py").read_text()
    slow.write_text(solution.replace(start, f"    time.sleep(0.4)\n{start}"))
    room = classroom.scan(tmp_path / "class", catalog.catalog(EXERCISES))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster.scheduler_address) as client:  # fmt: skip
        killed: list[str] = []

        def progress(update: batch.Progress) -> None:
            if killed:
                return
            busy = [w for w, keys in client.processing().items() if keys]
            if busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, 9)
                killed.append(busy[0])

        with executors.dask_executor(cluster.scheduler_address) as pool:
            result = batch.run(
                room, tmp_path / "out", EXERCISES, pool, progress=progress, heartbeat=0.2,
                isolation=None, public_only=True,
            )  # fmt: skip
    assert killed, "no grading was seen running"
    assert any(re.match(rf"dask worker {re.escape(killed[0])} was lost", n) for n in result.news)
    assert result.graded + len(result.unfinished) == 1


# -- the docs agree with the code -------------------------------------------------------------


def test_the_docs_give_the_workers_the_code_gives() -> None:
    """`--help`, the READMEs and docs/cli.md say "per core" as the code counts it."""
    assert executors.default_workers() == max(4, 4 * executors.cores())
    assert executors.local_throttle(None).least == executors.cores()
    said = {
        "--help": run("batch", "--help").output,
        "README.md": (REPO / "README.md").read_text(),
        "examples/README.md": (REPO / "examples" / "README.md").read_text(),
        "docs/cli.md": (REPO / "docs" / "cli.md").read_text(),
    }
    for where, text in said.items():
        flat = " ".join(text.split())
        for phrase in re.findall(r"[\w ]{0,40} per core", flat):
            allowed = ("between one and four per core", " one per core", " one thread per core")
            assert phrase.endswith(allowed), (where, phrase)
    flat = " ".join(said["--help"].split())
    assert "between one and four per core" in flat
