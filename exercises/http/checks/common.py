"""http: helpers the public and hidden checks share."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from grader.httpserver import HttpServer
from grader.proxy import Submission


@pytest_asyncio.fixture
async def server(submission: Submission) -> AsyncIterator[HttpServer]:
    """A local HTTP server for this check, reachable by its submission alone."""
    http = HttpServer()
    await http.start(await submission.listener())
    try:
        yield http
    finally:
        await http.close()
