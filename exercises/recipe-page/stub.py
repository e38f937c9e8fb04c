"""Recipe page: show each part as soon as it arrives. See recipe-page.md."""

import asyncio
import time


async def load_page(fetch, parts: list[str], show) -> int:
    """Fetch all parts concurrently; call show(part, content) as each one arrives; return count."""
    raise NotImplementedError("load_page: show each part as soon as it has arrived")


if __name__ == "__main__":
    delays = {"title": 0.1, "photo": 0.3, "reviews": 0.2}
    start = time.perf_counter()

    async def fetch(part):
        await asyncio.sleep(delays[part])
        return f"<{part}>"

    def show(part, content):
        print(f"{time.perf_counter() - start:.2f} s: {part} -> {content}")

    print(asyncio.run(load_page(fetch, list(delays), show)), "parts shown")
