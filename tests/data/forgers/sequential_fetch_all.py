"""gather, one fetch after another: what forged_done.py does, without the forgery."""


async def fetch_all(fetch, keys):
    return [await fetch(k) for k in keys]
