"""fetches and shows one part at a time: sequential."""


async def load_page(fetch, parts, show):
    for part in parts:
        show(part, await fetch(part))
    return len(parts)
