"""recipe-page: the checks only the grader runs."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import (
    Recorder,
    Scene,
    expect_on_time,
    expect_type,
    expect_within,
)

from .common import load, load_page


def keys_of(shown: Recorder) -> list[Any]:
    """What show was called with, call by call."""
    return [span.key for span in shown.spans]


def expect_all_shown(shows: list[Any], contents: dict[str, str]) -> None:
    """show(part, content) was called once for each part's content."""
    got = sorted(str(key[-1]) if isinstance(key, tuple) else repr(key) for key in shows)
    assert got == sorted(contents.values()), (
        f"load_page should call show(part, content) once for each of {list(contents)}, "
        f"but the calls were {shows}"
    )


@pytest.mark.points(1)
async def test_returns_how_many_parts_it_showed(scene: Scene) -> None:
    """returns how many parts it showed"""
    loaded = await load_page(scene, longest=0.2)
    returned, shows = loaded.returned, keys_of(loaded.shown)
    expect_all_shown(shows, loaded.contents)
    expect_type(returned, int, what="the value load_page returned")
    assert returned == len(shows), (
        f"load_page showed {len(shows)} parts, so it should return {len(shows)}, "
        f"but it returned {returned!r}"
    )


@pytest.mark.points(1)
async def test_empty_page(scene: Scene) -> None:
    """shows nothing and returns 0 for a page without parts"""
    returned, shown, call = await load(scene, [], {}, {})
    shows = keys_of(shown)
    assert not shows, f"with no parts, load_page should not call show, but it did: {shows}"
    assert not scene.recorder.spans, "with no parts, load_page should not call fetch"
    expect_type(returned, int, what="the value load_page([]) returned")
    assert returned == 0, f"with no parts, load_page should return 0, not {returned!r}"
    expect_within(call.elapsed, 0.0, what="load_page with no parts",
                  about="with nothing to fetch it takes about", hint="did it sleep?")  # fmt: skip


@pytest.mark.points(1)
async def test_starts_every_fetch_at_once(scene: Scene) -> None:
    """starts fetching every part right away"""
    loaded = await load_page(scene, longest=0.15)
    expect_all_shown(keys_of(loaded.shown), loaded.contents)
    for span in scene.recorder.spans:
        expect_on_time(
            span.started - loaded.call.started,
            0.0,
            what=f"the call fetch({span.key!r})",
            early="",
            late="start every fetch at once, before waiting for any of them",
        )
