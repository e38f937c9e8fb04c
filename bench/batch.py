"""Batch grading against grading one by one: same grades, how much faster.

    python bench/batch.py [--count 100] [--workers N] [--strict-timing] [--keep DIR]
    python bench/batch.py --isolation-cost [--count 100] [--rounds 2]

Generates a class of COUNT submissions in a temporary folder, from templates
(right ones in different styles, partly right and broken ones) over
count-sync and count-async, then grades every file one by one (a
`grader grade --format json` process per file, as a teacher without batch
would, with nothing else running) and the whole class with `grader batch`.
Prints both times, the CPU seconds per grading of each, and the speed-up,
and exits 1 if any grade differs.

With `--isolation-cost`, grades the same class with `grader batch` under the
best isolation and with `--no-isolation`, in turn (A B A B ...), and prints
each time, the medians and their ratio: what the sandbox costs a batch.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import catalog  # noqa: E402

SUBMISSIONS = REPO / "tests" / "data" / "submissions"
CLASS = REPO / "examples" / "class"

# Templates are files the repository already has: right ones in several styles,
# wrong ones (sequential, time.sleep in a coroutine, timing-only mistakes) and
# broken ones (a syntax error, an exit at import).
SYNC_RIGHT = [
    REPO / "solutions" / "count-sync.py",
    *sorted(SUBMISSIONS.glob("count-sync/ok_*.py")),
]
SYNC_WRONG = [
    *sorted(SUBMISSIONS.glob("count-sync/bad_*.py")),
    CLASS / "carol" / "count-sync.py",
    CLASS / "dave" / "count-sync.py",
]
ASYNC_RIGHT = [
    REPO / "solutions" / "count-async.py",
    *sorted(SUBMISSIONS.glob("count-async/ok_*.py")),
]
ASYNC_WRONG = [
    *sorted(SUBMISSIONS.glob("count-async/bad_*.py")),
    CLASS / "erin" / "count-async.py",
]


def generate(root: Path, count: int, rng: random.Random) -> list[tuple[str, Path]]:
    """Write `count` submissions, two per student; 70% right, the rest wrong."""
    made: list[tuple[str, Path]] = []
    student = 0
    while len(made) < count:
        student += 1
        folder = root / f"student{student:03d}"
        folder.mkdir(parents=True)
        for exercise, right, wrong in (
            ("count-sync", SYNC_RIGHT, SYNC_WRONG),
            ("count-async", ASYNC_RIGHT, ASYNC_WRONG),
        ):
            if len(made) == count:
                break
            template = rng.choice(right if rng.random() < 0.7 else wrong)
            path = folder / f"{exercise}.py"
            path.write_text(template.read_text())
            made.append((exercise, path))
    return made


def adopt_orphans() -> None:
    """Become the subreaper of everything started from here (Linux), so no CPU goes uncounted.

    A grader exits without waiting for its sandboxes' zygotes; they end a moment
    later, reparented. RUSAGE_CHILDREN counts only processes someone waited
    for, so their CPU would be lost to init; as subreaper this process gets them
    and `cpu_seconds` waits for them first.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def reap_orphans(within: float = 30.0) -> None:
    """Wait for the processes that outlived the command they came from (up to `within` s)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)
    print(f"some processes still run {within:.0f} s after their command ended", flush=True)


def cpu_seconds() -> float:
    """CPU time of this process and every process started from here, theirs included."""
    reap_orphans()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def batch_command(class_dir: Path, out: Path, workers: int | None, extra: list[str]) -> list[str]:
    """`grader batch` of the class into `out`, quiet, with `--workers` if given, then `extra`."""
    command = [sys.executable, "-m", "grader", "batch", str(class_dir), "--out", str(out)]
    command += ["--quiet"] + (["--workers", str(workers)] if workers else [])
    return command + extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100, help="submissions (default 100)")
    parser.add_argument("--workers", type=int, default=None, help="grader batch --workers")
    parser.add_argument("--strict-timing", action="store_true", help="pass it to grader batch")
    parser.add_argument("--seed", type=int, default=1, help="which class to generate")
    parser.add_argument("--keep", type=Path, default=None, help="generate the class here")
    parser.add_argument(
        "--isolation-cost", action="store_true",
        help="time the batch with and without isolation instead of against one by one",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=2, help="with --isolation-cost")
    args = parser.parse_args()
    adopt_orphans()

    scratch = tempfile.TemporaryDirectory(prefix="grader-bench-")
    root = args.keep or Path(scratch.name)
    class_dir, out_dir = root / "class", root / "results"
    files = generate(class_dir, args.count, random.Random(args.seed))
    exercises = {e: catalog.find(e, REPO / "exercises") for e in ("count-sync", "count-async")}
    print(f"{len(files)} submissions in {class_dir}", flush=True)

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    if args.isolation_cost:
        return isolation_cost(class_dir, root, args)
    started, cpu = time.monotonic(), cpu_seconds()
    alone: dict[tuple[str, str], float] = {}
    for done, (exercise, path) in enumerate(files, 1):
        graded = subprocess.run(
            [sys.executable, "-m", "grader", "grade", exercise, str(path), "--format", "json"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        alone[(path.parent.name, exercise)] = float(json.loads(graded.stdout)["score"])
        if done % 10 == 0:
            print(f"  {done} graded one by one, {time.monotonic() - started:.0f} s", flush=True)
    sequential = time.monotonic() - started
    alone_cpu = cpu_seconds() - cpu
    print(f"one by one: {sequential:.1f} s, {alone_cpu:.0f} s of CPU "
          f"({alone_cpu / len(files):.2f} s per grading)", flush=True)  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)

    flags = ["--strict-timing"] if args.strict_timing else []
    command = batch_command(class_dir, out_dir, args.workers, flags)
    started, cpu = time.monotonic(), cpu_seconds()
    subprocess.run(command, check=True)
    batched = time.monotonic() - started
    batch_cpu = cpu_seconds() - cpu
    print(f"grader batch: {batched:.1f} s, {batch_cpu:.0f} s of CPU "
          f"({batch_cpu / len(files):.2f} s per grading)", flush=True)  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)

    with (out_dir / "grades.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    batch = {(row["student"], e): row[e] for row in rows for e in exercises}
    regraded = sum(
        "re-graded alone" in json.loads(p.read_text())["message"] for p in out_dir.glob("*/*.json")
    )
    differ = sorted(k for k in alone if f"{alone[k]:g}" != batch.get(k))
    for student, exercise in differ:
        print(f"DIFFERENT {student}/{exercise}: alone {alone[(student, exercise)]:g}, "
              f"batch {batch.get((student, exercise))}")  # fmt: skip
    print(
        f"{len(files)} submissions: one by one {sequential:.1f} s, batch {batched:.1f} s, "
        f"speed-up {sequential / batched:.2f}x; CPU per grading {alone_cpu / len(files):.2f} s "
        f"alone, {batch_cpu / len(files):.2f} s in the batch; {regraded} re-graded alone; "
        f"{len(differ)} grades differ"
    )
    scratch.cleanup()
    return 1 if differ else 0


def isolation_cost(class_dir: Path, root: Path, args: argparse.Namespace) -> int:
    """The batch under the best isolation against the batch without: times and ratio."""
    times: dict[str, list[float]] = {"isolated": [], "none": []}
    grades: dict[str, str] = {}
    for round_ in range(args.rounds):
        for mode in ("isolated", "none"):
            out = root / f"results-{mode}-{round_}"
            flags = ["--no-isolation"] if mode == "none" else []
            command = batch_command(class_dir, out, args.workers, flags)
            started, cpu = time.monotonic(), cpu_seconds()
            subprocess.run(command, check=True)
            took = time.monotonic() - started
            times[mode].append(took)
            grades[f"{mode}-{round_}"] = (out / "grades.csv").read_text()
            isolation = json.loads(next(out.glob("*/*.json")).read_text())["isolation"]
            print(f"  round {round_ + 1}, {mode} ({isolation}): {took:.1f} s, "
                  f"{cpu_seconds() - cpu:.0f} s of CPU, load {os.getloadavg()[0]:.1f}",
                  flush=True)  # fmt: skip
    isolated, bare = statistics.median(times["isolated"]), statistics.median(times["none"])
    same = len(set(grades.values())) == 1
    print(f"batch of {args.count}: isolated {isolated:.1f} s, without isolation {bare:.1f} s "
          f"(medians of {args.rounds}); isolation costs {100 * (isolated / bare - 1):+.1f}%; "
          f"grades {'identical' if same else 'DIFFER'}")  # fmt: skip
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
