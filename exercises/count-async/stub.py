"""count-async: every number waits for its own pause, all at the same time."""

import asyncio


async def count(n: int = 30, pauses: dict[int, float] | None = None) -> list[int]:
    """Print 1..n concurrently, k after pauses.get(k, 0) s; return the printed order."""
    raise NotImplementedError("write count() here")


if __name__ == "__main__":
    print(asyncio.run(count(30, {8: 2, 12: 1})))
