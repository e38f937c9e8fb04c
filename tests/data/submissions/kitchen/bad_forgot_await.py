"""Wrong: calls cook without `await`: make_breakfast returns coroutine objects, nothing cooks."""


async def cook(dish: str, seconds: float) -> str:
    import asyncio

    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    finished = []
    for dish, seconds in menu.items():
        finished.append(cook(dish, seconds))
    return finished
