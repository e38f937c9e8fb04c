"""runs each write in a thread but awaits them one after another: sequential."""

import asyncio


async def save_all(write, lines):
    written = 0
    for line in lines:
        try:
            await asyncio.to_thread(write, line)
        except OSError:
            continue
        written += 1
    return written
