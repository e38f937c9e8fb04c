"""Every test process adopts the orphans of what it starts, so `support.leftovers` sees them."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator

import pytest

from grader.batch import runner as batch
from tests import support

_PR_SET_CHILD_SUBREAPER = 36


def pytest_configure() -> None:
    """Make this process a subreaper: a sandbox's escaped process stays our descendant."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


@pytest.fixture(autouse=True)
def _mark_the_test_start() -> Iterator[None]:
    """Processes started before this test belong to earlier ones (see support.leftovers)."""
    support.test_began = support.uptime()
    yield


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> support.FakeGrader:
    """`grade` replaced, for the batch, by a quick fake that notes what it graded."""
    grader = support.FakeGrader()
    monkeypatch.setattr(batch, "grade", grader)
    support.batch_in_this_process(monkeypatch)
    return grader
