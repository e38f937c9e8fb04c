"""A deadline burst against a class server on this machine, and one warm grading.

    python bench/server.py [--students 100] [--submissions 300] [--seconds 60]
                           [--workers N] [--db URL] [--warm 5] [--no-batch]

Starts `grader serve` on a fresh database (an SQLite file by default) with a
roster of STUDENTS, then hands in SUBMISSIONS files of count-async spread
evenly over SECONDS (each student in turn; the files are the example
submissions of tests/data/submissions/count-async, the stub and the solution,
in turn), as `grader submit` would. Prints:

- whether every accepted submission was graded, once;
- upload to feedback: p50, p95 and the longest (the time from the upload's
  start to the grade's commit, both on this machine's clock);
- how long the queue took to drain after the last upload;
- whether each file's score is the one `grader batch` gives the same file
  (each distinct file graded once by `grader batch`; --no-batch skips it);
- then, the queue empty and the workers warm, WARM gradings of the correct
  solution one at a time: upload to feedback against the checks' own waits
  (the submission's calls, from the report's timelines), p50 of the excess.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from grader.server import database
from grader.server.models import Grade

REPO = Path(__file__).resolve().parent.parent
EXERCISE = "count-async"


def files() -> list[Path]:
    examples = sorted((REPO / "tests" / "data" / "submissions" / EXERCISE).glob("*.py"))
    return [REPO / "solutions" / f"{EXERCISE}.py", REPO / "exercises" / EXERCISE / "stub.py",
            *examples]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path, db: str, port: int, students: list[str], workers: int | None) -> Any:
    (folder / "roster.csv").write_text("folder\n" + "\n".join(students) + "\n")
    args = [sys.executable, "-m", "grader", "serve", "--db", db, "--port", str(port),
            "--roster", "roster.csv", "--budget", "50"]  # fmt: skip
    if workers:
        args += ["--workers", str(workers)]
    log = open(folder / "serve.log", "wb")  # noqa: SIM115 (the server's, for its life)
    process = subprocess.Popen(args, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if process.poll() is not None:
            raise SystemExit((folder / "serve.log").read_text())
        time.sleep(0.1)
    return process


def tokens(folder: Path) -> tuple[dict[str, str], str]:
    with (folder / "grader-links.csv").open() as f:
        links = {row["student"]: row["link"].rsplit("/", 1)[-1] for row in csv.DictReader(f)}
    teacher = next(
        line.rsplit("/", 1)[-1]
        for line in (folder / "serve.log").read_text().splitlines()
        if line.startswith("teacher's sign-in link")
    )
    return links, teacher


def hand_in(url: str, token: str, path: Path) -> tuple[int | None, float]:
    started = time.time()
    answer = httpx.post(
        f"{url}/api/submissions", params={"exercise": EXERCISE, "filename": path.name},
        content=path.read_bytes(), headers={"Authorization": f"Bearer {token}"}, timeout=60,
    )  # fmt: skip
    return (int(answer.json()["id"]) if answer.status_code == 201 else None), started


def graded_at(engine: Any) -> dict[int, tuple[float, float, int]]:
    """Each graded submission's commit time, score, and how many grades it has (round 0)."""
    found: dict[int, tuple[float, float, int]] = {}
    with engine.begin() as connection:
        for sid, at, score in connection.execute(
            select(Grade.submission_id, Grade.graded_at, Grade.score).where(Grade.round == 0)
        ):
            before = found.get(sid)
            found[sid] = (at, score, (before[2] if before else 0) + 1)
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def batch_scores(chosen: list[Path], folder: Path) -> dict[str, float]:
    """What `grader batch` gives each distinct file, by file name."""
    klass = folder / "batch-class"
    for i, path in enumerate(chosen):
        (klass / f"f{i:02d}").mkdir(parents=True)
        shutil.copy(path, klass / f"f{i:02d}" / f"{EXERCISE}.py")
    subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(klass), "--out", str(folder / "batch-out"),
         "--exercise", EXERCISE, "--quiet"], check=False,
    )  # fmt: skip
    scores = {}
    for i, path in enumerate(chosen):
        report = json.loads((folder / "batch-out" / f"f{i:02d}" / f"{EXERCISE}.json").read_text())
        scores[path.name] = float(report["score"])
    return scores


def waits(report: dict[str, Any]) -> float:
    """The checks' own waits: the submission's calls, from the report's timelines."""
    return sum(
        span["end"] - span["start"]
        for c in report["checks"]
        for span in (c["timeline"] or {"spans": []})["spans"]
        if span["kind"] == "call" and span["end"] is not None
    )


def compare_with_batch(
    sent: dict[int, tuple[float, Path]],
    graded: dict[int, tuple[float, float, int]],
    folder: Path,
    url: str,
    teacher: str,
) -> None:
    """Print whether every copy of each file got the score `grader batch` gives it."""
    chosen = sorted({path for _, path in sent.values()})
    expected = batch_scores(chosen, folder)
    differ: dict[str, list[int]] = {}
    for sid, (_, path) in sent.items():
        if graded[sid][1] != expected[path.name]:
            differ.setdefault(path.name, []).append(sid)
    print(f"scores as grader batch gives them: {len(chosen) - len(differ)} of "
          f"{len(chosen)} distinct files agree on every copy")  # fmt: skip
    for name, sids in sorted(differ.items()):
        copies = sum(1 for _, path in sent.values() if path.name == name)
        report = httpx.get(
            f"{url}/api/submissions/{sids[0]}",
            headers={"Authorization": f"Bearer {teacher}"},
        ).json()["report"]
        failed = [c["name"] for c in report["checks"] if c["status"] != "passed"]
        print(f"  differs: {name}: {len(sids)} of {copies} copies; server "
              f"{graded[sids[0]][1]:g} (failed: {'; '.join(failed)}), "
              f"batch {expected[name]:g}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--no-batch", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="grader-bench-server-"))
    db = args.db or f"sqlite:///{folder / 'bench.db'}"
    students = [f"s{i:03d}" for i in range(args.students)] + [f"warm{i}" for i in range(args.warm)]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start(folder, db, port, students, args.workers)
    try:
        links, teacher = tokens(folder)
        pool = files()
        plan = [(students[i % args.students], pool[i % len(pool)]) for i in range(args.submissions)]
        sent: dict[int, tuple[float, Path]] = {}
        refused = 0
        lock = threading.Lock()
        began = time.time()

        def send(i: int) -> None:
            nonlocal refused
            time.sleep(max(0.0, began + i * args.seconds / args.submissions - time.time()))
            student, path = plan[i]
            sid, at = hand_in(url, links[student], path)
            with lock:
                if sid is None:
                    refused += 1
                else:
                    sent[sid] = (at, path)

        with ThreadPoolExecutor(16) as threads:
            list(threads.map(send, range(args.submissions)))
        uploaded = time.time()
        engine = database.connect(db)
        while len(graded := graded_at(engine)) < len(sent):
            time.sleep(0.5)
        drained = max(at for at, _, _ in graded.values())
        latencies = [graded[sid][0] - at for sid, (at, _) in sent.items()]
        once = all(graded[sid][2] == 1 for sid in sent)
        print(f"burst: {len(sent)} accepted of {args.submissions} from {args.students} students "
              f"in {uploaded - began:.1f} s ({refused} refused); every one graded: "
              f"{all(sid in graded for sid in sent)}; exactly once: {once}")  # fmt: skip
        print(f"upload to feedback: p50 {percentile(latencies, 0.5):.1f} s, "
              f"p95 {percentile(latencies, 0.95):.1f} s, longest {max(latencies):.1f} s; "
              f"queue drained {drained - uploaded:.1f} s after the last upload")  # fmt: skip
        if not args.no_batch:
            compare_with_batch(sent, graded, folder, url, teacher)
        time.sleep(2)  # the last gradings' processes end: a settled machine, warm workers
        excess, outside = [], []
        solution = REPO / "solutions" / f"{EXERCISE}.py"
        for i in range(args.warm):
            sid, at = hand_in(url, links[f"warm{i}"], solution)
            assert sid is not None
            while sid not in (graded := graded_at(engine)):
                time.sleep(0.01)
            report = httpx.get(
                f"{url}/api/submissions/{sid}", headers={"Authorization": f"Bearer {teacher}"}
            ).json()["report"]
            latency = graded[sid][0] - at
            excess.append(latency - waits(report))
            outside.append(latency - report["duration"])
            print(f"warm grading {i + 1}: upload to feedback {latency:.2f} s, checks' waits "
                  f"{waits(report):.2f} s, excess {latency - waits(report):.2f} s (the grading "
                  f"itself {report['duration']:.2f} s), score {report['score']:g}")  # fmt: skip
            time.sleep(0.5)
        if excess:
            print(
                f"warm excess over the waits: p50 {statistics.median(excess):.2f} s "
                "(target: 0.15 s); of it outside the grading (HTTP, queue, worker hand-off): "
                f"p50 {statistics.median(outside):.3f} s"
            )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not os.environ.get("GRADER_BENCH_KEEP"):
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
