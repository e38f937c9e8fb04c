"""The report of one grading: statuses, per-check results, and their JSON and text forms.

The JSON shape is fixed by the command-line contract (`shared/spec/cli.md`):
outside tools and teachers' scripts read it, so keys are never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from grader.grading.notebook import NotebookNote
from grader.grading.observations import Diagnostic, Timeline


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the submission raised, crashed or exited
    TIMEOUT = "timeout"
    INCONCLUSIVE = "inconclusive"  # the machine was too busy for its timing to be trusted


class ReportStatus(StrEnum):
    GRADED = "graded"
    ERROR = "error"  # the submission could not be run at all


class Visibility(StrEnum):
    PUBLIC = "public"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class Failure:
    """A failure as data (docs/cli.md), for outputs that show more than the message."""

    expected: str = ""  # what the check expected
    measured: str = ""  # what it measured instead
    hint: str = ""  # what to try
    bounds: dict[str, float] | None = None  # a timing check's numbers, in seconds


@dataclass
class CheckResult:
    """The outcome of one check; its name is the check's docstring title."""

    name: str
    status: CheckStatus
    score: float
    max_score: float
    visibility: Visibility
    message: str = ""
    duration: float = 0.0
    attempts: int = 1
    timing: bool = False  # failed only a time bound, on every attempt
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the submission's lines at fault
    timeline: Timeline | None = None  # what ran when, for checks that record calls
    failure: Failure = field(default_factory=Failure)  # what failed, as data
    # What the grader saw of the check's calls from outside the child (docs/cli.md).
    observed: dict[str, float] | None = None

    @property
    def expected(self) -> str:
        """What the check expected (a failed check)."""
        return self.failure.expected

    @property
    def measured(self) -> str:
        """What it measured instead."""
        return self.failure.measured

    @property
    def hint(self) -> str:
        """What to try."""
        return self.failure.hint

    @property
    def bounds(self) -> dict[str, float] | None:
        """A timing check's numbers, in seconds."""
        return self.failure.bounds

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": str(self.status),
            "score": self.score,
            "max_score": self.max_score,
            "visibility": str(self.visibility),
            "message": self.message,
            "duration": round(self.duration, 3),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "timeline": None if self.timeline is None else self.timeline.to_dict(),
            "expected": self.expected,
            "measured": self.measured,
            "hint": self.hint,
            "bounds": dict(self.bounds) if self.bounds is not None else None,
            "observed": dict(self.observed) if self.observed is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(
            name=str(data["name"]),
            status=CheckStatus(data["status"]),
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            visibility=Visibility(data["visibility"]),
            message=str(data.get("message", "")),
            duration=float(data.get("duration", 0.0)),
            attempts=int(data.get("attempts", 1)),
            timing=bool(data.get("timing", False)),
            diagnostics=[Diagnostic.from_dict(d) for d in data.get("diagnostics", [])],
            timeline=Timeline.from_dict(data["timeline"]) if data.get("timeline") else None,
            failure=Failure(
                expected=str(data.get("expected") or ""),
                measured=str(data.get("measured") or ""),
                hint=str(data.get("hint") or ""),
                bounds=_bounds(data.get("bounds")),
            ),
            observed=_bounds(data.get("observed")),
        )


def _missing(raw: Any) -> list[str] | None:
    return [str(m) for m in raw] if isinstance(raw, list) else None


def _bounds(raw: Any) -> dict[str, float] | None:
    if not isinstance(raw, dict):
        return None
    return {str(key): float(value) for key, value in raw.items() if isinstance(value, int | float)}


@dataclass(frozen=True)
class Resources:
    """The memory and processes a submission's checks were limited to, and how."""

    memory_mb: int
    processes: int
    applied: str  # "cgroup v2" or "cgroup v1": for each check together; "per process": each
    why: str | None = None  # why not per check, when per process

    def to_dict(self) -> dict[str, Any]:
        return {
            "memory_mb": self.memory_mb, "processes": self.processes,
            "applied": self.applied, "why": self.why,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Any) -> Resources | None:
        if not isinstance(data, dict):
            return None
        why = data.get("why")
        return cls(
            int(data.get("memory_mb", 0)), int(data.get("processes", 0)),
            str(data.get("applied", "")), str(why) if why is not None else None,
        )  # fmt: skip


@dataclass
class Report:
    """One submission graded against one exercise."""

    exercise: str
    submission: str
    max_score: float
    status: ReportStatus = ReportStatus.GRADED
    duration: float = 0.0
    checks: list[CheckResult] = field(default_factory=list)
    message: str = ""
    isolation: str = "unknown"  # the sandbox backend it ran under
    isolation_missing: list[str] = field(default_factory=list)  # protections it lacked
    # What the grader could not observe of the submission from outside, and why (docs/cli.md);
    # None when the grading recorded nothing of it (a report from before it was observed).
    observation_missing: list[str] | None = None
    # Graded on the public checks alone (`check`, or `grade --public-only`): the
    # score says nothing of the hidden checks, and the report must say so.
    public_only: bool = False
    seed: int | None = None  # the seed the checks' random cases were drawn from
    resources: Resources | None = None  # None: a report from before they were recorded
    notebook: NotebookNote | None = None  # a notebook's cells and what of them was left out

    @property
    def score(self) -> float:
        if self.status is ReportStatus.ERROR:
            return 0.0
        return round(sum(check.score for check in self.checks), 2)

    @property
    def timing_only(self) -> bool:
        """Graded, and every failed check failed only on time: load could be the cause."""
        failed = [c for c in self.checks if c.status is not CheckStatus.PASSED]
        return self.status is ReportStatus.GRADED and bool(failed) and all(c.timing for c in failed)

    @property
    def passed(self) -> bool:
        return self.status is ReportStatus.GRADED and all(
            check.status is CheckStatus.PASSED for check in self.checks
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "exercise": self.exercise,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "status": str(self.status),
            "message": self.message,
            "duration": round(self.duration, 2),
            "checks": [check.to_dict() for check in self.checks],
            "public_only": self.public_only,
            "isolation": self.isolation,
            "isolation_missing": list(self.isolation_missing),
            "seed": self.seed,
            "observation_missing": (
                list(self.observation_missing) if self.observation_missing is not None else None
            ),
            "resources": self.resources.to_dict() if self.resources is not None else None,
        }
        if self.notebook is not None:  # only a notebook's report has it (docs/cli.md)
            data["notebook"] = self.notebook.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            exercise=str(data["exercise"]),
            submission=str(data["submission"]),
            max_score=float(data["max_score"]),
            status=ReportStatus(data["status"]),
            duration=float(data.get("duration", 0.0)),
            checks=[CheckResult.from_dict(c) for c in data.get("checks", [])],
            message=str(data.get("message", "")),
            isolation=str(data.get("isolation", "unknown")),
            isolation_missing=[str(m) for m in data.get("isolation_missing", [])],
            observation_missing=_missing(data.get("observation_missing")),
            public_only=bool(data.get("public_only", False)),
            seed=int(data["seed"]) if isinstance(data.get("seed"), int) else None,
            resources=Resources.from_dict(data.get("resources")),
            notebook=NotebookNote.from_dict(data.get("notebook")),
        )
