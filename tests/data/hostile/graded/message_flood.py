"""count-async: floods the grader with tiny valid messages (4 KB writes of {"op":"hello"}).

Each line costs the grader's loop a parse; before the cap by count, framing a
256 KB read of them also copied the rest of the read once per line: 19 s of
the grader's CPU for one grading of the public checks, against 0.8 s.
"""

import os

LINE = b'{"op":"hello"}\n'


def _flood():
    block = LINE * (4096 // len(LINE))  # under PIPE_BUF: each write lands whole
    sent = 0
    while sent < 60 << 20:
        os.write(3, block)
        sent += len(block)


async def count(n=30, pauses=None):
    _flood()
    return []
