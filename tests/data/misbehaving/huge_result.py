"""Returns a value far too large to send back."""


async def count(n=30, pauses=None):
    return ["x" * 1000] * 10_000
