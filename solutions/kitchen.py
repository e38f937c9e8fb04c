"""Kitchen: reference solution."""

import asyncio


async def cook(dish: str, seconds: float) -> str:
    """Wait `seconds` seconds without blocking the event loop, then return `dish`."""
    # asyncio.sleep suspends only this coroutine; the loop runs the others meanwhile.
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    """Cook every dish of `menu` concurrently; return the names in the order they finished."""
    # as_completed starts every dish at once and hands them back as they finish.
    dishes = [cook(dish, seconds) for dish, seconds in menu.items()]
    return [await ready for ready in asyncio.as_completed(dishes)]
