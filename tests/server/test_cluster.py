"""`grader serve --scheduler`: the server's queue graded on a dask.distributed cluster.

That server runs on the default database (no --db: an SQLite file in its
folder). Also, on that server, sign-in guessing is slowed down: thirty failed
tokens in a minute from one address, and the next attempt is refused even
with a good token, until the minute is over.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.server_support import REPO, serving
from tests.support import until

SOLUTION = REPO / "solutions" / "count-async.py"


def test_a_submission_is_graded_on_a_dask_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        serving(
            "default",
            tmp_path,
            ["ann"],
            "--scheduler",
            cluster.scheduler_address,
            "--workers",
            "1",
            "--spool",
            str(tmp_path / "spool"),
        ) as server,
    ):
        good = {"Authorization": f"Bearer {server.token('ann')}"}
        answer = httpx.post(
            f"{server.url}/api/submissions", params={"exercise": "count-async"},
            content=SOLUTION.read_bytes(), headers=good,
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
        url = f"{server.url}/api/submissions/{answer.json()['id']}"

        def graded() -> dict[str, object] | None:
            found = httpx.get(url, headers=good).json()
            return found if found["status"] == "graded" else None

        report = until(graded, within=240, every=0.2)["report"]
        assert isinstance(report, dict) and report["score"] == 10.0
        assert server.worker_pids() == []  # graded on the cluster: no local grading worker
        assert (tmp_path / "grader-server.db").is_file()  # no --db: SQLite in the folder

        forged = {"Authorization": "Bearer " + "A" * 32}
        for _ in range(30):
            assert httpx.get(f"{server.url}/api/exercises", headers=forged).status_code == 403
        slowed = httpx.get(f"{server.url}/api/exercises", headers=good)
        assert slowed.status_code == 429 and "too many failed sign-ins" in slowed.text
