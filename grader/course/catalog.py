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

    @property
    def has_hidden_checks(self) -> bool:
        """Whether the exercise has checks only the grader runs (a kit's exercises have none)."""
        return any(is_hidden(p) for p in (self.root / "checks").glob("test_*.py"))

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
    """The course's exercise folder: the option, then $GRADER_EXERCISES, then the repo's.

    The folder is returned absolute, resolved against the caller's working
    directory: the checks run in a pytest process of their own whose working
    directory is a scratch folder, where a relative path would mean nothing.
    """
    chosen = override or os.environ.get("GRADER_EXERCISES")
    if chosen:
        path = Path(chosen)
        if not path.is_dir():
            where = "" if override else " (from GRADER_EXERCISES)"
            raise MissingFile(f"no exercise folder at {path}{where}")
        return path.resolve()
    for candidate in _default_folders():
        if candidate.is_dir():
            return candidate.resolve()
    raise MissingFile(
        "no exercises folder found: pass --exercises KIT (the folder of exercises your teacher "
        "gave you, one folder per exercise) or set GRADER_EXERCISES=KIT"
    )


def new_exercises_dir(override: Path | str | None = None) -> Path:
    """Where `grader new` writes: the folder named (made if need be), else the course's own.

    With no folder named and no course found, a new course starts in
    ./exercises, with its solutions in ./solutions beside it.
    """
    chosen = override or os.environ.get("GRADER_EXERCISES")
    if chosen:
        return Path(chosen).resolve()
    for candidate in _default_folders():
        if candidate.is_dir():
            return candidate.resolve()
    return (Path.cwd() / "exercises").resolve()


def _default_folders() -> list[Path]:
    """Where exercises are looked for when no folder is named."""
    # Only a source checkout has its own course; an installed grader carries none.
    own = [_REPO / "exercises"] if (_REPO / "pyproject.toml").is_file() else []
    return [*own, Path.cwd() / "exercises"]


#: The largest number exercise.yaml may give for points or a limit: far beyond any
#: real one (a million seconds is 11 days, a million MB a terabyte), and small
#: enough that no conversion overflows.
MOST = 1_000_000


def load(root: Path) -> Exercise:
    """Read one exercise folder; a malformed `exercise.yaml` names the offending key."""
    root = root.resolve()  # the checks run elsewhere: see exercises_dir
    meta = root / "exercise.yaml"
    where = str(meta)
    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MissingFile(f"{where} does not exist") from None
    except UnicodeDecodeError as exc:
        raise BadExercise(
            f"{where} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise BadExercise(f"{where} cannot be read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise BadExercise(f"{where} is not valid YAML{_yaml_reason(exc)}") from None
    except ValueError as exc:  # a number Python refuses to read, such as 5000 digits
        raise BadExercise(f"{where} holds a value that cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise BadExercise(f"{where} must be a mapping of keys to values")
    exercise_id = _field(data, "id", str, where)
    if exercise_id != root.name:
        raise BadExercise(f"{where}: key 'id' is {exercise_id!r} but the folder is {root.name!r}")
    points = _field(data, "points", (int, float), where)
    if not 0 < points <= MOST:  # also false for nan
        raise BadExercise(f"{where}: key 'points' must be a positive number up to {MOST:,}")
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
        if _looks_like_exercise(root):
            raise BadExercise(_no_yaml(root))
        known = ", ".join(e.id for e in catalog(directory)) or "none"
        raise UnknownExercise(f"unknown exercise {exercise_id!r} (known: {known})")
    return load(root)


def catalog(directory: Path) -> list[Exercise]:
    """Every exercise in `directory`, in course order.

    A folder that holds an exercise's files but no exercise.yaml is an error,
    not something to skip: a deleted exercise.yaml must not make its exercise
    vanish from a course without a word. A folder without any exercise is an
    error too: it is the wrong folder.
    """
    if not directory.is_dir():
        raise MissingFile(f"no exercise folder at {directory}")
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        if not (folder / "exercise.yaml").is_file() and _looks_like_exercise(folder):
            raise BadExercise(_no_yaml(folder))
    found = [load(p.parent) for p in directory.glob("*/exercise.yaml")]
    if not found:
        nested = directory / "exercises"
        hint = f"; did you mean {nested}?" if nested.is_dir() else ""
        raise MissingFile(
            f"no exercises in {directory} (expected one folder per exercise, each with an "
            f"exercise.yaml){hint}"
        )
    return sorted(found, key=lambda e: (e.order, e.id))


def _looks_like_exercise(folder: Path) -> bool:
    """A folder with any of an exercise's own files in it."""
    if folder.name.startswith(".") or folder.name == "__pycache__":
        return False
    return any((folder / name).exists() for name in ("stub.py", "task.md", "checks"))


def _no_yaml(folder: Path) -> str:
    return (
        f"{folder / 'exercise.yaml'} is missing, though {folder} holds an exercise's files; "
        "restore it, or move the folder out of the exercises folder"
    )


def _yaml_reason(exc: yaml.YAMLError) -> str:
    """Where and why a YAML file does not parse: " at line 5: <the reason> (<context>)"."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None and problem is None:
        return f": {exc}"
    text = f" at line {mark.line + 1}" if mark is not None else ""
    if problem:
        text += f": {problem}"
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context:
        started = (
            f" that starts at line {context_mark.line + 1}"
            if context_mark is not None and mark is not None and context_mark.line != mark.line
            else ""
        )
        text += f" ({context}{started})"
    return text


#: How a type is named in a message to an exercise author.
_KINDS: dict[type | tuple[type, ...], str] = {
    str: "text",
    (int, float): "a number",
    int: "a whole number",
}


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise BadExercise(f"{where}: missing key '{key}'")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadExercise(
            f"{where}: key '{key}' has the wrong type: it should be {_KINDS.get(kind, kind)}, "
            f"but is {_described(value)}"
        )
    return value


def _described(value: Any) -> str:
    """A YAML value as an author would name it: `text ('ten')`, `a list`, `nothing`."""
    if value is None:
        return "empty"
    names = {str: "text", bool: "true/false", int: "a whole number", float: "a number"}
    names |= {list: "a list", dict: "a mapping"}
    name = names.get(type(value), type(value).__name__)
    shown = f" ({value!r})" if isinstance(value, str | int | float | bool) else ""
    return f"{name}{shown}"


def _limits(raw: Any, where: str) -> Limits:
    if not isinstance(raw, dict):
        raise BadExercise(f"{where}: key 'limits' must be a mapping")
    known = {f.name: f.type for f in dataclasses.fields(Limits)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise BadExercise(f"{where}: unknown key 'limits.{key}'")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not 0 < value <= MOST:  # also false for nan
            raise BadExercise(
                f"{where}: key 'limits.{key}' must be a positive number up to {MOST:,}"
            )
        if known[key] in ("float", float):
            values[key] = float(value)
        elif float(value).is_integer():
            values[key] = int(value)
        else:
            raise BadExercise(f"{where}: key 'limits.{key}' must be a whole number")
    return Limits(**values)
