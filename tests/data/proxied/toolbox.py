"""A submission for the proxy's own tests: each function exercises one crossing."""

import asyncio
import time


def echo(value):
    return value


async def call_async(fn, *args):
    return await fn(*args)


def call_plain(fn, *args):
    return fn(*args)


async def call_all(fn, keys):
    return await asyncio.gather(*(fn(k) for k in keys))


async def catch(fn, key):
    try:
        await fn(key)
    except Exception as exc:
        return [type(exc).__name__, str(exc)]
    return None


async def cancel_after(fn, key, delay):
    task = asyncio.ensure_future(fn(key))
    await asyncio.sleep(delay)
    task.cancel()
    return "cancelled"


async def await_each(aws):
    results = []
    for aw in aws:
        results.append(await aw)
    return results


async def kinds(aws):
    kinds = [type(aw).__name__ for aw in aws]
    for aw in aws:
        await aw
    return kinds


async def collect(source):
    return [item async for item in source]


async def talk(lines, gap):
    for line in lines:
        print(line)
        await asyncio.sleep(gap)
    return len(lines)


async def block(seconds):
    time.sleep(seconds)
    return seconds


def not_awaited():
    async def inner():
        return 1

    return inner()


def make_future(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, future.set_result, value)
    return future


def own_loop(close):
    loop = asyncio.new_event_loop()
    loop.run_until_complete(asyncio.sleep(0))
    if close:
        loop.close()
    return "done"


def runs(coro_fn):
    return asyncio.run(coro_fn())
