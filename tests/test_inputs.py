"""Inputs a fuzzing pass found mishandled, each now a clear line, a right grade or a true message.

Bad input gets one line and exit 2 (never "failed unexpectedly"); a legal
but odd submission gets the grade its behaviour earns, and a message that
says what really happened.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import EXERCISES, REPO, SOLUTIONS, grade_file, one_line_error, run
from test_batch import FakeGrader, fake, small_class  # noqa: F401 (fake: a fixture)

from grader.batch import classroom
from grader.course import catalog
from grader.errors import BadOutput
from grader.sandbox import codec

# -- the grader's own settings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [("GRADER_SANDBOX_UIDS", "abc", "GRADER_SANDBOX_UIDS must be FIRST-LAST"),
     ("GRADER_SANDBOX_UIDS", "0-10", "GRADER_SANDBOX_UIDS '0-10' is out of range"),
     ("GRADER_SANDBOX_PYTHON", "/nonexistent/python", "is not a Python the sandbox can run"),
     ("GRADER_SANDBOX_PYTHON", "/bin/sh", "is not a Python the sandbox can run")],
    ids=["uids-text", "uids-zero", "python-missing", "python-not-python"],
)  # fmt: skip
def test_a_wrong_sandbox_setting_is_said_before_anything_is_graded(
    name: str, value: str, says: str
) -> None:
    """Not a 0 for every check of every file, blamed on the submission."""
    solution = str(SOLUTIONS / "count-async.py")
    for command in (["grade", "count-async", solution], ["check", "count-async", solution]):
        assert says in one_line_error(run(*command, env={name: value}))


@pytest.mark.parametrize("answer", ["[1]", "{}", '{"stdlib": 1}', "not json"])
def test_a_sandbox_python_that_answers_oddly_is_said_before_anything_is_graded(
    tmp_path: Path, answer: str
) -> None:
    fake_python = tmp_path / "python"
    fake_python.write_text(f"#!/bin/sh\necho '{answer}'\n")
    fake_python.chmod(0o755)
    solution = str(SOLUTIONS / "count-async.py")
    said = one_line_error(
        run("grade", "count-async", solution, env={"GRADER_SANDBOX_PYTHON": str(fake_python)})
    )
    assert "is not a Python the sandbox can run" in said


def test_verify_says_a_wrong_sandbox_setting_once_and_blames_no_exercise() -> None:
    said = one_line_error(run("verify", "count-async", env={"GRADER_SANDBOX_UIDS": "abc"}))
    assert said == "Error: GRADER_SANDBOX_UIDS must be FIRST-LAST (two numbers), not 'abc'"


# -- where a batch writes ----------------------------------------------------------------------


def test_out_may_not_be_the_class_folder_or_a_students(tmp_path: Path) -> None:
    room = small_class(tmp_path / "class")
    exercises = catalog.catalog(EXERCISES)
    with pytest.raises(BadOutput, match="is the class folder itself"):
        classroom.scan(room, exercises, skip=room)
    for inside in (room / "ann", room / "ann" / "results"):
        with pytest.raises(BadOutput, match="student folder ann"):
            classroom.scan(room, exercises, skip=inside)
    # A folder of its own in the class folder is fine: it is no student.
    found = classroom.scan(room, exercises, skip=room / "results")
    assert found.students == ["ann", "ben", "cat", "dan", "eve"]
    said = one_line_error(run("batch", str(room), "--out", str(room / "ann")))
    assert "student folder ann" in said


def test_out_in_the_class_folder_must_be_new_or_a_batchs_own(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    """A folder that came with the class could hold reports a student wrote, kept by --resume."""
    room = small_class(tmp_path / "class")
    planted = room / "results" / "ann"
    planted.mkdir(parents=True)
    (planted / "count-sync.json").write_text(json.dumps({"exercise": "count-sync"}))
    said = one_line_error(run("batch", str(room), "--out", str(room / "results"), "--resume"))
    assert "came with the class folder (no batch made it)" in said
    said = one_line_error(run("batch", str(room), "--out", str(room / "results" / "week-1")))
    assert "lies in the folder results of the class folder" in said
    assert fake.calls == []
    # A batch's own output, in the class folder, is resumed.
    out = room / "graded"
    assert run("batch", str(room), "--out", str(out), "--quiet").exit_code == 0
    graded = len(fake.calls)
    assert run("batch", str(room), "--out", str(out), "--quiet", "--resume").exit_code == 0
    assert len(fake.calls) == graded


def test_resume_grades_again_a_report_that_is_not_this_files(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    room = small_class(tmp_path / "class")
    out = tmp_path / "out"
    assert run("batch", str(room), "--out", str(out), "--quiet").exit_code == 0
    ann, ben = out / "ann" / "count-sync.json", out / "ben" / "count-sync.json"
    ann.write_text(ben.read_text().replace("ben/", "mallory/"))  # another file's report
    fake.calls.clear()
    assert run("batch", str(room), "--out", str(out), "--quiet", "--resume").exit_code == 0
    assert [label for label, _ in fake.calls] == ["ann/count-sync.py"]
    assert json.loads(ann.read_text())["submission"] == "ann/count-sync.py"


@pytest.mark.parametrize("name", ["grades.csv", "index.html", "canvas-grades.csv"])
def test_a_student_named_as_a_file_the_batch_writes_is_said_before_grading(
    tmp_path: Path,
    name: str,
    fake: FakeGrader,  # noqa: F811
) -> None:
    room = small_class(tmp_path / "class")
    (room / name).mkdir()
    (room / name / "count-sync.py").write_text("right")
    said = one_line_error(run("batch", str(room), "--out", str(tmp_path / "out"), "--quiet"))
    assert f"the student folder {name} has the name of a file the batch writes" in said
    assert fake.calls == []


def test_a_link_where_a_students_reports_belong_is_said_before_grading(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    """The reports would be written wherever it points."""
    room = small_class(tmp_path / "class")
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "ann").symlink_to(tmp_path / "elsewhere")
    said = one_line_error(run("batch", str(room), "--out", str(out), "--quiet"))
    assert "ann is a link where ann's reports belong" in said
    assert fake.calls == [] and not any((tmp_path / "elsewhere").iterdir())


def test_a_student_name_no_page_can_show_is_one_line(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    room = small_class(tmp_path / "class")
    folder = os.path.join(os.fsencode(room), b"caf\xe9")
    os.mkdir(folder)
    Path(os.fsdecode(folder), "count-sync.py").write_text("right")
    said = one_line_error(run("batch", str(room), "--out", str(tmp_path / "out"), "--quiet"))
    assert "the student folder caf\\xe9 has a name that is not printable UTF-8 text" in said


def test_out_that_cannot_hold_files_is_said_before_grading(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeGrader,  # noqa: F811
) -> None:
    room = small_class(tmp_path / "class")
    said = one_line_error(run("batch", str(room), "--out", "/dev/full", "--quiet"))
    assert said == "Error: --out /dev/full cannot hold the results: File exists"
    out = tmp_path / "out"
    real_write = Path.write_bytes

    def refused(path: Path, data: bytes) -> int:
        if path.parent == out:  # a read-only folder, which root's chmod cannot give
            raise PermissionError(13, "Permission denied", str(path))
        return real_write(path, data)

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_bytes", refused)
        said = one_line_error(run("batch", str(room), "--out", str(out), "--quiet"))
    assert said == f"Error: --out {out} cannot hold the results: Permission denied"
    assert fake.calls == []


@pytest.mark.parametrize(
    ("in_the_way", "says"),
    [("ann/count-sync.json/", "count-sync.json is in the way"),
     ("ann/count-sync.html/", "count-sync.html is in the way"),
     ("grades.csv/", "grades.csv is in the way"),
     ("index.html/", "index.html is in the way"),
     ("ann", "ann is a file where ann's reports belong")],
    ids=["report", "page", "gradebook", "index", "student-folder"],
)  # fmt: skip
def test_a_folder_or_file_in_the_way_is_said_before_grading(
    tmp_path: Path,
    in_the_way: str,
    says: str,
    fake: FakeGrader,  # noqa: F811
) -> None:
    """Not an exit 3 at the end of a class's grading: nothing is graded until all can be kept."""
    room = small_class(tmp_path / "class")
    out = tmp_path / "out"
    target = out / in_the_way.rstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if in_the_way.endswith("/"):
        target.mkdir()
    else:
        target.write_text("")
    for extra in ((), ("--resume",)):
        said = one_line_error(run("batch", str(room), "--out", str(out), "--quiet", *extra))
        assert says in said, said
    assert fake.calls == []


def test_a_disk_that_fills_up_mid_batch_is_one_line_that_says_resume(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeGrader,  # noqa: F811
) -> None:
    from grader.outputs import gradebook

    room = small_class(tmp_path / "class")
    out = tmp_path / "out"

    def full(path: Path, report: object) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(gradebook, "write_report", full)
    said = one_line_error(run("batch", str(room), "--out", str(out), "--quiet"))
    assert "No space left on device" in said and "--resume" in said, said


# -- verify ------------------------------------------------------------------------------------


def test_verify_draws_fails_a_solution_that_cannot_run(tmp_path: Path) -> None:
    exercises = tmp_path / "exercises"
    assert run("--exercises", str(exercises), "new", "demo").exit_code == 0
    (tmp_path / "solutions" / "demo.py").write_text("def broken(:\n")
    result = run("--exercises", str(exercises), "verify", "demo", "--draws", "2")
    assert result.exit_code == 1, result.output
    assert "demo/solution" in result.output and "lost ['everything (your file has a syntax" in (
        result.output
    )
    said = one_line_error(
        run("--exercises", str(exercises), "verify", "demo", "--submissions", str(tmp_path / "x"))
    )
    assert said.endswith("x: no such folder")


# -- the environment and the course's files ----------------------------------------------------


def test_a_huge_columns_does_not_break_a_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest, run inside `grader grade` or beside it, would draw its lines that wide."""
    stub = str(EXERCISES / "count-async" / "stub.py")
    command = [sys.executable, "-m", "grader", "grade", "count-async", stub]
    for shown in (["--format", "json"], []):
        done = subprocess.run(
            command + shown, cwd=REPO, capture_output=True, text=True, timeout=120,
            env={**os.environ, "COLUMNS": "99999999999"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        if shown:
            assert json.loads(done.stdout)["score"] == 0
        else:
            assert "0/1  prints every number once" in done.stdout, done.stdout[:500]
    # Off the main thread (as in a batch), pytest runs in a process of its own.
    monkeypatch.setenv("COLUMNS", "99999999999")
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(grade_file, "count-async", Path(stub)).result()
    assert report.status == "graded" and report.score == 0, report.message


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"\xff\xfe\x00binary", "is not UTF-8 text (byte 0xff at offset 0)"),
     (b"id: broken\ntitle: T\npoints: .nan\n", "key 'points' must be a positive number"),
     (b"id: broken\ntitle: T\npoints: 1\nlimits:\n  call_timeout: .inf\n",
      "key 'limits.call_timeout' must be a positive number"),
     (b"id: broken\ntitle: T\npoints: 1" + b"0" * 400 + b"\n",
      "key 'points' must be a positive number up to 1,000,000"),
     (b"id: broken\ntitle: T\npoints: 1" + b"0" * 5000 + b"\n",
      "holds a value that cannot be read: Exceeds the limit"),
     (b"id: broken\ntitle: T\npoints: 1\nlimits:\n  memory_mb: 100000000000000000000000\n",
      "key 'limits.memory_mb' must be a positive number up to 1,000,000"),
     (b"id: broken\ntitle: T\npoints: 1\nlimits:\n  memory_mb: 0.5\n",
      "key 'limits.memory_mb' must be a whole number")],
    ids=["binary", "nan-points", "infinite-timeout", "huge-points", "unreadable-points",
         "huge-memory", "half-a-megabyte"],
)  # fmt: skip
def test_an_exercise_yaml_that_cannot_be_used_is_one_line(
    tmp_path: Path, content: bytes, says: str
) -> None:
    folder = tmp_path / "course" / "broken"
    folder.mkdir(parents=True)
    (folder / "exercise.yaml").write_bytes(content)
    assert says in one_line_error(run("list", "--exercises", str(tmp_path / "course")))


def test_start_says_what_it_cannot_write_or_find(tmp_path: Path) -> None:
    (tmp_path / "here" / "count-async.md").mkdir(parents=True)
    said = one_line_error(run("start", "count-async", str(tmp_path / "here"), "--force"))
    assert said.endswith("count-async.md: Is a directory") and "cannot write" in said
    course = tmp_path / "course"
    (course / "lone").mkdir(parents=True)
    (course / "lone" / "exercise.yaml").write_text("id: lone\ntitle: Lone\npoints: 1\n")
    (course / "lone" / "task.md").write_text("a task\n")
    said = one_line_error(run("--exercises", str(course), "start", "lone", str(tmp_path / "x")))
    assert "exercise lone has no stub.py" in said
    kit = tmp_path / "kit"
    said = one_line_error(run("--exercises", str(course), "release", str(kit)))
    assert "exercise lone has no stub.py" in said and not kit.exists()


def test_a_roster_csv_cannot_parse_is_one_line(
    tmp_path: Path,
    fake: FakeGrader,  # noqa: F811
) -> None:
    room = small_class(tmp_path / "class")
    roster = tmp_path / "roster.csv"
    roster.write_text("folder,email\n" + "ann," + "x" * 200_000 + "\n")
    said = one_line_error(
        run("batch", str(room), "--out", str(tmp_path / "out"), "--roster", str(roster))
    )
    assert "roster.csv is not a CSV file the grader can read: field larger" in said


# -- submissions -------------------------------------------------------------------------------


def test_a_link_to_a_file_not_named_py_is_graded_as_its_link(tmp_path: Path) -> None:
    target = tmp_path / "saved.txt"
    target.write_text((SOLUTIONS / "count-async.py").read_text())
    link = tmp_path / "count-async.py"
    link.symlink_to(target)
    report = grade_file("count-async", link)
    assert report.score == report.max_score, report.message


def test_a_syntax_error_on_a_huge_line_is_said_in_a_short_line(tmp_path: Path) -> None:
    deep = tmp_path / "count-async.py"
    deep.write_text("x = " + "[" * 3000 + "]" * 2999 + "\n")
    report = grade_file("count-async", deep)
    assert report.status == "error" and report.message.startswith("your file has a syntax error")
    assert len(report.message) < 700 and report.message.endswith("...)")


def test_an_exception_raised_on_a_huge_line_is_said_in_a_short_line(tmp_path: Path) -> None:
    huge = tmp_path / "count-async.py"
    huge.write_text(
        "async def count(n=30, pauses=None):\n"
        f"    raise ValueError('{'v' * 5000}') if n else {'1 + ' * 2000}1\n"
    )
    messages = [c.message for c in grade_file("count-async", huge).checks]
    assert all(m.startswith("count() raised ValueError: vvv") for m in messages), messages
    assert all(len(m) < 700 for m in messages), [len(m) for m in messages]


def test_values_that_cannot_cross_are_said_as_such(tmp_path: Path) -> None:
    """Not "your program exited": it returned something the grader cannot read."""
    huge = tmp_path / "count-async.py"
    huge.write_text("async def count(n=30, pauses=None):\n    return 10**100000\n")
    messages = [c.message for c in grade_file("count-async", huge).checks]
    assert any("count() returned a value the grader cannot read (ValueError" in m for m in messages)
    assert not any("exited" in m for m in messages), messages


def test_sets_of_frozensets_cross_whole() -> None:
    value = {frozenset({1}), (1, frozenset({2, frozenset({3})}))}
    assert codec.decode(json.loads(json.dumps(codec.encode(value)))) == value
    keyed = {(1, frozenset({2})): "a"}
    assert codec.decode(json.loads(json.dumps(codec.encode(keyed)))) == keyed


def wait_for_a_spinning_descendant(root: int, cpu_seconds: float = 0.5) -> None:
    """Until a process under `root` has spent `cpu_seconds` on the CPU (a loaded machine waits)."""
    tick = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        parents: dict[int, int] = {}
        used: dict[int, float] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            used[pid] = (int(fields[11]) + int(fields[12])) / tick
        for pid, cpu in used.items():
            ancestor = parents.get(pid, 0)
            while ancestor > 1 and ancestor != root:
                ancestor = parents.get(ancestor, 0)
            if ancestor == root and cpu >= cpu_seconds:
                return
        time.sleep(0.1)
    raise AssertionError("no check's child started spinning within 120 s")


def test_ctrl_c_during_a_grading_says_interrupted(tmp_path: Path) -> None:
    spin = tmp_path / "count-async.py"
    spin.write_text("async def count(n=30, pauses=None):\n    while True:\n        pass\n")
    command = [sys.executable, "-m", "grader", "grade", "count-async", str(spin)]
    process = subprocess.Popen(
        command, cwd=REPO, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for_a_spinning_descendant(process.pid)  # the first check's child: well into grading
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err
    assert "interrupted: nothing was graded" in err and "could not be run" not in out + err


def test_an_exception_whose_type_hides_its_name_is_still_said(tmp_path: Path) -> None:
    weird = tmp_path / "count-async.py"
    weird.write_text(
        "class Meta(type):\n"
        "    def __getattribute__(cls, name):\n"
        "        if name == '__name__':\n"
        "            raise RuntimeError('no name')\n"
        "        return super().__getattribute__(name)\n\n"
        "class Weird(Exception, metaclass=Meta):\n    pass\n\n"
        "async def count(n=30, pauses=None):\n    raise Weird('boom')\n"
    )
    messages = [c.message for c in grade_file("count-async", weird).checks]
    assert all(m.startswith("count() raised Exception: boom") for m in messages), messages


@pytest.mark.parametrize(
    "returned",
    ["class Meta(type):\n"
     "    def __getattribute__(cls, name):\n"
     "        if name == '__name__':\n"
     "            raise RuntimeError('no name')\n"
     "        return super().__getattribute__(name)\n\n"
     "class Weird(metaclass=Meta):\n    pass\n\n"
     "async def count(n=30, pauses=None):\n    print(*range(1, n + 1), sep='\\n')\n"
     "    return Weird()\n",
     "class Weird(dict):\n"
     "    def items(self):\n        raise RuntimeError('no items')\n\n"
     "async def count(n=30, pauses=None):\n    print(*range(1, n + 1), sep='\\n')\n"
     "    return Weird(a=1)\n"],
    ids=["type-hides-its-name", "dict-without-items"],
)  # fmt: skip
def test_a_returned_value_that_cannot_be_read_is_said_as_a_wrong_value(
    tmp_path: Path, returned: str
) -> None:
    """The submission's fault, said as what it returned, and never "your program exited"."""
    weird = tmp_path / "count-async.py"
    weird.write_text(returned)
    report = grade_file("count-async", weird)
    messages = [c.message for c in report.checks]
    assert report.score == 0 and not any("exited" in m for m in messages), messages
    assert any("returned" in m and "Weird" in m for m in messages), messages
