"""Wrong: a threading.Thread per line, finished with call_soon_threadsafe; asyncio.to_thread
is only named, in an assignment never used (red team, 10/10)."""

import asyncio
import threading


async def save_all(write, lines):
    if not lines:
        return 0
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    ok, left = [], [len(lines)]

    def finish():
        left[0] -= 1
        if left[0] == 0 and not done.done():
            done.set_result(None)

    def run(line):
        try:
            write(line)
            ok.append(line)
        except OSError:
            pass
        finally:
            loop.call_soon_threadsafe(finish)

    for line in lines:
        threading.Thread(target=run, args=(line,), daemon=True).start()
    await done
    return len(ok)


_never_called = asyncio.to_thread  # only a name: nothing goes through the loop's executor
