"""`grader submit`'s side: hand a file in to a class server and wait for its feedback.

Plain urllib: a student's kit installs the grader without the server's
dependencies, and one POST and a few GETs need none.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import GraderError, MissingFile
from grader.grading.report import Report


class SubmitFailed(GraderError):
    """The server refused the file, or could not be reached; the message says which."""


@dataclass(frozen=True)
class Handed:
    """A submission the server took, and its feedback once graded."""

    id: int
    url: str
    late: bool
    report: Report | None  # None when the wait ran out before it was graded


def _call(
    method: str, url: str, token: str, body: bytes | None = None, timeout: float = 30
) -> dict[str, Any]:
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/octet-stream")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            found: dict[str, Any] = json.loads(answer.read())
            return found
    except urllib.error.HTTPError as error:
        try:
            said = json.loads(error.read()).get("error") or error.reason
        except (ValueError, AttributeError):
            said = error.reason
        raise SubmitFailed(f"the server refused it: {said}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SubmitFailed(f"cannot reach the server at {url}: {reason}") from None


def check_token(server: str, token: str) -> int:
    """Whether the server signs `token` in (SubmitFailed saying why not): its exercises' count."""
    found = _call("GET", f"{_base(server)}/api/exercises", token)
    return len(found.get("exercises", []))


def _base(server: str) -> str:
    base = server.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise SubmitFailed(
            f"--server {server}: expected an address such as https://grader.example.org"
        )
    return base


def submit(server: str, token: str, exercise: str, file: Path, *, wait: float = 600.0) -> Handed:
    """Hand `file` in for `exercise` and wait up to `wait` seconds for its public feedback."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise MissingFile(f"no file at {file}") from None
    except OSError as error:
        raise MissingFile(f"cannot read {file}: {error.strerror or error}") from None
    base = _base(server)
    query = urllib.parse.urlencode({"exercise": exercise, "filename": file.name})
    taken = _call("POST", f"{base}/api/submissions?{query}", token, data)
    submission_id = int(taken["id"])
    deadline = time.monotonic() + wait
    pause = 0.2
    while time.monotonic() < deadline:
        found = _call("GET", f"{base}/api/submissions/{submission_id}", token)
        if found.get("status") == "graded" and found.get("report") is not None:
            report = Report.from_dict(found["report"])
            return Handed(submission_id, str(taken["url"]), bool(taken["late"]), report)
        time.sleep(pause)
        pause = min(1.0, pause * 1.5)
    return Handed(submission_id, str(taken["url"]), bool(taken["late"]), None)
