"""`grader new ID`: a new exercise's folder, complete enough that `grader verify ID` accepts it.

The scaffold is a small but real exercise (wait for every pause at once), so
an author starts from checks that run, pass on the solution and fail on the
stub, and edits them into their own. Its checks import what they use from
`grader.checks`, the check authors' API, and take the `scene` fixture.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from grader.course import catalog
from grader.course.kit import WouldOverwrite
from grader.errors import GraderError

#: An exercise id: lower-case words of letters and digits joined by hyphens.
ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


class BadId(GraderError):
    """The id asked for cannot name an exercise."""


@dataclass(frozen=True)
class Scaffold:
    """What `new` wrote: the exercise folder and the reference solution."""

    root: Path
    solution: Path
    files: list[Path]


def new(exercise_id: str, exercises_dir: Path, *, title: str | None = None) -> Scaffold:
    """Write a new exercise `exercise_id` into `exercises_dir`, its solution beside the folder.

    The solution goes to `solutions/<id>.py` next to the exercises folder,
    where `Exercise.solution` looks by default, so it never enters a kit.
    """
    if not ID_PATTERN.fullmatch(exercise_id):
        raise BadId(
            f"{exercise_id!r} cannot be an exercise id: use lower-case letters, digits and "
            "hyphens, starting with a letter (like count-async)"
        )
    root = exercises_dir / exercise_id
    solution = exercises_dir.parent / "solutions" / f"{exercise_id}.py"
    for target in (root, solution):
        if target.exists():
            raise WouldOverwrite(f"{target} already exists; pick another id")
    title = title or exercise_id.replace("-", " ").capitalize()
    texts = {
        root / "exercise.yaml": _YAML.format(
            id=exercise_id, title=json.dumps(title), order=_next_order(exercises_dir)
        ),
        root / "task.md": _TASK.format(id=exercise_id, title=title),
        root / "stub.py": _STUB.format(id=exercise_id, title=title),
        root / "checks" / "__init__.py": _PACKAGE.format(id=exercise_id),
        root / "checks" / "test_public.py": _PUBLIC.format(id=exercise_id),
        root / "checks" / "test_hidden.py": _HIDDEN.format(id=exercise_id),
        solution: _SOLUTION.format(id=exercise_id, title=title),
    }
    for path, text in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Scaffold(root, solution, list(texts))


def _next_order(exercises_dir: Path) -> int:
    """After the course's last exercise; an unreadable course does not stop a new exercise."""
    if not exercises_dir.is_dir():
        return 1
    try:
        return max(e.order for e in catalog.catalog(exercises_dir)) + 1
    except GraderError:
        return len(list(exercises_dir.glob("*/exercise.yaml"))) + 1


# The checks are worth 2 + 2 public and 1 + 1 hidden: `points` must say their sum.
# The title is a JSON string, which YAML reads as is, whatever it holds.
_YAML = """\
id: {id}
title: {title}
order: {order}
points: 6
limits:
  call_timeout: 5      # seconds one call of the submission may take
"""

_TASK = """\
# {title}

Replace this text with what the student reads. Say exactly what the
submission must define, what it must do, and how its time is judged.

## What to write

In a file `{id}.py`, define:

```python
async def wait_all(pauses: list[float]) -> list[float]
```

Wait every pause of `pauses` (in seconds) at the same time, without blocking
the event loop, and return the pauses in the order they ended (shortest
first). It takes about as long as the longest pause, not their sum.

## Try it

```
grader start {id}
grader check {id} {id}.py
```
"""

_STUB = '''\
"""{title}. See {id}.md."""

import asyncio


async def wait_all(pauses: list[float]) -> list[float]:
    """Wait every pause at the same time; return them in the order they ended."""
    raise NotImplementedError("write wait_all() here")


if __name__ == "__main__":
    print(asyncio.run(wait_all([0.3, 0.1, 0.2])))  # [0.1, 0.2, 0.3] after about 0.3 s
'''

_SOLUTION = '''\
"""{title}: the reference solution."""

import asyncio


async def wait_all(pauses: list[float]) -> list[float]:
    """Wait every pause at the same time; return them in the order they ended."""
    ended: list[float] = []

    async def wait(pause: float) -> None:
        await asyncio.sleep(pause)
        ended.append(pause)

    await asyncio.gather(*(wait(pause) for pause in pauses))
    return ended
'''

# The checks folder is a package, so that a `common.py` added later is imported as
# `from .common import ...` (see docs/checks.md).
_PACKAGE = '''\
"""The checks of {id}: a package, so that they import their helpers from `.common`."""
'''

_PUBLIC = '''\
"""{id}: the checks a student can run.

A check's docstring is the title a student sees; `points` is its worth.
Every assertion message says what was expected and what was seen.
"""

from __future__ import annotations

import pytest

from grader.checks import Scene, expect_async, expect_concurrent, expect_type


@pytest.mark.points(2)
async def test_returns_every_pause(scene: Scene) -> None:
    """returns every pause, shortest first"""
    await expect_async(scene.submission, "wait_all")
    pauses = scene.durations.distinct(4, 0.05, 0.35, gap=0.08)
    returned = await scene.submission.wait_all(pauses)
    expect_type(returned, list, what=f"the value wait_all({{pauses}}) returned")
    assert returned == sorted(pauses), (
        f"wait_all({{pauses}}) should return {{sorted(pauses)}}, but returned {{returned}}"
    )


@pytest.mark.points(2)
async def test_takes_the_longest_pause(scene: Scene) -> None:
    """takes about as long as the longest pause, not their sum"""
    pauses = scene.durations.spread(shortest=0.04, longest=0.3)
    returned = await scene.submission.wait_all(pauses)
    assert sorted(returned) == sorted(pauses), (
        f"wait_all({{pauses}}) should return every pause, but returned {{returned}}"
    )
    expect_concurrent(
        scene.submission.last.elapsed,
        max(pauses),
        what=f"wait_all({{pauses}})",
        sequential=sum(pauses),
        too_slow="were the pauses awaited one after another?",
    )
'''

_HIDDEN = '''\
"""{id}: the checks only the grader runs (a module named test_hidden*.py is hidden)."""

from __future__ import annotations

import pytest

from grader.checks import Scene, expect_responsive


@pytest.mark.points(1)
async def test_loop_free_while_waiting(scene: Scene) -> None:
    """keeps the event loop free while the pauses run"""
    pauses = scene.durations.distinct(3, 0.2, 0.4, gap=0.05)
    await scene.submission.wait_all(pauses)
    expect_responsive(scene.submission.last, what=f"wait_all({{pauses}})")


@pytest.mark.points(1)
async def test_no_pauses(scene: Scene) -> None:
    """returns an empty list at once when there are no pauses"""
    returned = await scene.submission.wait_all([])
    assert returned == [], f"wait_all([]) should return [], but returned {{returned}}"
'''
