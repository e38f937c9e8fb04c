"""Recipe page: reference solution."""

import asyncio


async def load_page(fetch, parts: list[str], show) -> int:
    """Fetch all parts concurrently; call show(part, content) as each one arrives; return count."""

    async def fetch_part(part: str) -> tuple[str, object]:
        # Return the name with the content: as_completed hands results back in
        # arrival order, so the position in `parts` says nothing about them.
        return part, await fetch(part)

    shown = 0
    for arrived in asyncio.as_completed([fetch_part(part) for part in parts]):
        part, content = await arrived
        show(part, content)  # right away, while the slower parts are still loading
        shown += 1
    return shown
