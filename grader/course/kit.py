"""What students get: one exercise to start from, or the whole course's kit.

A kit is itself an exercises folder (exercise.yaml, task, stub and public
checks per exercise), so students check their work against it with
`grader check EXERCISE FILE --exercises KIT`. Hidden checks and reference
solutions never go into it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from grader.course.catalog import Exercise, is_hidden
from grader.errors import GraderError


class WouldOverwrite(GraderError):
    """A file is in the way and overwriting was not asked for."""


def start(exercise: Exercise, dest: Path, *, force: bool = False) -> list[Path]:
    """Write the exercise's stub and task text into `dest`; never overwrite unless forced."""
    targets = {
        exercise.stub: dest / f"{exercise.id}.py",
        exercise.task: dest / f"{exercise.id}.md",
    }
    if not force:
        for target in targets.values():
            if target.exists():
                raise WouldOverwrite(f"{target} already exists; use --force to overwrite it")
    dest.mkdir(parents=True, exist_ok=True)
    for source, target in targets.items():
        shutil.copyfile(source, target)
    return list(targets.values())


def release(exercises: list[Exercise], out: Path, *, force: bool = False) -> list[Path]:
    """Write the student kit for `exercises` into `out`: no hidden check, no solution."""
    if out.exists() and any(out.iterdir()) and not force:
        raise WouldOverwrite(f"{out} is not empty; use --force to write into it")
    written = []
    for exercise in exercises:
        folder = out / exercise.id
        (folder / "checks").mkdir(parents=True, exist_ok=True)
        meta = yaml.safe_load((exercise.root / "exercise.yaml").read_text(encoding="utf-8"))
        meta.pop("solution", None)
        (folder / "exercise.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
        written.append(folder / "exercise.yaml")
        helpers = [
            p for p in (exercise.root / "checks").glob("*.py")
            if not p.name.startswith("test_") and not is_hidden(p)
        ]  # fmt: skip
        for source in [exercise.task, exercise.stub, *exercise.check_files(hidden=False), *helpers]:
            target = folder / source.relative_to(exercise.root)
            shutil.copyfile(source, target)
            written.append(target)
    return written
