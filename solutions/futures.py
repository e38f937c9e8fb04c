"""Futures: reference solution."""

import asyncio


def deliver_later(value, delay: float) -> asyncio.Future:
    """Return at once a pending future whose result becomes `value` after `delay` seconds."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def deliver() -> None:
        # The future may have been cancelled meanwhile: setting a result on a
        # done future would raise InvalidStateError inside the loop.
        if not future.done():
            future.set_result(value)

    # call_later only registers a timer: it returns at once, the loop calls
    # `deliver` when the delay is over.
    loop.call_later(delay, deliver)
    return future


async def first_done(aws: list) -> object:
    """Return the result of the first awaitable to finish; cancel all the others."""
    # ensure_future turns coroutines into tasks (so they run and can be
    # cancelled) and returns tasks and futures unchanged.
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # Cancel the losers (also if we ourselves are cancelled while waiting),
        # and wait until they have really stopped.
        losers = [task for task in tasks if not task.done()]
        for task in losers:
            task.cancel()
        await asyncio.gather(*losers, return_exceptions=True)
    # Several may finish in the same loop step: take the first of them in list order.
    winner = next(task for task in tasks if task in done)
    return winner.result()
