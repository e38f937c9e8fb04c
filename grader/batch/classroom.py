"""What a class folder holds: one folder per student, one file per exercise.

Files are named by the exercise id (`count-async.py`, or `count_async.py`);
anything else is listed as ignored, with the reason, so a teacher sees it.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.catalog import Exercise
from grader.errors import BadClass, BadOutput, MissingFile, UnknownExercise
from grader.outputs import gradebook
from grader.outputs.words import kind_of, shown

#: A file every batch writes in its output folder before any report, so that a later
#: batch of a class folder that holds that folder knows it is no student, even when the
#: earlier one was cut short before its grades.csv.
OUT_MARKER = ".grader-batch-output"


@dataclass(frozen=True)
class Job:
    """One file to grade: a student's submission for an exercise."""

    student: str
    exercise: str
    path: Path

    @property
    def label(self) -> str:
        """How reports name the submission: relative to the class folder."""
        return f"{self.student}/{self.path.name}"


@dataclass(frozen=True)
class Ignored:
    """A file of the class folder that is not graded, and why."""

    path: str
    reason: str


@dataclass
class Classroom:
    """What a class folder holds: its students, the exercises graded, the files to grade."""

    root: Path
    students: list[str]
    exercises: list[Exercise]
    jobs: list[Job]
    ignored: list[Ignored] = field(default_factory=list)


def scan(
    class_dir: Path,
    exercises: Sequence[Exercise],
    *,
    only: Sequence[str] = (),
    skip: Path | None = None,
) -> Classroom:
    """Find the students and their files; `only` restricts the exercises graded.

    Students are the folders of `class_dir`, hidden ones aside (and `skip`,
    the output folder if it lies inside). Without `only`, the exercises graded
    are those at least one student handed in, in course order.
    """
    if not class_dir.is_dir():
        raise MissingFile(f"no class folder at {class_dir}")
    root = class_dir.resolve()
    known = {e.id: e for e in exercises}
    unknown = [e for e in only if e not in known]
    if unknown:
        raise UnknownExercise(
            f"unknown exercise {unknown[0]!r} (known: {', '.join(known) or 'none'})"
        )
    skipped = skip.resolve() if skip is not None else None
    if skipped is not None:
        _refuse_inside_a_student(root, skipped, skip or skipped)
    students: list[str] = []
    found: list[Job] = []
    ignored: list[Ignored] = []
    course = course_files(exercises)
    for entry in sorted(root.iterdir()):
        if _skipped(entry):
            continue
        if entry == skipped:
            continue
        if entry.is_symlink():
            # To a classmate's folder, or to the solutions: graded as this "student's" own.
            ignored.append(Ignored(shown(entry.name), "a link, not a student's folder"))
            continue
        if not entry.is_dir():
            ignored.append(Ignored(shown(entry.name), "not in a student's folder"))
            continue
        if _earlier_output(entry):
            reason = "an earlier batch's output, not a student"
            ignored.append(Ignored(shown(entry.name), reason))
            continue
        _refuse_a_name_no_page_can_show(entry.name)
        students.append(entry.name)
        jobs, left_out = _student_files(entry, known, course)
        found += jobs
        ignored += left_out
    if only:
        chosen = [known[e] for e in sorted(set(only), key=[x.id for x in exercises].index)]
    else:
        handed_in = {job.exercise for job in found}
        chosen = [e for e in exercises if e.id in handed_in]
    ids = {e.id for e in chosen}
    ignored += [Ignored(j.label, "exercise not chosen") for j in found if j.exercise not in ids]
    jobs = [j for j in found if j.exercise in ids]
    if not jobs:
        raise MissingFile(
            f"no submissions found in {class_dir} "
            "(expected one folder per student, each with files named like count-async.py)"
        )
    return Classroom(root, students, chosen, jobs, ignored)


def _refuse_inside_a_student(root: Path, out: Path, given: Path) -> None:
    """An output folder may sit in the class folder, but never be it or lie in a student's.

    The output folder is left out of the students; in a student's folder it
    would take that student's files with it, unsaid. In the class folder it
    must be new, or a batch's own: one that came with the class could hold
    reports a student wrote, which `--resume` would keep.
    """
    if out == root:
        raise BadOutput(f"--out {given} is the class folder itself: choose a folder outside it")
    if not out.is_relative_to(root):
        return
    first = root / out.relative_to(root).parts[0]
    if first.is_dir() and any(first.glob("*.py")):
        raise BadOutput(
            f"--out {given} is or lies in the student folder {first.name}: choose a folder "
            "outside the class folder"
        )
    if out.parent != root:
        raise BadOutput(
            f"--out {given} lies in the folder {first.name} of the class folder, which would "
            "be taken for a student: choose a folder directly in the class folder, or outside it"
        )
    if out.exists() and not (out / OUT_MARKER).is_file():
        raise BadOutput(
            f"--out {given} came with the class folder (no batch made it): choose a new folder"
        )


def _refuse_a_name_no_page_can_show(name: str) -> None:
    """A student folder's name becomes a row, a page and a line: it must be text, and printable.

    A name that is not UTF-8 (a zip from another system) cannot be written
    into the pages; control characters would forge lines on the teacher's
    terminal. Said before anything is graded, so the teacher renames it.
    """
    if shown(name) != name:
        raise BadClass(
            f"the student folder {shown(name)} has a name that is not printable UTF-8 text: "
            "rename it, then grade again"
        )


def _earlier_output(folder: Path) -> bool:
    """An earlier batch's `--out`, not a student: its marker, or a gradebook and no Python file."""
    if (folder / OUT_MARKER).is_file():
        return True
    return (folder / gradebook.FILE).is_file() and not any(folder.glob("*.py"))


def _a_course_file(file: Path, course: set[tuple[int, int]]) -> bool:
    """Whether `file` is hard-linked to a course file (only a file with several links can be)."""
    try:
        info = file.stat()
    except OSError:
        return False
    return info.st_nlink > 1 and (info.st_dev, info.st_ino) in course


def _skipped(path: Path) -> bool:
    """Hidden files and folders, and Python's caches, are not the class's work."""
    return path.name.startswith(".") or path.name == "__pycache__"


def course_files(exercises: Sequence[Exercise]) -> set[tuple[int, int]]:
    """The (device, inode) of every file of the course: exercises' folders and solutions.

    A hard link has no target to resolve, unlike a symbolic link: it *is* the
    file. The only sound test is identity, so a student's file that is one of
    these is the course's, not the student's. A file with other links that are
    none of these (a teacher's `cp -al` backup of the class) is the student's.
    """
    found: set[tuple[int, int]] = set()
    for exercise in exercises:
        for path in [exercise.solution, *exercise.root.rglob("*")]:
            try:
                info = path.stat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found.add((info.st_dev, info.st_ino))
    return found


def _student_files(
    folder: Path, known: dict[str, Exercise], course: set[tuple[int, int]]
) -> tuple[list[Job], list[Ignored]]:
    by_exercise: dict[str, list[Path]] = {}
    ignored: list[Ignored] = []
    own = folder.resolve()
    for file in sorted(folder.iterdir()):
        if _skipped(file):
            continue
        label = f"{folder.name}/{shown(file.name)}"
        exercise = file.stem if file.stem in known else file.stem.replace("_", "-")
        named = file.suffix == ".py" and exercise in known
        kind = kind_of(file)
        if named and kind is not None:
            # `kitchen.py/`, a folder, is no submission, though named like one: say so.
            ignored.append(Ignored(label, f"{kind}, not a file"))
            continue
        if not file.is_file() or not named:
            ignored.append(Ignored(label, "matches no exercise"))
            continue
        if not file.resolve().is_relative_to(own):
            # A link handed in, to a classmate's file, a solution or the hidden checks: its
            # text would be graded, and could be printed into the report, as this student's.
            ignored.append(Ignored(label, f"a link to a file outside {folder.name}'s folder"))
            continue
        if _a_course_file(file, course):
            ignored.append(Ignored(label, "a hard link to a file of the course, not the student's"))
            continue
        by_exercise.setdefault(exercise, []).append(file)
    jobs: list[Job] = []
    for exercise, files in by_exercise.items():
        # `count-async.py` sorts before `count_async.py`: the id's own spelling wins.
        jobs.append(Job(folder.name, exercise, files[0]))
        ignored += [
            Ignored(f"{folder.name}/{shown(f.name)}", f"{files[0].name} is graded instead")
            for f in files[1:]
        ]
    return jobs, ignored
