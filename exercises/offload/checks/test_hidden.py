"""offload: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    SubmissionRaised,
)

from .common import expect_each_written_once, make_lines, make_write


@pytest.mark.points(3)
async def test_skips_failed_writes(scene: Scene) -> None:
    """skips a write that raises OSError: counts only the lines written, and writes the rest"""
    lines = make_lines(scene.durations, 4)
    # Always two full disks: a count that assumes a single failure is wrong on every draw.
    full = set(scene.durations.choose(lines, 2))
    waits = scene.durations.distinct(4, 0.03, 0.15)
    delays = dict(zip(lines, waits, strict=True))
    write = make_write(scene.recorder, delays, full)
    what = f"save_all(write, {lines}) where write raises OSError for {sorted(full)}"
    try:
        returned = await scene.submission.save_all(write, lines)
    except SubmissionRaised as raised:
        raise AssertionError(
            f"{what} raised {raised.type_name}: {raised.detail}; a write that raises OSError "
            "must be skipped (catch OSError around that one write), not crash save_all"
        ) from None
    expect_each_written_once(scene.recorder, lines)
    written = len(lines) - len(full)
    assert returned == written, (
        f"{what} should return {written} (the lines actually written), but returned "
        f"{returned!r}; a write that raised OSError does not count"
    )
