"""downloads: helpers the public and the hidden checks share."""

from __future__ import annotations

from typing import Any

from grader.checks import CheckFailed, Durations, Recorder, Scene, expect_entries


def make_urls(durations: Durations, count: int) -> list[str]:
    """`count` distinct urls."""
    numbers = durations.choose(range(100, 1000), count)
    return [f"https://files.example.com/{n}.zip" for n in numbers]


def one_long_first(durations: Durations, limit: int) -> list[float]:
    """Waits for a pool test: the first url is long, all the others short.

    A pool that hands out urls on demand keeps the other slots busy with the
    short ones while the long one runs. A pool that deals the urls out before
    it starts (worker i gets urls[i::limit], or a chunk of consecutive urls)
    gives the worker of the long url more urls, which wait behind it while the
    other workers, done with their share, sit idle: for far longer than the
    tolerance, on every draw (the long wait is at least 0.35 s, and all the
    short ones of a worker's share add up to well under 0.15 s).
    """
    count = limit * 3 + durations.rng.randint(1, limit)
    shorts = [durations.between(0.02, 0.035) for _ in range(count - 1)]
    return [durations.between(0.35, 0.45), *shorts]


def slowest_first(
    durations: Durations, urls: list[str], shortest: float, longest: float
) -> dict[str, float]:
    """A distinct wait for each url, the slowest first: results never come back in url order."""
    drawn = durations.distinct(len(urls), shortest, longest, gap=0.008)
    return dict(zip(urls, durations.slowest_first(drawn), strict=True))


def result_of(url: str, tag: int) -> str:
    return f"<contents of {url} #{tag}>"


async def download_all(scene: Scene, waits: dict[str, float], limit: int, tag: int) -> Any:
    """download_all(download, urls, limit) with a recorded download."""
    download = scene.recorder.sleeper(waits, result=lambda url: result_of(url, tag))
    return await scene.submission.download_all(download, list(waits), limit)


async def download_every_url(
    scene: Scene, waits: dict[str, float], limit: int, tag: int | None = None
) -> None:
    """download_all, which must download every url once and map each to its own result.

    The results carry `tag`, drawn when not given.
    """
    if tag is None:
        tag = scene.durations.rng.randrange(1000, 9999)
    returned = await download_all(scene, waits, limit, tag)
    expect_results(returned, scene.recorder, list(waits), tag)


def expect_results(returned: Any, recorder: Recorder, urls: list[str], tag: int) -> None:
    """Every url was downloaded once, and the dict maps each url to its own result."""
    for url in urls:
        times = recorder.keys.count(url)
        if times != 1:
            raise CheckFailed(
                f"download({url!r}) was called {times} times; call it once for every url",
                expected=f"download({url!r}) called once",
                measured=f"called {times} times",
            )
    expected = {url: result_of(url, tag) for url in urls}
    expect_entries(
        returned,
        expected,
        what="download_all",
        mismatch=lambda url, got: (
            f"the dict maps {url!r} to {got!r}, but download({url!r}) returned {expected[url]!r}"
        ),
    )
