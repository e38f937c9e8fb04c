"""Raises with a lone surrogate in its message: text that no UTF-8 file can hold."""


async def count(n=30, pauses=None):
    raise ValueError("bad \ud800 value")
