"""http: helpers the public and hidden checks share."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from grader.checks import (
    HttpServer,
)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[HttpServer]:
    """A local HTTP server for this check."""
    http = HttpServer()
    await http.start()
    try:
        yield http
    finally:
        await http.close()
