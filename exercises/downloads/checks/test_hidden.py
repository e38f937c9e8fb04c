"""downloads: the checks only the grader runs."""

from __future__ import annotations

import math

import pytest

from grader.checks import (
    Scene,
    expect_at_most,
    expect_concurrent,
    expect_concurrent_waits,
    expect_on_time,
    expect_waited,
    expect_within,
)

from .common import download_every_url, make_urls

#: The hidden checks' results need no tag of their own draw: any fixed one will do.
TAG = 0


@pytest.mark.points(1)
async def test_equal_downloads(scene: Scene) -> None:
    """n downloads of d seconds each take about ceil(n / limit) × d"""
    limit = scene.durations.rng.randint(3, 5)
    urls = make_urls(scene.durations, 2 * limit)
    d = scene.durations.between(0.06, 0.1)
    await download_every_url(scene, dict.fromkeys(urls, d), limit, TAG)
    what = f"download_all with {len(urls)} downloads of {d} s and limit {limit}"
    # Counted, not timed: load can slow unlimited code down to the expected time.
    expect_at_most(
        scene.recorder, limit, what=what, hint=f"at most {limit} downloads may run at once"
    )
    expected = math.ceil(len(urls) / limit) * d
    expect_concurrent(
        scene.submission.last.elapsed,
        expected,
        what=what,
        sequential=len(urls) * d,
        too_fast=f"were more than {limit} downloads running at once?",
        too_slow=f"were fewer than {limit} downloads running at once?",
    )


@pytest.mark.points(1)
async def test_limit_one(scene: Scene) -> None:
    """with limit 1, downloads one url at a time"""
    urls = make_urls(scene.durations, 4)
    waits = dict(zip(urls, scene.durations.distinct(4, 0.03, 0.12, gap=0.02), strict=True))
    await download_every_url(scene, waits, 1, TAG)
    what = f"download_all with downloads taking {list(waits.values())} s and limit 1"
    expect_at_most(scene.recorder, 1, what=what, hint="a limit of 1 means one download at a time")
    total = sum(waits.values())
    expect_waited(scene.submission.last.elapsed, total, what=what, hint="were downloads skipped?")
    expect_within(
        scene.submission.last.elapsed, total, what=what, about="one after another they take",
        hint="did it wait between downloads?",
    )  # fmt: skip


@pytest.mark.points(1)
async def test_all_at_once_when_the_limit_allows(scene: Scene) -> None:
    """with as many slots as urls, starts every download at once"""
    count = scene.durations.rng.randint(3, 5)
    urls = make_urls(scene.durations, count)
    drawn = scene.durations.distinct(count, 0.15, 0.3, gap=0.03)
    waits = dict(zip(urls, scene.durations.slowest_first(drawn), strict=True))
    await download_every_url(scene, waits, count, TAG)
    call = scene.submission.last
    for span in scene.recorder.spans:
        expect_on_time(
            span.started - call.started,
            0.0,
            what=f"download({span.key!r}) (limit {count}, {count} urls)",
            early="",
            late=f"with limit {count}, all {count} downloads should start right away",
        )
    expect_concurrent_waits(call.elapsed, waits.values(), what=f"download_all with limit {count}")
