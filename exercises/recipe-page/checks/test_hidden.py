"""recipe-page: the checks only the grader runs."""

from __future__ import annotations

from typing import Any

import pytest

from grader.assertions import expect_type
from grader.proxy import Submission
from grader.sandbox import Call
from grader.timing import Durations, Recorder, expect_on_time, expect_within

NAMES = [
    "title", "ingredients", "steps", "photo", "reviews", "nutrition",
    "tips", "video", "author", "comments", "related", "wine",
]  # fmt: skip


def page(durations: Durations, longest: float) -> tuple[list[str], dict[str, float]]:
    """Parts and their waits (sum at least four times the longest), the quickest not first."""
    waits = durations.spread(shortest=0.04, longest=longest)
    parts = durations.choose(NAMES, len(waits))
    if waits[0] == min(waits):
        waits = waits[1:] + waits[:1]
    return parts, dict(zip(parts, waits, strict=True))


def contents_for(durations: Durations, parts: list[str]) -> dict[str, str]:
    """Content unique to each part."""
    tag = durations.rng.randrange(1000, 9999)
    return {part: f"<{part} #{tag}>" for part in parts}


async def load(
    submission: Submission, recorder: Recorder, parts: list[str], delays: dict[str, float],
    contents: dict[str, str],
) -> tuple[Any, list[Any], Call]:  # fmt: skip
    """Run load_page with a recorded fetch; return its value, what it showed, and the call."""
    fetch = recorder.sleeper(delays, result=lambda part: contents[part])
    shown = Recorder()
    show = shown.watch_blocking(lambda part, content: None)
    returned = await submission.load_page(fetch, parts, show)
    return returned, [span.key for span in shown.spans], submission.last


def expect_all_shown(shows: list[Any], contents: dict[str, str]) -> None:
    """show(part, content) was called once for each part's content."""
    got = sorted(str(key[-1]) if isinstance(key, tuple) else repr(key) for key in shows)
    assert got == sorted(contents.values()), (
        f"load_page should call show(part, content) once for each of {list(contents)}, "
        f"but the calls were {shows}"
    )


@pytest.mark.points(2)
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
