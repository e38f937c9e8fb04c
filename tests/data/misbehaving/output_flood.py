"""Prints without end."""


async def count(n=30, pauses=None):
    while True:
        print("spam " * 200)
