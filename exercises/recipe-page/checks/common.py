"""recipe-page: helpers the public and hidden checks share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.checks import (
    Call,
    Durations,
    Recorder,
    Scene,
)

NAMES = [
    "title", "ingredients", "steps", "photo", "reviews", "nutrition",
    "tips", "video", "author", "comments", "related", "wine",
]  # fmt: skip


def page(durations: Durations, longest: float = 0.3) -> tuple[list[str], dict[str, float]]:
    """Parts and how long each takes to arrive.

    The waits add up to at least four times the longest, the quickest part is
    not first in the list, and the parts do not arrive in list order.
    """
    waits = durations.spread(shortest=0.04, longest=longest)
    parts = durations.choose(NAMES, len(waits))
    if waits[0] == min(waits):
        waits = waits[1:] + waits[:1]
    return parts, dict(zip(parts, waits, strict=True))


def contents_for(durations: Durations, parts: list[str]) -> dict[str, str]:
    """Content unique to each part, so a shown content tells which fetch it came from."""
    tag = durations.rng.randrange(1000, 9999)
    return {part: f"<{part} #{tag}>" for part in parts}


async def load(
    scene: Scene, parts: list[str], delays: dict[str, float], contents: dict[str, str]
) -> tuple[Any, Recorder, Call]:
    """Run load_page with a recorded fetch and a recorded show."""
    fetch = scene.recorder.sleeper(delays, result=lambda part: contents[part])
    shown = Recorder()
    show = shown.watch_blocking(lambda part, content: None)
    returned = await scene.submission.load_page(fetch, parts, show)
    return returned, shown, scene.submission.last


@dataclass
class Loaded:
    """A load_page of a drawn `page`: its parts, their waits and contents, and what it did."""

    parts: list[str]
    delays: dict[str, float]
    contents: dict[str, str]
    returned: Any
    shown: Recorder  # the calls of show
    call: Call


async def load_page(scene: Scene, longest: float = 0.3) -> Loaded:
    """load_page on a drawn `page` whose parts have `contents_for` them, fetch and show recorded."""
    parts, delays = page(scene.durations, longest)
    contents = contents_for(scene.durations, parts)
    returned, shown, call = await load(scene, parts, delays, contents)
    return Loaded(parts, delays, contents, returned, shown, call)
