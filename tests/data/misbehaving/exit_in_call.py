"""Calls sys.exit during the check."""

import sys


async def count(n=30, pauses=None):
    sys.exit(2)
