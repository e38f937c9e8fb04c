"""What ending the `grader` command through the interpreter's own teardown costs.

    python bench/exit_cost.py [--runs 7] [COMMAND ARGS ...]

Runs a `grader` command (by default grading the count-sync solution, the
quickest real grading, and `grader list`) in a fresh process, many times, in
turn ended two ways: as Python ends (`sys.exit`, the interpreter torn down
object by object) and at once (`atexit._run_exitfuncs()`, a flush and
`os._exit`, which skips that teardown). It prints, for each, the median time
from the last exit handler to the moment the process has ended, as the
parent sees it. Both clocks are the machine's monotonic clock, so the figure
leaves the grading's own, noisy, duration out. The bar for keeping the
private ending: it saves more than 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: The child: `grader.cli.main`, ended as asked; its first exit handler, run last, notes
#: the time, so the other handlers (the grader's own) count in neither ending.
_CHILD = """
import atexit, os, sys, time
from grader import cli
from grader.grading import session
ending, note = sys.argv.pop(1), sys.argv.pop(1)
def noted():
    with open(note, "w") as file:
        file.write(repr(time.monotonic()))
atexit.register(noted)
session.allow()  # as `grader.cli.main` does, which then ends its own way
if ending == "python":
    cli.cli.main(prog_name="grader")
try:
    cli.cli.main(prog_name="grader")
except SystemExit as done:
    code = done.code
atexit._run_exitfuncs()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code if isinstance(code, int) else 1)
"""

_ENDINGS = ("python", "os._exit")


def _teardown(command: list[str], ending: str) -> float:
    """Seconds from the last exit handler to the process's end, once."""
    with tempfile.TemporaryDirectory() as scratch:
        note = Path(scratch) / "ended"
        subprocess.run(
            [sys.executable, "-c", _CHILD, ending, str(note), *command],
            capture_output=True, check=True, cwd=REPO,
        )  # fmt: skip
        gone = time.monotonic()
        return gone - float(note.read_text())


def main() -> int:
    """Print the median teardown of each command over the runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    commands = [args.command] if args.command else [
        ["grade", "count-sync", "solutions/count-sync.py", "--format", "json"],
        ["list"],
    ]  # fmt: skip
    for command in commands:
        times: dict[str, list[float]] = {ending: [] for ending in _ENDINGS}
        for _ in range(args.runs):  # in turn, so that a drift of the machine hits both alike
            for ending in _ENDINGS:
                times[ending].append(_teardown(command, ending) * 1000)
        print(f"grader {' '.join(command)} ({args.runs} runs each):")
        for ending, ms in times.items():
            print(
                f"  ended by {ending:<9} median {statistics.median(ms):6.1f} ms "
                f"(min {min(ms):.1f}, max {max(ms):.1f})"
            )
        saved = statistics.median(times["python"]) - statistics.median(times["os._exit"])
        print(f"  os._exit saves {saved:.1f} ms (the bar: 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
