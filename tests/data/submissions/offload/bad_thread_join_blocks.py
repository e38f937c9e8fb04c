"""Wrong: a thread per write, all at once, but joined with Thread.join() inside the coroutine:
the writes overlap, and the event loop is blocked until the slowest is done."""

import threading


async def save_all(write, lines):
    written = []

    def save(line):
        try:
            write(line)
        except OSError:
            return
        written.append(line)

    threads = [threading.Thread(target=save, args=(line,)) for line in lines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(written)
