"""An endless loop inside a coroutine: the event loop never gets control back."""


async def count(n=30, pauses=None):
    total = 0
    while True:
        total += 1
