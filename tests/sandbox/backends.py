"""The isolation backends this machine offers, as the isolation and attack tests use them.

tests/sandbox/test_isolation.py and tests/sandbox/test_attacks_*.py run each claim under
every backend offered (`OFFERED`, or `ISOLATING` where no isolation would make the
attack unsafe), and `judge` what each backend says it stops.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from grader.sandbox import isolation
from grader.sandbox.isolation import Backend, Isolation, Protection

#: A Python any uid can read, for Landlock when the grader's own lives under /root.
SYSTEM_PYTHON = "/usr/bin/python3"


def system_python_fits() -> bool:
    """Whether Debian's Python is this Python's version (a child under Landlock runs it)."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip() == f"{sys.version_info[0]}.{sys.version_info[1]}"


def offered() -> list[tuple[Isolation, dict[str, str]]]:
    """Every backend this machine offers, with the environment it needs here."""
    found: list[tuple[Isolation, dict[str, str]]] = []
    for backend in Backend:
        result = isolation.probe(backend)
        if isinstance(result, Isolation):
            found.append((result, {}))
        elif backend is Backend.LANDLOCK and "not readable" in result and system_python_fits():
            os.environ["GRADER_SANDBOX_PYTHON"] = SYSTEM_PYTHON
            try:
                again = isolation._probe.__wrapped__(backend)
            finally:
                del os.environ["GRADER_SANDBOX_PYTHON"]
            if isinstance(again, Isolation):
                found.append((again, {"GRADER_SANDBOX_PYTHON": SYSTEM_PYTHON}))
    return found


OFFERED = offered()
#: The backends that isolate: the ones an attack is graded under.
ISOLATING = [(found, env) for found, env in OFFERED if found.backend is not Backend.NONE]


def use(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Isolation]:
    """A backend fixture's body: `request.param`'s backend, with the environment it needs."""
    found, environment = request.param
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    yield found


def judge(backend: Isolation, protection: Protection, *, stopped: bool, what: str) -> None:
    """Stopped, unless the backend says it does not protect against this; then not stopped."""
    if protection in backend.missing:
        assert not stopped, f"{backend.backend} says it does not stop {what}, yet it did"
    else:
        assert stopped, f"under {backend.backend}, the submission could {what}"
