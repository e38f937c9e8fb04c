"""count-async: takes every descriptor, writes 64 MB into every folder it can, then works.

What a classmate graded after it needs (descriptors, the host's /tmp, the
grader's disk) must be left whole; only this check suffers.
"""

import asyncio
import os


def _hog():
    held, written = [], {}
    for folder in (os.getcwd(), "/tmp", "/dev/shm", "/var/tmp"):
        total = 0
        try:
            for index in range(64):
                with open(os.path.join(folder, f"hog-{index}"), "wb") as file:
                    file.write(b"x" * (1 << 20))
                total += 1 << 20
        except OSError:
            pass
        written[folder] = total
    try:
        while True:
            held.append(os.open("/dev/null", os.O_RDONLY))
    except OSError:
        pass
    for fd in held[:8]:
        os.close(fd)  # enough to go on printing
    return len(held), written


async def count(n=30, pauses=None):
    pauses = pauses or {}
    print("hogged", _hog())
    printed = []
    for k in range(1, n + 1):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        printed.append(k)
    return printed
