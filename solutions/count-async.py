"""count-async, reference solution."""

import asyncio


async def count(n: int = 30, pauses: dict[int, float] | None = None) -> list[int]:
    """Print 1..n concurrently, k after pauses.get(k, 0) s; return the printed order."""
    pauses = pauses or {}
    printed: list[int] = []

    async def one(k: int) -> None:
        await asyncio.sleep(pauses.get(k, 0))  # gives the loop to the others while waiting
        print(k)
        printed.append(k)

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return printed


if __name__ == "__main__":
    print(asyncio.run(count(30, {8: 2, 12: 1})))
