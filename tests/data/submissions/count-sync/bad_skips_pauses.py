"""Never sleeps, and reports the pauses' sum as its time."""


def count(n=30, pauses=None):
    for k in range(1, n + 1):
        print(k)
    return float(sum((pauses or {}).values()))
