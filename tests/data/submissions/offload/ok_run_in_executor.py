import asyncio


async def save_all(write, lines):
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(None, write, line) for line in lines]
    outcomes = await asyncio.gather(*futures, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, OSError):
            raise outcome
    return sum(1 for outcome in outcomes if not isinstance(outcome, OSError))
