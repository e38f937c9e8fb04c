"""recipe-page: the checks only the grader runs."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import (
    Call,
    Durations,
    Recorder,
    Submission,
    expect_on_time,
    expect_type,
    expect_within,
)

from .common import contents_for, page
from .common import load as load_recorded


async def load(
    submission: Submission, recorder: Recorder, parts: list[str], delays: dict[str, float],
    contents: dict[str, str],
) -> tuple[Any, list[Any], Call]:  # fmt: skip
    """Run load_page with a recorded fetch; return its value, what it showed, and the call."""
    returned, shown, call = await load_recorded(submission, recorder, parts, delays, contents)
    return returned, [span.key for span in shown.spans], call


def expect_all_shown(shows: list[Any], contents: dict[str, str]) -> None:
    """show(part, content) was called once for each part's content."""
    got = sorted(str(key[-1]) if isinstance(key, tuple) else repr(key) for key in shows)
    assert got == sorted(contents.values()), (
        f"load_page should call show(part, content) once for each of {list(contents)}, "
        f"but the calls were {shows}"
    )


@pytest.mark.points(1)
async def test_returns_how_many_parts_it_showed(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """returns how many parts it showed"""
    parts, delays = page(durations, longest=0.2)
    contents = contents_for(durations, parts)
    returned, shows, _ = await load(submission, recorder, parts, delays, contents)
    expect_all_shown(shows, contents)
    expect_type(returned, int, what="the value load_page returned")
    assert returned == len(shows), (
        f"load_page showed {len(shows)} parts, so it should return {len(shows)}, "
        f"but it returned {returned!r}"
    )


@pytest.mark.points(1)
async def test_empty_page(submission: Submission, recorder: Recorder) -> None:
    """shows nothing and returns 0 for a page without parts"""
    returned, shows, call = await load(submission, recorder, [], {}, {})
    assert not shows, f"with no parts, load_page should not call show, but it did: {shows}"
    assert not recorder.spans, "with no parts, load_page should not call fetch"
    expect_type(returned, int, what="the value load_page([]) returned")
    assert returned == 0, f"with no parts, load_page should return 0, not {returned!r}"
    expect_within(call.elapsed, 0.0, what="load_page with no parts",
                  about="with nothing to fetch it takes about", hint="did it sleep?")  # fmt: skip


@pytest.mark.points(1)
async def test_starts_every_fetch_at_once(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """starts fetching every part right away"""
    parts, delays = page(durations, longest=0.15)
    contents = contents_for(durations, parts)
    _, shows, call = await load(submission, recorder, parts, delays, contents)
    expect_all_shown(shows, contents)
    for span in recorder.spans:
        expect_on_time(
            span.started - call.started,
            0.0,
            what=f"the call fetch({span.key!r})",
            early="",
            late="start every fetch at once, before waiting for any of them",
        )
