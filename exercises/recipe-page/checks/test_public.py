"""recipe-page: the checks a student can run."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import (
    Recorder,
    Scene,
    expect_async,
    expect_concurrent_waits,
    expect_in_order,
    expect_on_the_loop,
    expect_on_time,
)

from .common import load_page


def shows_of(shown: Recorder) -> list[tuple[Any, Any]]:
    """The (part, content) of each call of show, in the order they came."""
    pairs = []
    for span in shown.spans:
        key = span.key
        if not isinstance(key, tuple) or len(key) != 2:
            raise AssertionError(
                f"show should be called as show(part, content), but was called with {key!r}"
            )
        pairs.append(key)
    return pairs


def expect_every_content_once(shown: Recorder, contents: dict[str, str]) -> None:
    """Each part's content was shown exactly once (whatever it was labelled)."""
    seen = [content for _, content in shows_of(shown)]
    for part, content in contents.items():
        if content not in seen:
            raise AssertionError(
                f"the content of {part!r} ({content!r}) was never shown; "
                f"show was called {len(seen)} times for {len(contents)} parts"
            )
        if seen.count(content) > 1:
            raise AssertionError(
                f"the content of {part!r} was shown {seen.count(content)} times; show each once"
            )
    strays = [c for c in seen if c not in contents.values()]
    if strays:
        raise AssertionError(f"show was called with {strays[0]!r}, which no fetch returned")


@pytest.mark.points(1)
async def test_shows_each_part_with_its_content(scene: Scene) -> None:
    """shows every part once, with that part's own content"""
    await expect_async(scene.submission, "load_page")
    loaded = await load_page(scene)
    expect_every_content_once(loaded.shown, loaded.contents)
    owner = {content: part for part, content in loaded.contents.items()}
    for part, content in shows_of(loaded.shown):
        if part != owner[content]:
            raise AssertionError(
                f"show({part!r}, {content!r}) shows the content of {owner[content]!r} under "
                f"{part!r}; results come back in arrival order, not in the order of `parts`, "
                "so keep each part's name with its content"
            )


@pytest.mark.points(2)
async def test_shows_each_part_as_soon_as_it_arrives(scene: Scene) -> None:
    """shows each part as soon as it has arrived, in arrival order"""
    loaded = await load_page(scene)
    shown, call = loaded.shown, loaded.call
    expect_every_content_once(shown, loaded.contents)
    arrived = {span.key: span.ended - call.started for span in scene.recorder.spans if span.ended}
    owner = {content: part for part, content in loaded.contents.items()}
    for span in shown.spans:
        part = owner[span.key[1]]
        expect_on_time(
            span.started - call.started,
            arrived[part],
            what=f"the show of {part!r} (it arrived after {arrived[part]:.2f} s)",
            early="show a part only once its fetch has returned",
            late="call show for a part the moment its fetch returns, not after the others",
        )
    # Parts that arrived within a few hundredths of a second of each other may reach
    # the submission together on a busy machine: their swap is retried, not final.
    expect_in_order(
        [owner[content] for _, content in shows_of(shown)],
        {part: arrived[part] for part in loaded.parts},
        what="the parts load_page showed",
        hint="they arrived in that order: show each part as it arrives",
    )


@pytest.mark.points(2)
async def test_takes_the_slowest_part(scene: Scene) -> None:
    """fetches all parts at once: takes about as long as the slowest part"""
    loaded = await load_page(scene)
    delays = loaded.delays
    expect_every_content_once(loaded.shown, loaded.contents)
    expect_concurrent_waits(
        loaded.call.elapsed,
        delays.values(),
        what=f"load_page with parts taking {delays}",
        too_fast="did it wait for every part?",
        too_slow="were the parts fetched one after another? start every fetch at once",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    loaded = await load_page(scene)
    call, delays = loaded.call, loaded.delays
    what = f"load_page(fetch, {loaded.parts}, show) with parts taking {list(delays.values())} s"
    expect_on_the_loop(
        call,
        what=what,
        at_least=min(delays.values()),
        hint="fetch the parts as tasks on the running loop and show each as it is done "
        "(asyncio.as_completed, or a task per part that shows its own)",
    )
