"""awaits each fetch in turn: sequential."""


async def fetch_all(fetch, keys):
    return [await fetch(key) for key in keys]
