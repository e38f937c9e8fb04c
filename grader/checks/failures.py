"""A failed check as data: what was expected, what was measured, a hint, and time bounds.

Checks fail by raising `CheckFailed` (an `AssertionError`, so a plain
`assert` still works and reads the same). Its message is the sentence a
student reads; its fields let the report, Gradescope and pictures show the
parts on their own (docs/cli.md). `TimingError` is the one failure a busy
machine can cause (an upper time bound missed): the grader retries the check,
with the same cases, before it counts.
"""

from __future__ import annotations

from collections.abc import Mapping


class CheckFailed(AssertionError):
    """A check's verdict: the message, and what was expected and measured, as fields.

    `bounds` holds a timing verdict's numbers in seconds, e.g. ``{"measured":
    1.21, "at_least": 0.30, "at_most": 0.49, "sequential": 1.31}``; keys whose
    value is unknown are left out.
    """

    def __init__(
        self,
        message: str,
        *,
        expected: str = "",
        measured: str = "",
        hint: str = "",
        bounds: Mapping[str, float | None] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.measured = measured
        self.hint = hint
        self.bounds: dict[str, float] | None = known(bounds) if bounds is not None else None

    def __str__(self) -> str:
        return self.message


def known(bounds: Mapping[str, float | None]) -> dict[str, float]:
    """A verdict's bounds as `CheckFailed.bounds` holds them: the known ones, to the millisecond."""
    return {key: round(value, 3) for key, value in bounds.items() if value is not None}


class TimingError(CheckFailed):
    """An upper time bound was missed; the check is retried before this counts."""
