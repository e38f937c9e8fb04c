"""A real HTTP server on 127.0.0.1, run by a check in the trusted process.

The `http` exercise asks for requests made with aiohttp in the submission's
child process; this is the other end. A check declares each path it serves,
with the status it answers and how long it waits first, then hands the urls
to the submission::

    server = HttpServer()
    await server.start(await submission.listener())
    url = server.route("/slow", delay=0.3, status=404)
    ...
    await server.close()

The listening socket comes from the submission's sandbox: under the
namespaces backend it lives in the child's own network namespace, so only
that child can reach the server.

Everything the verdicts rest on is seen here: each request's arrival and the
moment its answer was sent (trusted clock), the cookies it carried, and the
connection it came on. A connection is numbered in the order the server first
saw it, so a check can tell whether two requests shared one (a pooled
keep-alive connection, as one `aiohttp.ClientSession` reuses them) and whether
the client has closed it since.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from grader.checks import submission
from grader.clock import now


@dataclass(frozen=True)
class Route:
    """How the server answers one path: after `delay` s, with `status`.

    With `redirect`, the answer is that status (a 3xx) with a Location header.
    `close` ends the connection after the answer ("Connection: close"), so
    the client needs another connection for its next request.
    """

    delay: float = 0.0
    status: int = 200
    redirect: str | None = None
    close: bool = False


@dataclass
class Hit:
    """One request as the server saw it."""

    path: str
    arrived: float
    connection: int
    cookies: dict[str, str] = field(default_factory=dict)
    answered: float | None = None  # when the answer was written; None if it never was
    status: int | None = None


class HttpServer:
    """Serves declared routes on 127.0.0.1 (a free port) and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._connections: dict[int, Any] = {}  # number -> the aiohttp protocol object
        self._numbers: dict[int, int] = {}  # id(protocol) -> number

    async def start(self, listener: socket.socket | None = None) -> None:
        """Serve on `listener` (from `Submission.listener()`).

        Without one, the listener of the check's current submission is used
        (check files of earlier kits call `start()` with no argument), or, with
        no submission at all, a free port of the grader's own 127.0.0.1.
        """
        if listener is None:
            current = submission.current.get(None)
            if current is not None:
                listener = await current.listener()
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.1,
            handler_cancellation=True,
        )  # fmt: skip
        await self._runner.setup()
        site: web.BaseSite
        if listener is not None:
            site = web.SockSite(self._runner, listener)
        else:
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = self._runner.addresses
        self.port = int(sockets[0][1])

    async def close(self) -> None:
        """Stop listening, drop every connection and cancel answers still waiting."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(
        self,
        path: str,
        *,
        delay: float = 0.0,
        status: int = 200,
        redirect: str | None = None,
        close: bool = False,
    ) -> str:
        """Serve `path` (answer with `status` after `delay` s); return its full url."""
        self.routes[path] = Route(delay, status, redirect, close)
        return self.url(path)

    # -- what a check reads -------------------------------------------------

    def hits_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    def open_connections(self) -> list[int]:
        """The connections (by number) the client has not closed yet."""
        return [
            number
            for number, protocol in self._connections.items()
            if protocol.transport is not None and not protocol.transport.is_closing()
        ]

    async def wait_closed(self, within: float) -> list[int]:
        """Wait up to `within` s for the client to close every connection; return those left.

        A client that closes its connections before it returns has sent its
        side of the close already; this gives the server's loop the moment it
        needs to notice.
        """
        deadline = now() + within
        while True:
            left = self.open_connections()
            if not left or now() >= deadline:
                return left
            await asyncio.sleep(0.005)

    @property
    def connections(self) -> int:
        """How many connections the server has seen in all."""
        return len(self._connections)

    # -- serving ------------------------------------------------------------

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        hit = Hit(
            path=request.path,
            arrived=now(),
            connection=self._number(request.protocol),
            cookies=dict(request.cookies),
        )
        self.hits.append(hit)
        route = self.routes.get(request.path)
        if route is None:
            hit.status = 404
            hit.answered = now()
            return web.Response(status=404, text="no such page on the grader's server")
        await asyncio.sleep(route.delay)
        headers = {"Location": route.redirect} if route.redirect else {}
        if route.close:
            headers["Connection"] = "close"
        response = web.Response(status=route.status, text=f"{route.status} {request.path}\n",
                                headers=headers)  # fmt: skip
        if route.close:
            response.force_close()
        hit.status = route.status
        hit.answered = now()
        return response

    def _number(self, protocol: Any) -> int:
        key = id(protocol)
        if key not in self._numbers or self._connections[self._numbers[key]] is not protocol:
            number = len(self._connections) + 1
            self._numbers[key] = number
            self._connections[number] = protocol  # kept alive, so its id is never reused
        return self._numbers[key]
