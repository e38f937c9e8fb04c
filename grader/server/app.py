"""The server: the Starlette application, its start and its run under uvicorn.

Why this stack (docs/server.md says it for teachers): Starlette is a small,
well-kept ASGI toolkit with sessions, forms and routing and nothing we do
not use; SQLAlchemy 2 speaks SQLite and PostgreSQL with one code path and
lets the queue use each one's own atomic claim; Alembic migrates the schema
from release to release; uvicorn serves it, behind a reverse proxy for
HTTPS; Jinja2 renders the pages with autoescaping on.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grader.server import api, auth, database, enrollment, pages, workers
from grader.server.enrollment import Links
from grader.server.settings import Settings
from grader.server.state import State

#: The pages' policy: their own script and styles only; frames of this site only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)


class Headers:
    """Security headers on every response that sets none of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",  # sign-in links carry a token
                    b"x-frame-options": b"SAMEORIGIN",
                    b"cache-control": b"no-store",
                }
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def prepare(settings: Settings) -> tuple[Engine, Links]:
    """Connect, bring the schema up to date, enroll the roster: the links made now."""
    engine = database.connect(settings.db_url)
    database.migrate(engine)
    return engine, enrollment.enroll(engine, settings, settings.roster)


def create(engine: Engine, settings: Settings, *, grade: bool = True) -> Starlette:
    """The application; with `grade`, it grades the queue while it runs."""
    state = State(engine, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with contextlib.ExitStack() as stack:
            if grade:
                stack.enter_context(workers.grading(engine, settings, state.wake))
            yield

    app = Starlette(
        routes=[
            *api.routes,
            *pages.routes,
            Mount("/static", StaticFiles(directory=Path(__file__).with_name("static"))),
        ],
        middleware=[
            Middleware(Headers),
            Middleware(
                SessionMiddleware,
                secret_key=auth.session_key(engine),
                session_cookie="grader_session",
                max_age=12 * 3600,
                same_site="lax",
                https_only=settings.secure_cookies,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.grader = state
    return app


def run(engine: Engine, settings: Settings) -> None:
    """Serve until interrupted (Ctrl-C): the jobs in flight go back to the queue."""
    import uvicorn

    uvicorn.run(
        create(engine, settings), host=settings.host, port=settings.port, log_level="warning",
        proxy_headers=True, server_header=False, timeout_graceful_shutdown=5,
    )  # fmt: skip
