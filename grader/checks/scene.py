"""`Scene`: what one check works with, taken as one fixture.

Nearly every check needs the submission, the waits drawn for it and a recorder
for the callables it injects, and the helpers a check folder shares pass the
three along together. One fixture, `scene`, hands them over as one value::

    async def test_takes_the_longest_wait(scene: Scene) -> None:
        waits = scene.durations.spread(shortest=0.05, longest=0.3)
        await scene.submission.run_all(scene.recorder.sleeper(waits))

The three fixtures `submission`, `durations` and `recorder` stay: `scene` is
exactly them (the same objects a check would get by asking for them too).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.checks.submission import Submission
from grader.checks.timing import Durations, Recorder

__all__ = ["Scene"]


@dataclass(frozen=True, slots=True)
class Scene:
    """The submission under test, the waits drawn for this check, and its recorder."""

    submission: Submission
    durations: Durations
    recorder: Recorder
