"""A batch's summary stays short however big its input: a huge roster, one exercise of many."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from grader.cli import cli
from tests.support import FakeGrader, one_line_error, small_class, touch

# -- output that stays short -----------------------------------------------------------------


def test_a_roster_of_another_class_stops_the_batch_in_one_line(
    tmp_path: Path,
    fake: FakeGrader,
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
    fake: FakeGrader,
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
    fake: FakeGrader,
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
