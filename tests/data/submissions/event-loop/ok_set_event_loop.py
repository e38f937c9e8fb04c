import asyncio


def run_in_new_loop(coros):
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    async def main():
        return await asyncio.gather(*coros)

    try:
        return loop.run_until_complete(main())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
