"""A thread per part fetches it with asyncio.run and shows it from the thread."""

import asyncio
import threading


async def load_page(fetch, parts, show):
    lock = threading.Lock()
    shown = []

    def one(part):
        content = asyncio.run(fetch(part))
        with lock:
            show(part, content)
            shown.append(part)

    threads = [threading.Thread(target=one, args=(part,)) for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(shown)
