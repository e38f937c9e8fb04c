"""The class server, started for real (`grader serve` on a free port), on SQLite and PostgreSQL.

One server per database for the whole module. What a student may and may
not do is tried over HTTP as a student's browser or `grader submit` would;
each refusal must say why and store nothing, which the tests check in the
database itself.

Under xdist the module's tests may land on different processes, each
with its own server: no test relies on another's submissions.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from grader.server.models import Grade, Job, Student, Submission
from tests.server_support import DATABASES, REPO, Server, engine_of, serving
from tests.support import until

STUDENTS = ["alice", "bob", "carol", "dave", "erin", "frank"]
SOLUTION = REPO / "solutions" / "count-async.py"
STUB = REPO / "exercises" / "count-async" / "stub.py"


@pytest.fixture(scope="module", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp(f"server-{request.param}")
    with serving(
        request.param, folder, STUDENTS, "--budget", "3", "--workers", "2",
        "--deadline", "count-sync=2020-01-01T00:00+00:00", "--late", "refuse",
        "--max-upload", "20000",
    ) as running:  # fmt: skip
        yield running


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored(server: Server, student: str) -> int:
    """How many submissions the database holds for `student`."""
    engine = engine_of(server)
    with engine.begin() as connection:
        return int(
            connection.execute(
                select(func.count(Submission.id))
                .join(Student, Student.id == Submission.student_id)
                .where(Student.name == student)
            ).scalar_one()
        )


def hand_in(server: Server, student: str, data: bytes, exercise: str = "count-async",
            filename: str | None = None, token: str | None = None) -> httpx.Response:  # fmt: skip
    params = {"exercise": exercise, "filename": filename or f"{exercise}.py"}
    return httpx.post(
        f"{server.url}/api/submissions", params=params, content=data,
        headers=bearer(token or server.token(student)), timeout=30,
    )  # fmt: skip


def graded(server: Server, token: str, submission_id: int) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        answer = httpx.get(
            f"{server.url}/api/submissions/{submission_id}", headers=bearer(token), timeout=30
        ).json()
        return answer if answer["status"] == "graded" else None

    return until(done, within=180, every=0.2)


def test_submit_prints_the_public_feedback_of_a_wrong_then_a_right_file(server: Server) -> None:
    env = dict(os.environ, GRADER_SERVER=server.url, GRADER_TOKEN=server.token("alice"))
    wrong = subprocess.run(
        [sys.executable, "-m", "grader", "submit", "count-async", str(STUB)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert wrong.returncode == 0, wrong.stderr
    assert "score: 0/10" in wrong.stdout
    assert "NotImplementedError" in wrong.stdout  # a public check's feedback
    right = subprocess.run(
        [sys.executable, "-m", "grader", "submit", "count-async", str(SOLUTION)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert right.returncode == 0, right.stderr
    assert "score: 10/10" in right.stdout


def test_a_grading_in_flight_shows_its_checks_one_by_one(server: Server) -> None:
    answer = hand_in(server, "frank", SOLUTION.read_bytes())
    assert answer.status_code == 201, answer.text
    url = f"{server.url}/api/submissions/{answer.json()['id']}"
    seen: list[list[str]] = []
    headers = bearer(server.token("frank"))

    def finished() -> bool:
        found = httpx.get(url, headers=headers, timeout=30).json()
        if found["status"] == "grading" and found["checks"]:
            seen.append([c["status"] for c in found["checks"]])
        return bool(found["status"] == "graded")

    until(finished, within=180, every=0.05)
    assert any("passed" in s and ("running" in s or "waiting" in s) for s in seen), seen
    assert all(len(s) == 6 for s in seen)  # count-async's six checks, named from the start


def test_a_student_sees_no_hidden_details_and_the_teacher_does(server: Server) -> None:
    answer = hand_in(server, "bob", STUB.read_bytes())
    assert answer.status_code == 201, answer.text
    submission_id = answer.json()["id"]
    mine = graded(server, server.token("bob"), submission_id)["report"]
    hidden = [c for c in mine["checks"] if c["visibility"] == "hidden"]
    assert hidden and all(c["message"] == "" and c["timeline"] is None for c in hidden)
    assert all(c["status"] == "error" for c in hidden)  # name and verdict stay
    full = graded(server, server.teacher_token, submission_id)["report"]
    teacher_hidden = [c for c in full["checks"] if c["visibility"] == "hidden"]
    assert teacher_hidden and all("NotImplementedError" in c["message"] for c in teacher_hidden)
    # The report page a student opens leaves them out too.
    with httpx.Client(base_url=server.url) as browser:
        browser.get(server.links["bob"].replace(server.url, ""))
        page = browser.get(f"/submissions/{submission_id}/report")
        assert page.status_code == 200
        assert "with no arguments, prints 1 to 30" in page.text  # the hidden check's name
        theirs = page.text.count("NotImplementedError")
    with httpx.Client(base_url=server.url) as teacher:
        teacher.get(server.teacher_link.replace(server.url, ""))
        full_page = teacher.get(f"/submissions/{submission_id}/report").text
    assert 0 < theirs < full_page.count("NotImplementedError")  # the public checks' only


def test_another_students_work_and_the_teachers_pages_are_refused(server: Server) -> None:
    answer = hand_in(server, "bob", SOLUTION.read_bytes())
    bobs = answer.json()["id"]
    alice = bearer(server.token("alice"))
    other = httpx.get(f"{server.url}/api/submissions/{bobs}", headers=alice)
    assert other.status_code == 404 and "bob" not in other.text
    assert httpx.get(f"{server.url}/api/class", headers=alice).status_code == 403
    with httpx.Client(base_url=server.url) as browser:
        assert browser.get("/teacher").status_code == 401  # not signed in
        browser.get(server.links["alice"].replace(server.url, ""))
        assert browser.get("/student").status_code == 200
        page = browser.get(f"/submissions/{bobs}")
        assert page.status_code == 404 and "no such submission" in page.text
        assert browser.get(f"/submissions/{bobs}/report").status_code == 404
        for path in ["/teacher", "/teacher/class/index.html", "/teacher/students/1",
                     "/teacher/regrades/1", "/teacher/exports/grades.csv",
                     "/teacher/exports/class.zip"]:  # fmt: skip
            refused = browser.get(path)
            assert refused.status_code == 403, path
            assert "this page is the teacher&#39;s" in refused.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', browser.get("/student").text)
        assert csrf is not None
        forged = browser.post("/teacher/regrades", data={"csrf": csrf.group(1)})
        assert forged.status_code == 403
    with httpx.Client(base_url=server.url) as teacher:
        teacher.get(server.teacher_link.replace(server.url, ""))
        assert teacher.get("/teacher").status_code == 200
        assert teacher.get(f"/submissions/{bobs}").status_code == 200


@pytest.mark.parametrize(
    ("data", "exercise", "filename", "status", "said"),
    [
        (b"x = 1\n" * 5000, "count-async", None, 413, "too large"),
        (b"print('caf\xe9')\n", "count-async", None, 400, "not UTF-8"),
        (b"x = 1\n", "no-such-exercise", None, 404, "no exercise 'no-such-exercise'"),
        (b"x = 1\n", "count-async", "count-sync.py", 400, "named for count-sync"),
        (b"x = 1\n", "count-sync", None, 403, "late work is not accepted"),
    ],
    ids=["too-large", "not-utf8", "wrong-exercise", "misnamed", "after-deadline"],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    server: Server, data: bytes, exercise: str, filename: str | None, status: int, said: str
) -> None:
    answer = hand_in(server, "dave", data, exercise, filename)
    assert answer.status_code == status, answer.text
    assert said in answer.json()["error"]
    assert stored(server, "dave") == 0


def test_the_sign_in_form_needs_its_own_page_s_token(server: Server) -> None:
    token = server.token("bob")
    with httpx.Client(base_url=server.url) as elsewhere:  # another site's form, posted here
        forged = elsewhere.post("/signin", data={"token": token, "csrf": "guessed"})
        assert forged.status_code == 403 and elsewhere.get("/student").status_code == 401
    with httpx.Client(base_url=server.url) as browser:
        page = browser.get("/").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf is not None
        signed = browser.post("/signin", data={"token": token, "csrf": csrf.group(1)})
        assert signed.status_code == 303 and browser.get("/student").status_code == 200


def test_a_link_does_not_switch_a_signed_in_browser_unasked(server: Server) -> None:
    with httpx.Client(base_url=server.url) as browser:
        browser.get(server.links["bob"].replace(server.url, ""))
        asked = browser.get(server.links["dave"].replace(server.url, ""))
        assert asked.status_code == 200 and "Sign in as someone else?" in asked.text
        assert "signed in as <strong>bob</strong>" in asked.text
        assert "Signed in as <strong>bob</strong>" in browser.get("/student").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', asked.text)
        assert csrf is not None
        browser.post("/signin", data={"token": server.token("dave"), "csrf": csrf.group(1)})
        assert "Signed in as <strong>dave</strong>" in browser.get("/student").text


def test_forged_and_expired_links_are_refused(server: Server) -> None:
    forged = hand_in(server, "erin", b"x = 1\n", token="A" * 32)
    assert forged.status_code == 403 and "not valid" in forged.json()["error"]
    engine = engine_of(server)
    with engine.begin() as connection:
        connection.execute(update(Student).where(Student.name == "erin").values(token_expires=0))
    expired = hand_in(server, "erin", b"x = 1\n")
    assert expired.status_code == 403 and "expired" in expired.json()["error"]
    page = httpx.get(server.links["erin"], follow_redirects=True)
    assert page.status_code == 403 and "expired" in page.text
    assert stored(server, "erin") == 0


def test_the_budget_is_visible_and_refuses_once_spent(server: Server) -> None:
    with httpx.Client(base_url=server.url) as browser:
        browser.get(server.links["carol"].replace(server.url, ""))
        assert "Submissions left this hour: <strong>3</strong> of 3" in browser.get("/student").text
        for _ in range(3):
            assert hand_in(server, "carol", STUB.read_bytes()).status_code == 201
        assert "Submissions left this hour: <strong>0</strong> of 3" in browser.get("/student").text
    over = hand_in(server, "carol", STUB.read_bytes())
    assert over.status_code == 429
    assert "used your 3 submissions for this hour" in over.json()["error"]
    assert stored(server, "carol") == 3


def test_a_replayed_or_forged_form_is_refused(server: Server) -> None:
    with httpx.Client(base_url=server.url) as browser:
        browser.get(server.links["dave"].replace(server.url, ""))
        page = browser.get("/student").text
        fields = dict(re.findall(r'name="(csrf|nonce)" value="([^"]+)"', page))
        form = {**fields, "exercise": "count-async", "source": STUB.read_text()}
        first = browser.post("/submit", data=form)
        assert first.status_code == 303 and first.headers["location"].startswith("/submissions/")
        again = browser.post("/submit", data=form)
        assert again.status_code == 409 and "already sent" in again.text
        forged = browser.post("/submit", data={**form, "csrf": "forged", "nonce": "new"})
        assert forged.status_code == 403 and "did not come from this site" in forged.text
    assert stored(server, "dave") == 1


def test_every_accepted_submission_ends_with_exactly_one_grade(server: Server) -> None:
    for data in (STUB.read_bytes(), SOLUTION.read_bytes()):
        assert hand_in(server, "frank", data).status_code == 201
    engine = engine_of(server)

    def drained() -> bool:
        with engine.begin() as connection:
            return not connection.execute(
                select(func.count(Job.id)).where(Job.state != "done")
            ).scalar_one()

    until(drained, within=300, every=0.5)
    with engine.begin() as connection:
        submissions = connection.execute(select(func.count(Submission.id))).scalar_one()
        per = connection.execute(
            select(Grade.submission_id, func.count(Grade.id))
            .where(Grade.round == 0)
            .group_by(Grade.submission_id)
        ).all()
    assert submissions >= 2
    assert len(per) == submissions and all(count == 1 for _, count in per)


def test_exports_hold_the_class(server: Server) -> None:
    handed = hand_in(server, "alice", SOLUTION.read_bytes())
    graded(server, server.token("alice"), handed.json()["id"])
    with httpx.Client(base_url=server.url) as teacher:
        teacher.get(server.teacher_link.replace(server.url, ""))
        grades = teacher.get("/teacher/exports/grades.csv")
        assert grades.status_code == 200
        rows = grades.text.splitlines()
        assert rows[0] == "student,count-sync,count-async,total"
        assert "alice,missing,10,10" in rows
        moodle = teacher.get("/teacher/exports/moodle-grades.csv").text
        assert "Email address" in moodle and "alice@example.org" in moodle
        archive = teacher.get("/teacher/exports/class.zip")
        names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
        assert "class/alice/count-async.py" in names
        overview = teacher.get("/teacher/class/index.html")  # grader batch's own class page
        assert overview.status_code == 200 and "alice" in overview.text
        assert teacher.get("/teacher/class/alice/count-async.html").status_code == 200
        page = teacher.get("/teacher/students/1")  # alice, the roster's first
        assert page.status_code == 200 and "<h1>alice</h1>" in page.text
        fields = dict(re.findall(r'name="(csrf)" value="([^"]+)"', page.text))
        renewed = teacher.post("/teacher/students/1/link", data=fields)
        link = re.search(r'<code id="link">([^<]+)</code>', renewed.text)
        assert link is not None
    old_link = httpx.get(server.links["alice"], follow_redirects=True)
    assert old_link.status_code == 403  # a new link ends the old one
    assert httpx.get(link.group(1), follow_redirects=True).status_code == 200
    server.links["alice"] = link.group(1)  # for any test that comes after
