"""Fills its scratch folder, and beyond, to starve the machine of disk."""


async def count(n=30, pauses=None):
    written = 0
    chunk = b"x" * (1 << 20)
    try:
        for index in range(64):
            with open(f"fill-{index}.bin", "wb") as file:
                for _ in range(4):
                    file.write(chunk)
                    written += len(chunk)
    except OSError as error:
        print("stopped after", written >> 20, "MiB:", error)
    return []
