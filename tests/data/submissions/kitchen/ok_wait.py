import asyncio


async def cook(dish: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    pending = {asyncio.create_task(cook(dish, seconds)) for dish, seconds in menu.items()}
    finished = []
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        # several dishes may finish in the same loop step: order them by cooking time
        for task in sorted(done, key=lambda t: menu[t.result()]):
            finished.append(task.result())
    return finished
