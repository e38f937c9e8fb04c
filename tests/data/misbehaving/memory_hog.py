"""Allocates memory until something gives."""


async def count(n=30, pauses=None):
    hoard = []
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))
