"""downloads: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Recorder,
    Submission,
    expect_async,
    expect_at_most,
    expect_on_the_loop,
    expect_slots_busy,
    expect_waited,
)

from .common import download_all, download_every_url, make_urls, one_long_first, slowest_first


@pytest.mark.points(1)
async def test_downloads_every_url_once(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """downloads every url once and returns {url: result}"""
    await expect_async(submission, "download_all")
    limit = durations.rng.randint(2, 3)
    urls = make_urls(durations, limit * 3 + durations.rng.randint(0, limit - 1))
    waits = slowest_first(durations, urls, 0.02, 0.12)
    await download_every_url(submission, durations, recorder, waits, limit)


@pytest.mark.points(2)
async def test_at_most_limit_in_flight(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """never has more than `limit` downloads in flight"""
    limit = durations.rng.randint(2, 4)
    urls = make_urls(durations, limit * 2 + durations.rng.randint(1, limit))
    waits = slowest_first(durations, urls, 0.03, 0.15)
    await download_every_url(submission, durations, recorder, waits, limit)
    expect_at_most(
        recorder,
        limit,
        what=f"download_all with {len(urls)} urls and limit {limit}",
        hint="take a slot (e.g. `async with` one shared asyncio.Semaphore(limit)) around each "
        "download",
    )


@pytest.mark.points(2)
async def test_keeps_the_slots_busy(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """keeps `limit` downloads in flight while urls are waiting"""
    limit = durations.rng.randint(2, 3)
    waits = one_long_first(durations, limit)
    urls = make_urls(durations, len(waits))
    plan = dict(zip(urls, waits, strict=True))
    await download_every_url(submission, durations, recorder, plan, limit)
    expect_slots_busy(
        recorder,
        limit,
        what=f"download_all with downloads taking {waits} s and limit {limit}",
        hint="start the next url as soon as any download finishes, not when a whole batch is "
        "done, and don't deal the urls out to the workers in advance",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    limit = durations.rng.randint(2, 3)
    urls = make_urls(durations, limit * 2 + durations.rng.randint(1, limit))
    waits = slowest_first(durations, urls, 0.04, 0.12)
    await download_all(submission, recorder, waits, limit, durations.rng.randrange(1000, 9999))
    what = f"download_all with {len(urls)} urls and limit {limit}"
    expect_waited(
        submission.last.elapsed, min(waits.values()), what=what, hint="did it skip the waiting?"
    )
    expect_on_the_loop(
        submission.last,
        what=what,
        hint="limit the downloads with one asyncio.Semaphore(limit) shared by tasks on the "
        "running loop (not a pool of threads)",
    )
