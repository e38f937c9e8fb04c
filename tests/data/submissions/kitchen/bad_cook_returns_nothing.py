"""Wrong: cook waits but forgets to return its dish; make_breakfast notes the names itself."""

import asyncio


async def cook(dish: str, seconds: float) -> str:
    await asyncio.sleep(seconds)


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    finished = []

    async def serve(dish, seconds):
        await cook(dish, seconds)
        finished.append(dish)

    await asyncio.gather(*(serve(dish, seconds) for dish, seconds in menu.items()))
    return finished
