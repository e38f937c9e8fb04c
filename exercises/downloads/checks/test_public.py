"""downloads: the checks a student can run."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import (
    Durations,
    Recorder,
    Submission,
    expect_async,
    expect_at_most,
    expect_slots_busy,
    expect_type,
)


def make_urls(durations: Durations, count: int) -> list[str]:
    """`count` distinct urls."""
    numbers = durations.choose(range(100, 1000), count)
    return [f"https://files.example.com/{n}.zip" for n in numbers]


def batched_waits(durations: Durations, limit: int, batches: int) -> list[float]:
    """Waits for `limit * batches` downloads: in every run of `limit` consecutive
    urls one is long and the others short, so a pool that works in batches of
    `limit` leaves slots idle while the long one of each batch runs."""
    longs = durations.distinct(batches, 0.17, 0.25, gap=0.02)
    shorts = durations.distinct(batches * (limit - 1), 0.03, 0.06, gap=0.004)
    waits: list[float] = []
    for i in range(batches):
        batch = [longs[i], *shorts[i * (limit - 1) : (i + 1) * (limit - 1)]]
        durations.rng.shuffle(batch)
        waits += batch
    return waits


async def download_all(
    submission: Submission, recorder: Recorder, waits: dict[str, float], limit: int, tag: int
) -> Any:
    download = recorder.sleeper(waits, result=lambda url: f"<contents of {url} #{tag}>")
    return await submission.download_all(download, list(waits), limit)


def expect_results(returned: Any, recorder: Recorder, urls: list[str], tag: int) -> None:
    """Every url was downloaded once, and the dict maps each url to its own result."""
    expect_type(returned, dict, what="the value download_all returned")
    for url in urls:
        times = recorder.keys.count(url)
        if times != 1:
            raise AssertionError(
                f"download({url!r}) was called {times} times; call it once for every url"
            )
    expected = {url: f"<contents of {url} #{tag}>" for url in urls}
    for url, result in expected.items():
        if url not in returned:
            raise AssertionError(f"the dict download_all returned has no entry for {url!r}")
        if returned[url] != result:
            raise AssertionError(
                f"the dict maps {url!r} to {returned[url]!r}, but download({url!r}) "
                f"returned {result!r}"
            )
    extra = [key for key in returned if key not in expected]
    if extra:
        raise AssertionError(f"the dict download_all returned has extra keys: {extra}")


@pytest.mark.points(2)
async def test_downloads_every_url_once(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """downloads every url once and returns {url: result}"""
    await expect_async(submission, "download_all")
    limit = durations.rng.randint(2, 3)
    urls = make_urls(durations, limit * 3 + durations.rng.randint(0, limit - 1))
    waits = dict(zip(urls, durations.distinct(len(urls), 0.02, 0.12, gap=0.008), strict=True))
    tag = durations.rng.randrange(1000, 9999)
    returned = await download_all(submission, recorder, waits, limit, tag)
    expect_results(returned, recorder, urls, tag)


@pytest.mark.points(2)
async def test_at_most_limit_in_flight(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """never has more than `limit` downloads in flight"""
    limit = durations.rng.randint(2, 4)
    urls = make_urls(durations, limit * 2 + durations.rng.randint(1, limit))
    waits = dict(zip(urls, durations.distinct(len(urls), 0.03, 0.15, gap=0.008), strict=True))
    tag = durations.rng.randrange(1000, 9999)
    returned = await download_all(submission, recorder, waits, limit, tag)
    expect_results(returned, recorder, urls, tag)
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
    waits = batched_waits(durations, limit, batches=3)
    urls = make_urls(durations, len(waits))
    plan = dict(zip(urls, waits, strict=True))
    tag = durations.rng.randrange(1000, 9999)
    returned = await download_all(submission, recorder, plan, limit, tag)
    expect_results(returned, recorder, urls, tag)
    expect_slots_busy(
        recorder,
        limit,
        what=f"download_all with downloads taking {waits} s and limit {limit}",
        hint="start the next url as soon as any download finishes, not when a whole batch is done",
    )
