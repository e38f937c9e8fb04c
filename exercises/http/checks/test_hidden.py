"""http: the checks only the grader runs.

One `ClientSession` shows on the server's side as one pool of connections:
a connection the pool got back from one url's request serves another url's
next request. Sessions of their own never share a connection. To give the
pool that chance, every url first answers with a redirect that ends its
connection ("Connection: close"); the follow-up request then needs a
connection, and by then the urls whose redirect came earlier are done and
their connections idle in the pool. A session that is closed closes its
connections; the server sees which are still open after the call. A session
that is only dropped is closed by the garbage collector, and aiohttp says so
on the child's stderr ("Unclosed client session"), however soon that happens.
"""

from __future__ import annotations

import pytest

from grader.checks import (
    CheckFailed,
    HttpServer,
    Scene,
    TimingError,
    expect_uses,
    slack,
)

from .common import (
    UNCLOSED,
    fetch_statuses,
    serve,  # noqa: F401 (the fixture `server`)
)


@pytest.mark.points(2)
async def test_one_session(scene: Scene, server: HttpServer) -> None:
    """sends every request through one ClientSession"""
    numbers = scene.durations.choose(range(100, 1000), 4)
    redirects = scene.durations.distinct(len(numbers), 0.03, 0.3, gap=0.08)
    expected: dict[str, int] = {}
    for number, wait in zip(numbers, redirects, strict=True):
        final = f"/go/{number}/page"
        # One status for all: pairing the statuses with the wrong urls is another check's.
        status = 200
        server.route(final, delay=scene.durations.between(0.0, 0.01), status=status)
        url = server.route(f"/go/{number}", delay=wait, status=302, redirect=final, close=True)
        expected[url] = status
    await fetch_statuses(scene.submission, server, expected)
    expect_uses(
        scene.submission,
        ("aiohttp.ClientSession", "aiohttp.client.ClientSession"),
        what="fetch_statuses",
        why="the exercise asks for its requests through aiohttp",
        hint="make every request through one `aiohttp.ClientSession()`",
    )
    urls_on: dict[int, set[str]] = {}
    for hit in server.hits:
        urls_on.setdefault(hit.connection, set()).add(hit.path.removesuffix("/page"))
    shared = [paths for paths in urls_on.values() if len(paths) > 1]
    assert shared, (
        f"the {len(expected)} urls were requested on {server.connections} connections, none of "
        "which ever served two of them: each request had a connection pool of its own. "
        "Create one aiohttp.ClientSession and make every request through it"
    )


@pytest.mark.points(1)
async def test_closes_its_session(scene: Scene, server: HttpServer) -> None:
    """closes its session: leaves no connection open when it returns"""
    numbers = scene.durations.choose(range(100, 1000), 3)
    waits = scene.durations.distinct(len(numbers), 0.02, 0.1, gap=0.03)
    expected = {
        server.route(f"/status/{number}", delay=wait): 200
        for number, wait in zip(numbers, waits, strict=True)
    }
    await fetch_statuses(scene.submission, server, expected)
    warned = [text for text in UNCLOSED if text in scene.submission.last.stderr]
    if warned:
        # Not a matter of time: the session was left to the garbage collector.
        raise CheckFailed(
            "fetch_statuses never closed its ClientSession: it was dropped when the function "
            f"returned, and the garbage collector closed it (Python warned {warned[0]!r}). "
            "Close it yourself: `async with aiohttp.ClientSession() as session:` does",
            expected="the ClientSession is closed before fetch_statuses returns",
            measured=f"it was garbage-collected unclosed ({warned[0]!r} on stderr)",
            hint="use `async with aiohttp.ClientSession() as session:`",
        )
    left = await server.wait_closed(within=slack(0.0))
    if left:
        raise TimingError(
            f"after fetch_statuses returned, {len(left)} of its {server.connections} connections "
            "to the server were still open: its ClientSession was never closed. Use "
            "`async with aiohttp.ClientSession() as session:`, which closes it",
            expected="no connection open after fetch_statuses returned",
            measured=f"{len(left)} of {server.connections} connections still open",
            hint="use `async with aiohttp.ClientSession() as session:`",
        )
