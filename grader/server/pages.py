"""The HTML pages: sign-in, the student's pages, and the teacher's.

Server-rendered from Jinja2 templates with autoescaping; the only script is
`static/live.js`, which polls `/api/version` and redraws a live page's main
region when what it shows has changed (no reload, no build step). Reports
are `grader.outputs.html`'s pages and the class overview is
`grader.outputs.classpage`'s, served as they are and shown in frames: a
student's with every hidden check's details removed (`views.public`).
Every form carries the session's CSRF token; the submission form also a
one-time value, so that a replayed form is refused.

The database calls block, so they stay off the event loop: a handler that
reads no form is a plain function, which Starlette runs in its thread pool;
one that awaits a form hands its writes to that pool.
"""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from grader.grading.report import Report
from grader.outputs import classpage
from grader.outputs.html import CSP as REPORT_CSP
from grader.outputs.html import render_report
from grader.server import enrollment, exports, intake, queue, views
from grader.server.api import read_capped, signed_in_by_token, state_of, visible_submission
from grader.server.auth import (
    Refusal,
    Who,
    check_csrf,
    digest,
    open_session,
    who_by_session,
)
from grader.server.models import Student

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(default=True),
)


def _when(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


TEMPLATES.filters["when"] = _when


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    user = who_by_session(state_of(request).engine, request.session)
    page = TEMPLATES.get_template(template).render(
        user=user, csrf=request.session.get("csrf", ""), **context
    )
    return HTMLResponse(page, status_code=status)


def message(request: Request, error: Refusal) -> HTMLResponse:
    return render(request, "message.html", status=error.status, text=error.message)


def signed_in(request: Request, *, teacher: bool = False) -> Who:
    user = who_by_session(state_of(request).engine, request.session)
    if user is None:
        raise Refusal("sign in first with the link your teacher gave you", 401)
    if teacher and not user.teacher:
        raise Refusal("this page is the teacher's", 403)
    return user


def home(request: Request) -> Response:
    user = who_by_session(state_of(request).engine, request.session)
    if user is None:
        # A form token before signing in too: no other site can sign a browser in to an
        # account of its choosing through this form (and have work handed in there).
        request.session.setdefault("csrf", secrets.token_urlsafe(24))
        return render(request, "signin.html")
    return RedirectResponse("/teacher" if user.teacher else "/student", status_code=303)


def _sign_in(request: Request, token: str) -> Response:
    try:
        user = signed_in_by_token(request, token)
    except Refusal as error:
        return message(request, error)
    open_session(request.session, user, digest(token))
    # Away from the address with the token in it, so it stays out of the history.
    return RedirectResponse("/teacher" if user.teacher else "/student", status_code=303)


def sign_in_link(request: Request) -> Response:
    token = str(request.path_params["token"])
    current = who_by_session(state_of(request).engine, request.session)
    if current is not None:
        # Already signed in: a link from elsewhere must not switch this browser to another
        # account unasked (where the student's next work would be handed in).
        try:
            other = signed_in_by_token(request, token)
        except Refusal as error:
            return message(request, error)
        if other != current:
            return render(request, "switch.html", other=other, token=token)
    return _sign_in(request, token)


async def sign_in_form(request: Request) -> Response:
    form = await request.form()
    try:
        check_csrf(request.session, form.get("csrf"))
    except Refusal as error:
        return message(request, error)
    token = str(form.get("token", "")).strip().rsplit("/", 1)[-1]
    return await run_in_threadpool(_sign_in, request, token)


async def sign_out(request: Request) -> Response:
    form = await request.form()
    try:
        check_csrf(request.session, form.get("csrf"))
    except Refusal as error:
        return message(request, error)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def _student_context(request: Request, user: Who) -> dict[str, Any]:
    state = state_of(request)
    assert user.student_id is not None
    with_rows = views.history(state.engine, user.student_id)
    with Session(state.engine) as session:
        student = session.execute(select(Student).where(Student.id == user.student_id)).scalar_one()
        budget = intake.budget_of(student.bucket, student.bucket_at, state.settings)
    return {
        "exercises": state.exercises(),
        "deadline": state.settings.deadline,
        "late_policy": str(state.settings.late),
        "budget": budget,
        "rows": with_rows,
        "nonce": secrets.token_urlsafe(24),
        "max_upload": state.settings.max_upload,
        "server_url": state.settings.base_url(),
    }


def student(request: Request) -> Response:
    try:
        user = signed_in(request)
        if user.teacher:
            return RedirectResponse("/teacher", status_code=303)
    except Refusal as error:
        return message(request, error)
    return render(request, "student.html", **_student_context(request, user))


async def submit(request: Request) -> Response:
    state = state_of(request)
    try:
        user = signed_in(request)
        if user.student_id is None:
            raise Refusal("only students hand in work", 403)
        # The form's own fields and the multipart framing come on top of the file.
        await read_capped(request, state.settings.max_upload + 16_384)
        form = await request.form(max_files=1, max_fields=10)
        check_csrf(request.session, form.get("csrf"))
        exercise_id = str(form.get("exercise", ""))
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            filename = upload.filename
        else:
            data = str(form.get("source", "")).encode("utf-8")
            filename = f"{exercise_id}.py"
        nonce = str(form.get("nonce", "")) or None
        if nonce is None:
            raise Refusal("this form is incomplete: reload the page and try again", 400)
        accepted = await run_in_threadpool(
            intake.accept,
            state.engine, state.settings, user.student_id, state.exercise(exercise_id),
            exercise_id, {e.id for e in state.exercises()}, filename, data, nonce,
        )  # fmt: skip
    except Refusal as error:
        return message(request, error)
    state.wake.set()
    return RedirectResponse(f"/submissions/{accepted.submission_id}", status_code=303)


def _visible(request: Request) -> tuple[Who, views.Status]:
    user = signed_in(request)
    return user, visible_submission(request, user, "there is no such submission")


def submission(request: Request) -> Response:
    try:
        user, found = _visible(request)
    except Refusal as error:
        return message(request, error)
    report = found.report
    shown = None
    if report is not None:
        shown = report if user.teacher else views.public(report)
    return render(request, "submission.html", status_info=found, report=shown)


def report_page(report: Report) -> HTMLResponse:
    """A report page of `grader.outputs.html`, with its own policy: no script, nothing fetched."""
    response = HTMLResponse(render_report(report))
    response.headers["content-security-policy"] = REPORT_CSP + "; frame-ancestors 'self'"
    return response


def submission_report(request: Request) -> Response:
    try:
        user, found = _visible(request)
        if found.report is None:
            raise Refusal("not graded yet", 404)
    except Refusal as error:
        return message(request, error)
    return report_page(found.report if user.teacher else views.public(found.report))


# -- the teacher's pages -------------------------------------------------------------------


def teacher(request: Request) -> Response:
    try:
        signed_in(request, teacher=True)
    except Refusal as error:
        return message(request, error)
    state = state_of(request)
    exercises = state.exercises()
    book, _ = views.class_book(state.engine, {e.id: e.points for e in exercises})
    ids = {name: sid for sid, name, _ in views.students(state.engine)}
    counted = {(c.student, c.exercise): c for c in views.counted(state.engine)}
    waiting = queue.waiting(state.engine)
    return render(
        request, "teacher.html", book=book, ids=ids, counted=counted, waiting=waiting,
        rounds=views.rounds(state.engine),
    )  # fmt: skip


def class_index(request: Request) -> Response:
    """The class overview `grader batch` writes as index.html, of the counted submissions."""
    try:
        signed_in(request, teacher=True)
    except Refusal as error:
        return message(request, error)
    state = state_of(request)
    book, reports = views.class_book(state.engine, {e.id: e.points for e in state.exercises()})
    response = HTMLResponse(classpage.render_class(book, reports))
    return response


def class_report(request: Request) -> Response:
    """A counted report, where the class overview's links point."""
    try:
        signed_in(request, teacher=True)
    except Refusal as error:
        return message(request, error)
    state = state_of(request)
    key = (request.path_params["student"], request.path_params["exercise"])
    _book, reports = views.class_book(state.engine, {e.id: e.points for e in state.exercises()})
    if key not in reports:
        return message(request, Refusal("no graded submission there", 404))
    return report_page(reports[key])


def _student_named(request: Request) -> tuple[int, str]:
    """The student the path names, and their name (else a 404 Refusal)."""
    try:
        student_id = int(request.path_params["student_id"])
    except ValueError:
        raise Refusal("no such student", 404) from None
    names = {sid: name for sid, name, _ in views.students(state_of(request).engine)}
    if student_id not in names:
        raise Refusal("no such student", 404)
    return student_id, names[student_id]


def _student_page(request: Request, student_id: int, name: str, link: str | None) -> Response:
    """The teacher's page of one student: their submissions, and a new sign-in link if any."""
    return render(
        request, "teacher_student.html", name=name, student_id=student_id,
        rows=views.history(state_of(request).engine, student_id), link=link,
    )  # fmt: skip


def teacher_student(request: Request) -> Response:
    try:
        signed_in(request, teacher=True)
        student_id, name = _student_named(request)
    except Refusal as error:
        return message(request, error)
    return _student_page(request, student_id, name, None)


async def new_link(request: Request) -> Response:
    state = state_of(request)
    try:
        signed_in(request, teacher=True)
        form = await request.form()
        check_csrf(request.session, form.get("csrf"))
        student_id, name = _student_named(request)
    except Refusal as error:
        return message(request, error)
    link = await run_in_threadpool(enrollment.renew_link, state.engine, state.settings, student_id)
    return _student_page(request, student_id, name, link)


async def start_regrade(request: Request) -> Response:
    state = state_of(request)
    try:
        signed_in(request, teacher=True)
        form = await request.form()
        check_csrf(request.session, form.get("csrf"))
    except Refusal as error:
        return message(request, error)
    round_id = await run_in_threadpool(views.start_regrade, state.engine)
    state.wake.set()
    return RedirectResponse(f"/teacher/regrades/{round_id}", status_code=303)


def regrade(request: Request) -> Response:
    try:
        signed_in(request, teacher=True)
        round_id = int(request.path_params["round_id"])
    except Refusal as error:
        return message(request, error)
    except ValueError:
        return message(request, Refusal("no such regrade", 404))
    found, changes = views.regrade_preview(state_of(request).engine, round_id)
    if found is None:
        return message(request, Refusal("no such regrade", 404))
    done = all(c.new is not None for c in changes)
    return render(request, "regrade.html", round=found, changes=changes, done=done)


async def apply_regrade(request: Request) -> Response:
    state = state_of(request)
    try:
        signed_in(request, teacher=True)
        form = await request.form()
        check_csrf(request.session, form.get("csrf"))
        round_id = int(request.path_params["round_id"])
        if not await run_in_threadpool(views.apply_regrade, state.engine, round_id):
            raise Refusal("this regrade is not finished yet, or was applied already", 409)
    except Refusal as error:
        return message(request, error)
    except ValueError:
        return message(request, Refusal("no such regrade", 404))
    return RedirectResponse(f"/teacher/regrades/{round_id}", status_code=303)


def export(request: Request) -> Response:
    try:
        signed_in(request, teacher=True)
    except Refusal as error:
        return message(request, error)
    state = state_of(request)
    name = request.path_params["name"]
    exercises = state.exercises()
    if name == "grades.csv":
        body: bytes = exports.grades_csv(state.engine, exercises).encode()
        kind = "text/csv; charset=utf-8"
    elif name == "canvas-grades.csv":
        body, kind = exports.canvas_csv(state.engine, exercises).encode(), "text/csv; charset=utf-8"
    elif name == "moodle-grades.csv":
        body, kind = exports.moodle_csv(state.engine, exercises).encode(), "text/csv; charset=utf-8"
    elif name == "class.zip":
        body, kind = exports.class_zip(state.engine), "application/zip"
    else:
        return message(request, Refusal("no such export", 404))
    return Response(
        body, media_type=kind,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


routes = [
    Route("/", home),
    Route("/signin/{token}", sign_in_link),
    Route("/signin", sign_in_form, methods=["POST"]),
    Route("/signout", sign_out, methods=["POST"]),
    Route("/student", student),
    Route("/submit", submit, methods=["POST"]),
    Route("/submissions/{submission_id}", submission),
    Route("/submissions/{submission_id}/report", submission_report),
    Route("/teacher", teacher),
    Route("/teacher/class/index.html", class_index),
    Route("/teacher/class/{student}/{exercise}.html", class_report),
    Route("/teacher/students/{student_id}", teacher_student),
    Route("/teacher/students/{student_id}/link", new_link, methods=["POST"]),
    Route("/teacher/regrades", start_regrade, methods=["POST"]),
    Route("/teacher/regrades/{round_id}", regrade),
    Route("/teacher/regrades/{round_id}/apply", apply_regrade, methods=["POST"]),
    Route("/teacher/exports/{name}", export),
]
