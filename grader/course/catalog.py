"""The course's exercises: where they live and what each `exercise.yaml` says.

An exercise is a folder named by its id::

    exercises/count-async/
        exercise.yaml        id, title, points, order, limits
        task.md              the task text a student reads
        stub.py              the file a student starts from
        checks/test_public.py   checks a student may run
        checks/test_hidden.py   checks only the grader runs
    solutions/count-async.py    the reference solution (or `solution:` in the yaml)
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grader.errors import BadExercise, MissingFile, UnknownExercise
from grader.sandbox import Limits

_REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Exercise:
    """One exercise of the catalog, as its folder and `exercise.yaml` describe it."""

    id: str
    title: str
    points: float
    root: Path
    order: int = 0
    limits: Limits = dataclasses.field(default_factory=Limits)
    solution_path: Path | None = None
    packages: tuple[str, ...] = ()  # what a submission may import beyond the standard library

    @property
    def task(self) -> Path:
        return self.root / "task.md"

    @property
    def stub(self) -> Path:
        return self.root / "stub.py"

    @property
    def solution(self) -> Path:
        return self.solution_path or self.root.parent.parent / "solutions" / f"{self.id}.py"

    def check_files(self, hidden: bool = True) -> list[Path]:
        """The check modules: public first, then hidden ones when asked for."""
        checks = self.root / "checks"
        public = sorted(p for p in checks.glob("test_*.py") if not is_hidden(p))
        secret = sorted(p for p in checks.glob("test_*.py") if is_hidden(p))
        return public + (secret if hidden else [])


def is_hidden(path: Path) -> bool:
    """Hidden checks live in modules whose name says so (`test_hidden.py`)."""
    return "hidden" in path.stem


def exercises_dir(override: Path | str | None = None) -> Path:
    """The course's exercise folder: the option, then $GRADER_EXERCISES, then the repo's."""
    chosen = override or os.environ.get("GRADER_EXERCISES")
    if chosen:
        path = Path(chosen)
        if not path.is_dir():
            raise MissingFile(f"no exercise folder at {path}")
        return path
    for candidate in (_REPO / "exercises", Path.cwd() / "exercises"):
        if candidate.is_dir():
            return candidate
    raise MissingFile("no exercises folder found; pass --exercises DIR or set GRADER_EXERCISES")


def load(root: Path) -> Exercise:
    """Read one exercise folder; a malformed `exercise.yaml` names the offending key."""
    meta = root / "exercise.yaml"
    where = str(meta)
    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MissingFile(f"{where} does not exist") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise BadExercise(f"{where} is not valid YAML{line}") from None
    if not isinstance(data, dict):
        raise BadExercise(f"{where} must be a mapping of keys to values")
    exercise_id = _field(data, "id", str, where)
    if exercise_id != root.name:
        raise BadExercise(f"{where}: key 'id' is {exercise_id!r} but the folder is {root.name!r}")
    points = _field(data, "points", (int, float), where)
    if points <= 0:
        raise BadExercise(f"{where}: key 'points' must be positive")
    solution = data.get("solution")
    if solution is not None and not isinstance(solution, str):
        raise BadExercise(f"{where}: key 'solution' must be a path")
    order = data.get("order", 0)
    if not isinstance(order, int):
        raise BadExercise(f"{where}: key 'order' must be a whole number")
    packages = data.get("packages", [])
    if not isinstance(packages, list) or not all(isinstance(p, str) for p in packages):
        raise BadExercise(f"{where}: key 'packages' must be a list of package names")
    return Exercise(
        id=exercise_id,
        title=_field(data, "title", str, where),
        points=float(points),
        root=root,
        order=order,
        limits=_limits(data.get("limits", {}), where),
        solution_path=(root / solution).resolve() if solution else None,
        packages=tuple(packages),
    )


def find(exercise_id: str, directory: Path) -> Exercise:
    """The exercise with that id, or UnknownExercise naming the known ones."""
    root = directory / exercise_id
    if not (root / "exercise.yaml").is_file():
        known = ", ".join(e.id for e in catalog(directory)) or "none"
        raise UnknownExercise(f"unknown exercise {exercise_id!r} (known: {known})")
    return load(root)


def catalog(directory: Path) -> list[Exercise]:
    """Every exercise in `directory`, in course order."""
    found = [load(p.parent) for p in directory.glob("*/exercise.yaml")]
    return sorted(found, key=lambda e: (e.order, e.id))


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise BadExercise(f"{where}: missing key '{key}'")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadExercise(f"{where}: key '{key}' has the wrong type ({type(value).__name__})")
    return value


def _limits(raw: Any, where: str) -> Limits:
    if not isinstance(raw, dict):
        raise BadExercise(f"{where}: key 'limits' must be a mapping")
    known = {f.name: f.type for f in dataclasses.fields(Limits)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise BadExercise(f"{where}: unknown key 'limits.{key}'")
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise BadExercise(f"{where}: key 'limits.{key}' must be a positive number")
        values[key] = float(value) if known[key] in ("float", float) else int(value)
    return Limits(**values)
