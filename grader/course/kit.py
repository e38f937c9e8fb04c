"""What students get: one exercise to start from, or the whole course's kit.

A kit is itself an exercises folder (exercise.yaml, task, stub and public
checks per exercise), so students check their work against it with
`grader check EXERCISE FILE --exercises KIT`. Hidden checks and reference
solutions never go into it. Its README.md tells a student, who has neither
this repository nor the grader, how to install the very grader version that
made the kit (kits freeze check files, which rely on that version's API) and
which commands to run.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import yaml

import grader
from grader.course.catalog import Exercise, is_hidden
from grader.errors import GraderError, MissingFile

#: The distribution students install the grader from.
DISTRIBUTION = "asyncio-grader"


class WouldOverwrite(GraderError):
    """A file is in the way and overwriting was not asked for."""


def _require(exercise: Exercise) -> None:
    """The files a student starts from are there (MissingFile naming the first that is not)."""
    for source in (exercise.stub, exercise.task):
        if not source.is_file():
            raise MissingFile(f"exercise {exercise.id} has no {source.name} at {source}")


def start(exercise: Exercise, dest: Path, *, force: bool = False) -> list[Path]:
    """Write the exercise's stub and task text into `dest`; never overwrite unless forced."""
    targets = {
        exercise.stub: dest / f"{exercise.id}.py",
        exercise.task: dest / f"{exercise.id}.md",
    }
    _require(exercise)
    if not force:
        for target in targets.values():
            if target.exists():
                raise WouldOverwrite(f"{target} already exists; use --force to overwrite it")
    dest.mkdir(parents=True, exist_ok=True)
    for source, target in targets.items():
        shutil.copyfile(source, target)
    return list(targets.values())


def version() -> str:
    """The version of the grader that is running (the installed distribution's)."""
    return grader.__version__


def install_requirement() -> str:
    """What a kit's README tells pip to install: this very grader version."""
    return f"{DISTRIBUTION}=={version()}"


def release(
    exercises: list[Exercise], out: Path, *, force: bool = False, install: str | None = None
) -> list[Path]:
    """Write the student kit for `exercises` into `out`: no hidden check, no solution.

    `install` is what the README has students `pip install` (by default this
    grader's own version, pinned).
    """
    if out.exists() and any(out.iterdir()) and not force:
        raise WouldOverwrite(f"{out} is not empty; use --force to write into it")
    for exercise in exercises:  # before anything is written: a kit is whole or not made
        _require(exercise)
    out.mkdir(parents=True, exist_ok=True)
    readme = out / "README.md"
    readme.write_text(
        kit_readme(exercises, out.resolve().name, install or install_requirement()),
        encoding="utf-8",
    )
    written = [readme]
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


def kit_readme(exercises: list[Exercise], kit_name: str, requirement: str) -> str:
    """The kit's README: install the grader, then start and check an exercise."""
    first = exercises[0].id if exercises else "EXERCISE"
    kit = shlex.quote(kit_name)
    rows = "\n".join(f"| `{e.id}` | {e.title} | {e.points:g} |" for e in exercises)
    return f"""# Your asyncio exercises

This folder, `{kit_name}`, is your kit: for each exercise, the task text, a
file to start from and the public checks, the ones you may run yourself. Your
teacher grades your work with these checks and with hidden ones that test the
same contract more thoroughly: passing the public checks is a good sign, not a
guarantee.

## Install the grader, once

You need Python 3.11 or newer. Open a terminal in the folder that holds this
`{kit_name}` folder (not inside it), then:

```sh
python3 -m venv .venv
. .venv/bin/activate
pip install '{requirement}'
```

On Windows, activate with `.venv\\Scripts\\activate` instead. This kit was made with
grader {version()}: install exactly that version, as above.

## Work on an exercise

In the same folder, with the virtual environment active:

```sh
grader list --exercises {kit}
grader start {first} --exercises {kit}
grader check {first} {first}.py --exercises {kit}
```

`grader start` writes `{first}.py` (your file, to edit) and `{first}.md` (the
task) into the current folder; it never overwrites your work. `grader check`
runs the public checks on your file and prints your score and feedback; it
exits with status 0 only when every public check passes. Instead of repeating
`--exercises {kit}`, you may set it once: `export GRADER_EXERCISES={kit}`.

Your file is imported as a module, so put code that tries your functions by
hand under `if __name__ == "__main__":`.

## The exercises

| id | title | points |
|---|---|---|
{rows}
"""
