"""status-updates: helpers the public and hidden checks share."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from grader.checks import CheckFailed, Recorder, Scene

SERVICES = [
    "post", "tweet", "mail", "sms", "upload", "backup", "invoice", "thumbnail",
    "webhook", "push", "feed", "index", "billing", "search",
]  # fmt: skip


def make_jobs(
    recorder: Recorder,
    delays: Mapping[str, float],
    fail: Mapping[str, Exception] | None = None,
    returns: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`{name: async callable, no arguments}`: each waits its delay, then returns or raises."""
    values = dict(returns or {})
    run = recorder.sleeper(delays, result=lambda name: values.get(name), fail=fail)
    return {name: functools.partial(run, name) for name in delays}


def describe(delays: Mapping[str, float], fail: Mapping[str, Exception] | None = None) -> str:
    """The jobs as a student reads them: `{'post': ok after 0.12 s, ...}`."""
    fail = fail or {}
    parts = []
    for name, delay in delays.items():
        if name in fail:
            exc = fail[name]
            parts.append(f"{name!r}: raises {type(exc).__name__} after {delay:.2f} s")
        else:
            parts.append(f"{name!r}: ok after {delay:.2f} s")
    return "{" + ", ".join(parts) + "}"


async def run_all(
    scene: Scene,
    delays: Mapping[str, float],
    fail: Mapping[str, Exception] | None = None,
    returns: Mapping[str, Any] | None = None,
) -> tuple[Any, str]:
    """run_all on `make_jobs` of these delays: what it returned, and the jobs as `describe`d."""
    returned = await scene.submission.run_all(make_jobs(scene.recorder, delays, fail, returns))
    return returned, describe(delays, fail)


def expect_each_ran_once(recorder: Recorder, names: list[str]) -> None:
    """Every job was started exactly once."""
    started = sorted(recorder.keys)
    if started != sorted(names):
        raise CheckFailed(
            f"each job should be run exactly once, but the jobs started were {started} "
            f"(the jobs were {sorted(names)})",
            expected=f"each of {sorted(names)} started once",
            measured=f"started: {started}",
        )
