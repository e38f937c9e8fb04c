"""Futures: a result that arrives later. See futures.md."""

import asyncio
import time


def deliver_later(value, delay: float) -> asyncio.Future:
    """Return at once a pending future whose result becomes `value` after `delay` seconds."""
    raise NotImplementedError("deliver_later: create a future, fill it later with call_later")


async def first_done(aws: list) -> object:
    """Return the result of the first awaitable to finish; cancel all the others."""
    raise NotImplementedError("first_done: wait for the first one, cancel the rest")


if __name__ == "__main__":

    async def main():
        slow = deliver_later("slow", 0.3)
        fast = deliver_later("fast", 0.1)
        return await first_done([slow, fast, asyncio.sleep(0.2, "medium")])

    start = time.perf_counter()
    print(asyncio.run(main()))  # fast
    print(f"took {time.perf_counter() - start:.2f} s (about 0.1 s when it works)")
