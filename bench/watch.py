"""How soon `grader watch` shows feedback after a save, beyond the waits of the checks.

    python bench/watch.py [--saves 10] [--exercise count-async] [--pause 0.5]

In a tmux session of its own, one pane runs `grader watch EXERCISE FILE` on
the reference solution and another runs vim on FILE. Each save is made as a
student makes it: keys sent to vim (a new comment line, then `:w`). The
watching pane's output is streamed to this script (`tmux pipe-pane`), which
notes when the new report is drawn. For each save it prints the time from
the `:w` keys to the report on screen, the checks' waits (how long the
submission's calls took, as the report's timelines say, and the screen
prints: what no grader can avoid), and the difference, the grader's own
cost. The target: a p50 of that difference at most 0.15 s.

Then, for comparison, the same file through `grader check` (a new process
each time, as before `watch`): its wall time beyond its waits.

Needs tmux and vim.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.15
_CLEAR = "\x1b[H\x1b[2J"
_FEEDBACK = re.compile(r"([0-9.]+) s of it in your code's calls")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--exercise", default="count-async")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between saves")
    args = parser.parse_args()
    for tool in ("tmux", "vim"):
        if shutil.which(tool) is None:
            print(f"bench/watch.py needs {tool}", file=sys.stderr)
            return 2
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as scratch:
        folder = Path(scratch)
        file = folder / f"{args.exercise}.py"
        shutil.copyfile(REPO / "solutions" / f"{args.exercise}.py", file)
        rows = _watched(folder, file, args.exercise, args.saves, args.pause)
        compared = _checked(file, args.exercise)
    after = os.getloadavg()[0]
    print(f"\n{'save':>4} {'feedback s':>11} {'waits s':>8} {'overhead s':>11} "
          f"{'from :w keys s':>15}")  # fmt: skip
    for number, (seen, waits, keyed) in enumerate(rows, start=1):
        print(f"{number:>4} {seen:>11.3f} {waits:>8.3f} {seen - waits:>11.3f} "
              f"{keyed - waits:>15.3f}")  # fmt: skip
    over = [seen - waits for seen, waits, _ in rows]
    verdict = "met" if statistics.median(over) <= TARGET else "MISSED"
    feedback = [seen for seen, _, _ in rows]
    keyed_over = [keyed - waits for _, waits, keyed in rows]
    print(
        f"\nfeedback after a save, beyond the checks' waits ({len(rows)} saves): "
        f"p50 {statistics.median(over):.3f} s, p95 {_p95(over):.3f} s "
        f"(target: p50 at most {TARGET} s: {verdict})"
    )
    print(
        f"counted from the :w keys instead (tmux, vim and its fsync included): "
        f"p50 {statistics.median(keyed_over):.3f} s, p95 {_p95(keyed_over):.3f} s"
    )
    print(
        f"the checks' waits: p50 {statistics.median(w for _, w, _ in rows):.3f} s; feedback p50 "
        f"{statistics.median(feedback):.3f} s, p95 {_p95(feedback):.3f} s"
    )
    print(
        f"the machine's load (1-minute average, {os.cpu_count()} cores): {before:.2f} before, "
        f"{after:.2f} after: the figures hold for a machine that has a core to spare"
    )
    beyond = [wall - waits for wall, waits in compared]
    print(
        f"grader check in a new process, for comparison ({len(compared)} runs): "
        f"p50 {statistics.median(beyond):.3f} s beyond its waits"
    )
    return 0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _watched(
    folder: Path, file: Path, exercise: str, saves: int, pause: float
) -> list[tuple[float, float, float]]:
    """Save `saves` times through vim; per save, seconds from the write to the report on
    screen, the checks' waits, and seconds from the `:w` keys to the report."""
    session = f"bench-watch-{os.getpid()}"
    fifo = folder / "pane.fifo"
    os.mkfifo(fifo)
    watch = (
        f"cd {folder} && {sys.executable} -m grader --exercises {REPO / 'exercises'} "
        f"watch {exercise} {file.name}"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "60", watch)
    try:
        _tmux("pipe-pane", "-t", f"{session}:0.0", "-o", f"cat > {fifo}")
        editor = _tmux("split-window", "-t", session, "-P", "-F", "#{pane_id}",
                       f"cd {folder} && vim -u NONE -N {file.name}").strip()  # fmt: skip
        with open(fifo, "rb", buffering=0) as stream:
            screens = _screens(stream)
            _until(screens, "(check 1,")  # the first report: everything warms up
            rows = []
            for number in range(1, saves + 1):
                time.sleep(pause)
                _tmux("send-keys", "-t", editor, "G", "o", f"# save {number}", "Escape")
                time.sleep(0.2)  # vim has taken the keys before the save is timed
                keys = time.time()
                _tmux("send-keys", "-t", editor, ":w", "Enter")
                screen, shown = _until(screens, f"(check {number + 1},")
                written = file.stat().st_mtime  # when vim wrote the file: the save itself
                found = _FEEDBACK.search(screen)
                assert found is not None, screen
                waits = float(found.group(1))
                rows.append((shown - written, waits, shown - keys))
                print(f"save {number}: feedback {shown - written:.3f} s after the file was "
                      f"written ({shown - keys:.3f} s after the :w keys), waits {waits:.3f} s",
                      flush=True)  # fmt: skip
            final = _tmux("capture-pane", "-p", "-t", f"{session}:0.0")
            print("\nthe watching pane at the end:\n" + final.rstrip())
            _tmux("send-keys", "-t", f"{session}:0.0", "C-c")
            with contextlib.suppress(RuntimeError):
                _until(screens, "stopped watching")
        return rows
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def _screens(stream: object) -> Iterator[tuple[str, float]]:
    """The watching pane's screen after each chunk it drew, and when that chunk came."""
    text = ""
    while True:
        chunk = os.read(stream.fileno(), 65536)  # type: ignore[attr-defined]
        if not chunk:
            return
        moment = time.time()  # the clock a file's modification time is on
        text = (text + chunk.decode(errors="replace")).rsplit(_CLEAR, 1)[-1]
        yield text, moment


def _until(screens: Iterator[tuple[str, float]], needle: str) -> tuple[str, float]:
    """The first screen that shows `needle` and the line saying it is watching again."""
    for screen, moment in screens:
        if needle in screen and "save it to check again" in screen:
            return screen, moment
    raise RuntimeError(f"the watching pane ended before showing {needle!r}")


def _checked(file: Path, exercise: str, runs: int = 3) -> list[tuple[float, float]]:
    """`grader check` on the file in a new process: wall seconds and the checks' waits."""
    found = []
    for _ in range(runs):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "grader", "check", exercise, str(file), "--format", "json"],
            capture_output=True, text=True, cwd=REPO,
        )  # fmt: skip
        wall = time.monotonic() - started
        report = json.loads(done.stdout)
        waits = sum(
            span["end"] - span["start"]
            for check in report["checks"]
            for span in (check["timeline"] or {"spans": []})["spans"]
            if span["kind"] == "call" and span["end"] is not None
        )
        found.append((wall, waits))
    return found


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    sys.exit(main())
