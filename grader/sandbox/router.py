"""What the child says, split into messages and handed to each op's handler.

The child writes one JSON message a line (`grader.sandbox.wire`); the
router frames them, bounds what a child may send, and looks each message's
`op` up in a table of handlers, so a reader finds every message the trusted
side answers to in one place (`Sandbox._handlers`). An op without a handler
is ignored; a message that cannot be read, or a handler that finds it
malformed, stops the child: it is the submission's process, and whatever it
sends may be forged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from grader.sandbox.faults import SubmissionDied
from grader.sandbox.wire import MAX_MESSAGE, Op, loads

#: The most a child may send in messages, all its calls together: far beyond any honest
#: check's (values of a few KB, a few hundred callbacks), and a bound on the memory of ours.
MAX_RECEIVED = 64 * 1024 * 1024

#: The most messages a child may send, all its calls together: an honest one sends a pong
#: every 20 ms of a call and one request per callable it calls, a few thousand at most. Each
#: message costs the grader's loop its parsing, so a flood of tiny ones is stopped by count.
MAX_MESSAGES = 100_000

#: Handles one message, received at a time on the trusted clock.
Handler = Callable[[dict[str, Any], float], None]


class Router:
    """Frames the child's messages and routes each to the handler of its op."""

    def __init__(self, handlers: Mapping[Op, Handler], fail: Callable[[SubmissionDied], None]):
        self._handlers = dict(handlers)
        self._fail = fail
        self._inbox = b""
        self.received = 0  # bytes of messages from the child, against MAX_RECEIVED
        self.parsed = 0  # bytes of messages parsed so far, each line with its newline
        self.messages = 0  # messages routed so far, against MAX_MESSAGES
        self._stopped = False  # the child was failed: nothing more it sends is read

    def on_bytes(self, data: bytes, at: float) -> None:
        """A chunk of the message pipe: route every message it completes.

        The chunk is split once (a chunk of many tiny lines costs its length,
        not its length times its lines), and nothing is read after a failure.
        """
        if self._stopped:
            return
        self.received += len(data)
        if self.received > MAX_RECEIVED:
            self._stop(f"sent the grader more than {MAX_RECEIVED >> 20} MB of messages")
            return
        self._inbox += data
        if b"\n" in data:
            *lines, self._inbox = self._inbox.split(b"\n")
            for line in lines:
                self.messages += 1
                if self.messages > MAX_MESSAGES:
                    self._stop(f"sent the grader more than {MAX_MESSAGES} messages")
                    return
                self.parsed += len(line) + 1
                if not self.route(line, at):
                    return
        if len(self._inbox) > MAX_MESSAGE:
            self._stop("sent the grader more data than it accepts")

    def _stop(self, what: str) -> None:
        """Fail the child: it `what`; nothing more it sends is read."""
        self._stopped = True
        self._fail(SubmissionDied(f"your program {what}, so the grader stopped it"))

    def route(self, line: bytes, at: float) -> bool:
        """Hand one message to its handler; a malformed one stops the child (False)."""
        try:
            message = loads(line)
            handler = self._handlers.get(message["op"])
            if handler is not None:
                handler(message, at)
        except (ValueError, LookupError, TypeError, ArithmeticError, RecursionError):
            self._stopped = True
            self._fail(SubmissionDied("your program sent the grader a message it cannot read"))
            return False
        return True
