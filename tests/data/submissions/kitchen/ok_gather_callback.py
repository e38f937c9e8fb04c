import asyncio


async def cook(dish: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    finished = []
    tasks = []
    for dish, seconds in menu.items():
        task = asyncio.create_task(cook(dish, seconds))
        task.add_done_callback(lambda t: finished.append(t.result()))
        tasks.append(task)
    await asyncio.gather(*tasks)
    return finished
