"""http: the checks a student can run.

Each check starts a real HTTP server on 127.0.0.1 (grader.httpserver), in the
grader's own process, whose pages answer with chosen statuses after chosen
delays; the submission requests them with aiohttp from its sandbox.
"""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    HttpServer,
    Scene,
    SubmissionRaised,
    expect_async,
    expect_concurrent_waits,
    expect_on_the_loop,
)

from .common import (
    expect_statuses,
    fetch_statuses,
    serve,  # noqa: F401 (the fixture `server`)
)


def pages(durations: Durations, count: int) -> list[str]:
    """`count` distinct paths."""
    return [f"/links/{n}" for n in durations.choose(range(100, 1000), count)]


@pytest.mark.points(1)
async def test_returns_each_status(scene: Scene, server: HttpServer) -> None:
    """returns {url: status code} for every url"""
    await expect_async(scene.submission, "fetch_statuses")
    paths = pages(scene.durations, scene.durations.rng.randint(3, 4))
    waits = scene.durations.slowest_first(scene.durations.distinct(len(paths), 0.01, 0.1, gap=0.02))
    statuses = scene.durations.choose([200, 201, 202, 203], len(paths))  # one status per url
    expected = {
        server.route(path, delay=wait, status=status): status
        for path, wait, status in zip(paths, waits, statuses, strict=True)
    }
    await fetch_statuses(scene.submission, server, expected)


@pytest.mark.points(2)
async def test_error_statuses_are_results(scene: Scene, server: HttpServer) -> None:
    """error statuses (404, 500) are results, not exceptions"""
    # The first url is the slowest and answers 200: no other url does, so statuses
    # paired with the urls in arrival order are wrong on every draw.
    statuses = [
        200,
        *scene.durations.choose([404, 500, scene.durations.rng.choice([403, 410, 502, 503])], 3),
    ]
    paths = pages(scene.durations, len(statuses) + 1)
    waits = scene.durations.slowest_first(
        scene.durations.distinct(len(statuses), 0.01, 0.1, gap=0.02)
    )
    expected = {
        server.route(path, delay=wait, status=status): status
        for path, wait, status in zip(paths, waits, statuses, strict=False)
    }
    expected[server.url(paths[-1])] = 404  # a page the server does not have at all
    try:
        returned = await scene.submission.fetch_statuses(list(expected))
    except SubmissionRaised as error:
        if error.type_name != "ClientResponseError":
            raise
        raise AssertionError(
            f"fetch_statuses raised {error.type_name} ({error.detail}); a 404 or 500 is an "
            "answer like any other: put its status in the dict, and don't use "
            "raise_for_status"
        ) from None
    expect_statuses(returned, expected, server)


@pytest.mark.points(2)
async def test_takes_the_slowest_response(scene: Scene, server: HttpServer) -> None:
    """requests all urls at once: takes about as long as the slowest response"""
    waits = scene.durations.spread(shortest=0.04, longest=0.3)
    paths = pages(scene.durations, len(waits))
    expected = {
        server.route(path, delay=wait): 200 for path, wait in zip(paths, waits, strict=True)
    }
    await fetch_statuses(scene.submission, server, expected)
    expect_concurrent_waits(
        scene.submission.last.elapsed,
        waits,
        what=f"fetch_statuses with responses taking {waits} s",
        too_fast="did it wait for every response?",
        too_slow="were the requests made one after another? (a blocking library such as "
        "requests or urllib also makes them so) start them all at once with asyncio.gather",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene, server: HttpServer) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    paths = pages(scene.durations, scene.durations.rng.randint(3, 4))
    waits = scene.durations.distinct(len(paths), 0.12, 0.25, gap=0.03)
    urls = [server.route(path, delay=wait) for path, wait in zip(paths, waits, strict=True)]
    await scene.submission.fetch_statuses(urls)
    what = f"fetch_statuses with responses taking {waits} s"
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        at_least=min(waits),
        too_fast="did it wait for every response?",
        hint="make the requests with aiohttp, as tasks on the running loop (a blocking "
        "library such as requests or urllib in threads is not the exercise)",
    )
