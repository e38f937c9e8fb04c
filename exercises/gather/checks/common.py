"""gather: helpers the public and the hidden checks share."""

from __future__ import annotations

from typing import Any

from grader.checks import CheckFailed, Durations, Recorder, Scene, TimingError, expect_type

WORDS = [
    "profile", "friends", "inbox", "photos", "news", "weather", "calendar", "music",
    "orders", "cart", "wishlist", "reviews", "maps", "contacts", "notes", "alerts",
]  # fmt: skip


def keys_with_waits(durations: Durations, waits: list[float]) -> dict[str, float]:
    """Keys with these fetch times, listed so that their order is not the finishing order.

    Neither are they in alphabetical order: results sorted, or collected as
    they finish, come out in the wrong order on every draw.
    """
    if len(waits) > 1 and waits == sorted(waits):
        waits = waits[1:] + waits[:1]  # the quickest fetch must not be first
    keys = durations.choose(WORDS, len(waits))
    if len(keys) > 1 and keys == sorted(keys):
        keys[0], keys[-1] = keys[-1], keys[0]
    return dict(zip(keys, waits, strict=True))


async def fetch_all(scene: Scene, waits: list[float]) -> tuple[dict[str, float], list[str], Any]:
    """fetch_all(fetch, keys) on `keys_with_waits`, the fetch recorded.

    The fetch time of each key, the keys, and what fetch_all returned.
    """
    delays = keys_with_waits(scene.durations, waits)
    keys = list(delays)
    returned = await scene.submission.fetch_all(scene.recorder.sleeper(delays, result_of), keys)
    return delays, keys, returned


def result_of(key: object) -> str:
    """What the checks' fetch returns for `key`."""
    return f"data for {key}"


def expect_results(returned: object, keys: list[str], call: str, *, in_order: bool = True) -> None:
    """fetch_all returned the result of every key (in the order of keys, when asked)."""
    expect_type(returned, list, what=f"the value {call} returned")
    assert isinstance(returned, list)
    expected = [result_of(key) for key in keys]
    if not in_order and sorted(map(repr, returned)) == sorted(map(repr, expected)):
        return  # every result is there; the order is another check's business
    if returned != expected:
        raise CheckFailed(
            f"{call} should return {expected} (the results in the order of keys), but returned "
            f"{returned}; keep the order of keys, whatever order the fetches finish in",
            expected=f"{expected}",
            measured=f"{returned}",
            hint="keep the order of keys, whatever order the fetches finish in",
        )


def expect_all_in_flight(recorder: Recorder, keys: list[str], hint: str) -> None:
    """Every fetch was in flight at one moment (retried: a stalled machine starts them late)."""
    most = recorder.most_in_flight()
    if most < len(keys):
        raise TimingError(
            f"at most {most} of the {len(keys)} fetches were in flight at the same time, but all "
            f"{len(keys)} should be; {hint}",
            expected=f"all {len(keys)} fetches in flight at once",
            measured=f"at most {most} in flight at once",
            hint=hint,
            bounds={"measured": recorder.late_for(len(keys)), "at_most": 0.0},
        )
