import asyncio


async def cook(dish: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    finished: list[str] = []

    async def cook_and_serve(dish: str, seconds: float) -> None:
        finished.append(await cook(dish, seconds))

    async with asyncio.TaskGroup() as tg:
        for dish, seconds in menu.items():
            tg.create_task(cook_and_serve(dish, seconds))
    return finished
