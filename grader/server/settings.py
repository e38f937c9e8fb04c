"""How a class server is set up: what `grader serve`'s options say, as one record."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class LatePolicy(StrEnum):
    ACCEPT = "accept"  # taken and marked late
    REFUSE = "refuse"  # refused with a message, nothing stored


@dataclass(frozen=True)
class Rules:
    """What students may hand in, and when: budget, deadlines, size, how long links last."""

    budget_per_hour: float = 10.0  # submissions per student per hour (a token bucket)
    deadlines: dict[str, float] = field(default_factory=dict)  # exercise id (or "*") -> epoch
    late: LatePolicy = LatePolicy.ACCEPT
    max_upload: int = 100_000  # bytes
    links_valid_days: float = 120.0


@dataclass(frozen=True)
class Settings:
    """The server's settings; every default is what `grader serve` alone gives."""

    exercises_dir: Path
    db_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int | None = None  # gradings at once on this machine (default: one per core)
    scheduler: str | None = None  # tcp://HOST:PORT of a dask.distributed cluster
    roster: Path | None = None
    public_url: str | None = None  # how students reach the server, for their links
    rules: Rules = field(default_factory=Rules)
    lease: float = 30.0  # seconds a claimed job stays its grader's without a renewal
    spool: Path = Path("grader-server-files")  # where submissions are written for the workers
    secure_cookies: bool = False  # behind HTTPS: cookies only over HTTPS
    isolation: str = "auto"

    @property
    def budget_per_hour(self) -> float:
        return self.rules.budget_per_hour

    @property
    def deadlines(self) -> dict[str, float]:
        return self.rules.deadlines

    @property
    def late(self) -> LatePolicy:
        return self.rules.late

    @property
    def max_upload(self) -> int:
        return self.rules.max_upload

    @property
    def links_valid_days(self) -> float:
        return self.rules.links_valid_days

    def deadline(self, exercise: str) -> float | None:
        """The exercise's deadline, or the one for every exercise, or None."""
        return self.deadlines.get(exercise, self.deadlines.get("*"))

    def base_url(self) -> str:
        """Where the server is reached, for the links handed to students."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"
