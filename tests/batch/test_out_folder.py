"""Where a batch writes (--out): a folder it may not write in is one line, said before grading."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grader.batch import classroom
from grader.course import catalog
from grader.errors import BadOutput
from tests.support import EXERCISES, FakeGrader, one_line_error, run, small_class

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
    fake: FakeGrader,
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
    fake: FakeGrader,
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
    fake: FakeGrader,
) -> None:
    room = small_class(tmp_path / "class")
    (room / name).mkdir()
    (room / name / "count-sync.py").write_text("right")
    said = one_line_error(run("batch", str(room), "--out", str(tmp_path / "out"), "--quiet"))
    assert f"the student folder {name} has the name of a file the batch writes" in said
    assert fake.calls == []


def test_a_link_where_a_students_reports_belong_is_said_before_grading(
    tmp_path: Path,
    fake: FakeGrader,
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
    fake: FakeGrader,
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
    fake: FakeGrader,
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
    fake: FakeGrader,
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
    fake: FakeGrader,
) -> None:
    from grader.outputs import gradebook

    room = small_class(tmp_path / "class")
    out = tmp_path / "out"

    def full(path: Path, report: object) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(gradebook, "write_report", full)
    said = one_line_error(run("batch", str(room), "--out", str(out), "--quiet"))
    assert "No space left on device" in said and "--resume" in said, said
