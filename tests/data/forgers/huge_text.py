"""Prints the count, and returns a 3.9 MB string, which every check would quote."""


async def count(n=30, pauses=None):
    for k in range(1, n + 1):
        print(k)
    return "A" * 3_900_000
