"""Wrong: a threading.Thread per line, polled from the loop; the one to_thread call runs a
dummy, so "to_thread" is in the file but no write goes through the loop (red team, 10/10)."""

import asyncio
import threading


async def save_all(write, lines):
    ok = []

    def run(line):
        try:
            write(line)
            ok.append(line)
        except OSError:
            pass

    threads = [threading.Thread(target=run, args=(line,)) for line in lines]
    for thread in threads:
        thread.start()
    await asyncio.to_thread(lambda: None)  # so "to_thread" is used
    while any(thread.is_alive() for thread in threads):
        await asyncio.sleep(0.002)
    return len(ok)
