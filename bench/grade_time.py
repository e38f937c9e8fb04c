"""How long `grader grade` takes beyond the waits its checks need.

    python bench/grade_time.py [EXERCISE ...] [--runs 5] [--pause 0]

For each exercise, grades the reference solution with the `grader` command (a
whole process, as a teacher runs it) and prints the median wall time; the
time spent inside the checks; the checks' waits (the time the submission's
calls took, from the report's timelines: what no grader can avoid); the
overhead over those waits, and the ratio of wall time to waits. With
`--pause S`, it waits S seconds before each run: one grading on a settled
machine, as a student runs it, rather than one started while the last one's
processes are still ending.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("exercises", nargs="*", default=["count-sync", "count-async"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds before each run")
    args = parser.parse_args()
    print(f"{'exercise':<16} {'wall s':>7} {'checks s':>9} {'waits s':>8} {'overhead s':>11} "
          f"{'wall/waits':>10}")  # fmt: skip
    parts: list[tuple[str, float, float, float]] = []
    for exercise in args.exercises:
        walls, inside, waits, graded = [], [], [], []
        for _ in range(args.runs):
            time.sleep(args.pause)
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "grader", "grade", exercise,
                 str(REPO / "solutions" / f"{exercise}.py"), "--format", "json"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            walls.append(time.monotonic() - started)
            report = json.loads(done.stdout)
            assert report["score"] == report["max_score"], report
            inside.append(sum(c["duration"] for c in report["checks"]))
            graded.append(report["duration"])
            waits.append(
                sum(
                    span["end"] - span["start"]
                    for c in report["checks"]
                    for span in (c["timeline"] or {"spans": []})["spans"]
                    if span["kind"] == "call" and span["end"] is not None
                )
            )
        wall, checks = statistics.median(walls), statistics.median(inside)
        waited = statistics.median(waits)
        print(f"{exercise:<16} {wall:>7.2f} {checks:>9.2f} {waited:>8.2f} "
              f"{wall - waited:>11.2f} {wall / waited:>10.2f}")  # fmt: skip
        parts.append((
            exercise,
            statistics.median(w - g for w, g in zip(walls, graded, strict=True)),
            statistics.median(g - c for g, c in zip(graded, inside, strict=True)),
            statistics.median(c - t for c, t in zip(inside, waits, strict=True)),
        ))  # fmt: skip
    print(f"\n{'overhead, ms':<16} {'outside grading':>16} {'grading, not checks':>20} "
          f"{'checks, not waits':>18}")  # fmt: skip
    for exercise, outside, setup, checking in parts:
        print(f"{exercise:<16} {outside * 1000:>16.0f} {setup * 1000:>20.0f} "
              f"{checking * 1000:>18.0f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
