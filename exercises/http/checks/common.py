"""http: helpers the public and hidden checks share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from grader.checks import CheckFailed, HttpServer, Submission, expect_entries


@pytest_asyncio.fixture(name="server")
async def serve(submission: Submission) -> AsyncIterator[HttpServer]:
    """The fixture `server`: a local HTTP server for this check, reachable by its submission alone.

    A check file makes it available to its checks by importing `serve`.
    """
    http = HttpServer()
    await http.start(await submission.listener())
    try:
        yield http
    finally:
        await http.close()


def expect_statuses(returned: Any, expected: dict[str, int], server: HttpServer) -> None:
    """The dict maps every url to the status the server answered, and each was requested."""
    for url in expected:
        path = url.removeprefix(server.url(""))
        if not server.hits_for(path):
            raise CheckFailed(
                f"{url} was never requested",
                expected=f"a GET request for {url}",
                measured="no request for it reached the server",
            )
    expect_entries(
        returned,
        expected,
        what="fetch_statuses",
        key_text=str,
        mismatch=lambda url, got: _mismatch(url, got, expected[url]),
    )


async def fetch_statuses(
    submission: Submission, server: HttpServer, expected: dict[str, int]
) -> None:
    """fetch_statuses on the urls of `expected`: it must map each to the status it answered."""
    returned = await submission.fetch_statuses(list(expected))
    expect_statuses(returned, expected, server)


def _mismatch(url: str, got: object, status: int) -> str:
    """Why the dict's entry for `url` is wrong, as a student can act on it."""
    if isinstance(got, int) and 300 <= got < 400:
        return (
            f"{url} answered {got}, a redirect to a page that answers {status}, and the dict "
            f"maps it to {got}; the checks expect the status of the final answer, as aiohttp "
            "gives it when it follows redirects (its default: leave out allow_redirects=False)"
        )
    return (
        f"{url} answered with status {status}, but the dict maps it to {got!r}; use response.status"
    )


#: What Python prints when a ClientSession (or its connector) is garbage-collected unclosed.
UNCLOSED = ("Unclosed client session", "Unclosed connector")
