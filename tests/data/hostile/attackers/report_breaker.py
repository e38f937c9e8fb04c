"""Raises with a lone surrogate, which no UTF-8 report or page can hold: aims to crash the batch."""


async def count(n=30, pauses=None):
    raise ValueError("bad \ud800 value")
