"""downloads: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_async,
    expect_at_most,
    expect_on_the_loop,
    expect_slots_busy,
)

from .common import download_all, download_every_url, make_urls, one_long_first, slowest_first


@pytest.mark.points(1)
async def test_downloads_every_url_once(scene: Scene) -> None:
    """downloads every url once and returns {url: result}"""
    await expect_async(scene.submission, "download_all")
    limit = scene.durations.rng.randint(2, 3)
    urls = make_urls(scene.durations, limit * 3 + scene.durations.rng.randint(0, limit - 1))
    waits = slowest_first(scene.durations, urls, 0.02, 0.12)
    await download_every_url(scene, waits, limit)


@pytest.mark.points(2)
async def test_at_most_limit_in_flight(scene: Scene) -> None:
    """never has more than `limit` downloads in flight"""
    limit = scene.durations.rng.randint(2, 4)
    urls = make_urls(scene.durations, limit * 2 + scene.durations.rng.randint(1, limit))
    waits = slowest_first(scene.durations, urls, 0.03, 0.15)
    await download_every_url(scene, waits, limit)
    expect_at_most(
        scene.recorder,
        limit,
        what=f"download_all with {len(urls)} urls and limit {limit}",
        hint="take a slot (e.g. `async with` one shared asyncio.Semaphore(limit)) around each "
        "download",
    )


@pytest.mark.points(2)
async def test_keeps_the_slots_busy(scene: Scene) -> None:
    """keeps `limit` downloads in flight while urls are waiting"""
    limit = scene.durations.rng.randint(2, 3)
    waits = one_long_first(scene.durations, limit)
    urls = make_urls(scene.durations, len(waits))
    plan = dict(zip(urls, waits, strict=True))
    await download_every_url(scene, plan, limit)
    expect_slots_busy(
        scene.recorder,
        limit,
        what=f"download_all with downloads taking {waits} s and limit {limit}",
        hint="start the next url as soon as any download finishes, not when a whole batch is "
        "done, and don't deal the urls out to the workers in advance",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    limit = scene.durations.rng.randint(2, 3)
    urls = make_urls(scene.durations, limit * 2 + scene.durations.rng.randint(1, limit))
    waits = slowest_first(scene.durations, urls, 0.04, 0.12)
    await download_all(scene, waits, limit, scene.durations.rng.randrange(1000, 9999))
    what = f"download_all with {len(urls)} urls and limit {limit}"
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        at_least=min(waits.values()),
        hint="limit the downloads with one asyncio.Semaphore(limit) shared by tasks on the "
        "running loop (not a pool of threads)",
    )
