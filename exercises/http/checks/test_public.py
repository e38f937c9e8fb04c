"""http: the checks a student can run.

Each check starts a real HTTP server on 127.0.0.1 (grader.httpserver), in the
grader's own process, whose pages answer with chosen statuses after chosen
delays; the submission requests them with aiohttp from its sandbox.
"""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import (
    Durations,
    HttpServer,
    Submission,
    SubmissionRaised,
    expect_async,
    expect_concurrent,
    expect_type,
    sibling,
)

common = sibling(__file__)
server = common.server


def pages(durations: Durations, count: int) -> list[str]:
    """`count` distinct paths."""
    return [f"/links/{n}" for n in durations.choose(range(100, 1000), count)]


def expect_statuses(returned: Any, expected: dict[str, int], server: HttpServer) -> None:
    """The dict maps every url to the status the server answered, and was requested."""
    expect_type(returned, dict, what="the value fetch_statuses returned")
    for url, status in expected.items():
        path = url.removeprefix(server.url(""))
        if not server.hits_for(path):
            raise AssertionError(f"{url} was never requested")
        if url not in returned:
            raise AssertionError(f"the dict fetch_statuses returned has no entry for {url}")
        if returned[url] != status:
            raise AssertionError(
                f"{url} answered with status {status}, but the dict maps it to {returned[url]!r}; "
                "use response.status"
            )
    extra = [key for key in returned if key not in expected]
    if extra:
        raise AssertionError(f"the dict fetch_statuses returned has extra keys: {extra}")


@pytest.mark.points(2)
async def test_returns_each_status(
    submission: Submission, durations: Durations, server: HttpServer
) -> None:
    """returns {url: status code} for every url"""
    await expect_async(submission, "fetch_statuses")
    paths = pages(durations, durations.rng.randint(3, 5))
    waits = durations.distinct(len(paths), 0.01, 0.1, gap=0.02)
    statuses = [durations.rng.choice([200, 201, 202, 203]) for _ in paths]
    expected = {
        server.route(path, delay=wait, status=status): status
        for path, wait, status in zip(paths, waits, statuses, strict=True)
    }
    returned = await submission.fetch_statuses(list(expected))
    expect_statuses(returned, expected, server)


@pytest.mark.points(2)
async def test_error_statuses_are_results(
    submission: Submission, durations: Durations, server: HttpServer
) -> None:
    """error statuses (404, 500) are results, not exceptions"""
    statuses = [200, 404, 500, durations.rng.choice([403, 410, 502, 503])]
    durations.rng.shuffle(statuses)
    paths = pages(durations, len(statuses) + 1)
    waits = durations.distinct(len(statuses), 0.01, 0.1, gap=0.02)
    expected = {
        server.route(path, delay=wait, status=status): status
        for path, wait, status in zip(paths, waits, statuses, strict=False)
    }
    expected[server.url(paths[-1])] = 404  # a page the server does not have at all
    try:
        returned = await submission.fetch_statuses(list(expected))
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
async def test_takes_the_slowest_response(
    submission: Submission, durations: Durations, server: HttpServer
) -> None:
    """requests all urls at once: takes about as long as the slowest response"""
    waits = durations.spread(shortest=0.04, longest=0.3)
    paths = pages(durations, len(waits))
    expected = {
        server.route(path, delay=wait): 200 for path, wait in zip(paths, waits, strict=True)
    }
    returned = await submission.fetch_statuses(list(expected))
    expect_statuses(returned, expected, server)
    expect_concurrent(
        submission.last.elapsed,
        max(waits),
        what=f"fetch_statuses with responses taking {waits} s",
        sequential=sum(waits),
        too_fast="did it wait for every response?",
        too_slow="were the requests made one after another? (a blocking library such as "
        "requests or urllib also makes them so) start them all at once with asyncio.gather",
    )
