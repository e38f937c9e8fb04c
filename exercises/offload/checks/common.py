"""offload: helpers the public and hidden checks share."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from grader.checks import (
    Durations,
    Recorder,
)

WORDS = ["order", "invoice", "user", "photo", "backup", "event", "payment", "log", "report"]


def make_lines(durations: Durations, count: int) -> list[str]:
    """`count` distinct lines of text, as an application would save them."""
    words = durations.choose(WORDS, count)
    return [f"{word} {durations.rng.randint(100, 999)} saved" for word in words]


def make_write(
    recorder: Recorder, delays: Mapping[str, float], full: set[str] | None = None
) -> Callable[[str], None]:
    """A plain, blocking `write(line)`: sleeps `delays[line]`, then raises OSError for `full`."""
    failing = set(full or ())

    def write(line: str) -> None:
        time.sleep(delays[line])  # a slow disk: blocks the thread that calls it
        if line in failing:
            raise OSError(28, "No space left on device")

    return recorder.watch_blocking(write)


def expect_each_written_once(recorder: Recorder, lines: list[str]) -> None:
    """write() was called exactly once for every line."""
    called = sorted(map(str, recorder.keys))
    assert called == sorted(lines), (
        f"write() should be called once for each line {sorted(lines)}, "
        f"but it was called for {called}"
    )
