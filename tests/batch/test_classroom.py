"""The class folder: a folder named like a submission, a hard link to a course file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from grader.batch import classroom
from grader.course import catalog
from tests.support import EXERCISES, SOLUTIONS, touch

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
