"""A plain endless loop in the function."""


def count(n=30, pauses=None):
    while True:
        pass
