"""Offload: reference solution."""

import asyncio


async def save_all(write, lines: list[str]) -> int:
    """Run the blocking write(line) calls concurrently in threads; skip OSError; return count."""

    async def save(line: str) -> bool:
        try:
            # to_thread runs write(line) in the default thread pool; this
            # coroutine waits for it without blocking the event loop.
            await asyncio.to_thread(write, line)
        except OSError:
            return False  # disk full: skip this line, keep the others
        return True

    written = await asyncio.gather(*(save(line) for line in lines))
    return sum(written)  # True counts as 1
