"""uses asyncio.run instead of driving a new loop by hand."""

import asyncio


def run_in_new_loop(coros):
    async def main():
        return await asyncio.gather(*coros)

    return asyncio.run(main())
