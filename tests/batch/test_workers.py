"""How many workers a batch starts: the code, `--help` and the docs say the same."""

from __future__ import annotations

import re

from grader.batch import executors
from tests.support import REPO, run

# -- the docs agree with the code -------------------------------------------------------------


def test_the_docs_give_the_workers_the_code_gives() -> None:
    """`--help`, the READMEs and docs/cli.md say "per core" as the code counts it."""
    assert executors.default_workers() == max(4, 4 * executors.cores())
    assert executors.local_throttle(None).least == executors.cores()
    said = {
        "--help": run("batch", "--help").output,
        "README.md": (REPO / "README.md").read_text(),
        "examples/README.md": (REPO / "examples" / "README.md").read_text(),
        "docs/cli.md": (REPO / "docs" / "cli.md").read_text(),
    }
    for where, text in said.items():
        flat = " ".join(text.split())
        for phrase in re.findall(r"[\w ]{0,40} per core", flat):
            allowed = ("between one and four per core", " one per core", " one thread per core")
            assert phrase.endswith(allowed), (where, phrase)
    flat = " ".join(said["--help"].split())
    assert "between one and four per core" in flat
