"""Wrong: one asyncio.to_thread call, whose function starts a thread per line and joins
them: the loop hands over one function, and the writes run on threads of its own."""

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

    def all_of_them():
        threads = [threading.Thread(target=run, args=(line,)) for line in lines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    await asyncio.to_thread(all_of_them)
    return len(ok)
