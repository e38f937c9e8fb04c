"""The database: an engine for SQLite or PostgreSQL, and the schema brought up to date.

SQLite takes every transaction with BEGIN IMMEDIATE: the server's threads
and its grading dispatchers then queue for the one writer instead of
failing half-way with "database is locked", and a read-then-write (the
budget, a job's claim) cannot be overtaken between its two steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from grader.errors import GraderError

MIGRATIONS = Path(__file__).with_name("migrations")


class BadDatabase(GraderError):
    """The database URL cannot be used."""


def normalize(url: str) -> str:
    """The SQLAlchemy URL for `url`: `postgresql://` is driven by psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("sqlite://", "postgresql+psycopg://")):
        return url
    raise BadDatabase(f"--db {url}: expected sqlite:///FILE or postgresql://USER@HOST/DATABASE")


def shown(url: str) -> str:
    """`url` as it may be printed: any password masked."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: nothing in it to hide
        return url


def default_url(folder: Path) -> str:
    """The default database: an SQLite file in `folder`."""
    return f"sqlite:///{(folder / 'grader-server.db').absolute()}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def connect(url: str) -> Engine:
    """An engine for `url`; its schema is not touched (see `migrate`)."""
    full = normalize(url)
    if full.startswith("sqlite"):
        engine = create_engine(
            full, connect_args={"check_same_thread": False, "timeout": 60, "isolation_level": None}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL keeps commits durable across a kill
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _immediate(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    try:
        # The dispatcher's threads (up to four per core) and the request threads share it.
        return create_engine(full, pool_size=20, max_overflow=20, pool_pre_ping=True)
    except ImportError:
        raise BadDatabase(
            "PostgreSQL needs psycopg: pip install 'asyncio-grader[server]'"
        ) from None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic), creating it on a new database."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
