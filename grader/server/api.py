"""The JSON endpoints (docs/server.md): what `grader submit` and the live pages call.

Requests are signed in by `Authorization: Bearer TOKEN` (a student's or the
teacher's token) or, for reading, by the browser's session. A submission is
the file's bytes as the request body; only a bearer token may send one, so
no other site can make a signed-in browser hand something in.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from grader.server import intake, views
from grader.server.auth import Refusal, Who, who_by_session, who_by_token
from grader.server.state import State


def state_of(request: Request) -> State:
    found: State = request.app.state.grader
    return found


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def address(request: Request) -> str:
    return request.client.host if request.client else "?"


def signed_in_by_token(request: Request, token: str) -> Who:
    """Who `token` is; failures are counted per address, and too many refused for a while."""
    state = state_of(request)
    if state.failures.full(address(request)):
        raise Refusal("too many failed sign-ins from this address: wait a minute", 429)
    try:
        return who_by_token(state.engine, token)
    except Refusal:
        state.failures.note(address(request))
        raise


def who(request: Request, *, bearer_only: bool = False) -> Who:
    """The caller, or a 401 Refusal."""
    state = state_of(request)
    token = bearer(request)
    if token is not None:
        return signed_in_by_token(request, token)
    if not bearer_only:
        found = who_by_session(state.engine, request.session)
        if found is not None:
            return found
    raise Refusal("sign in first: send your token as 'Authorization: Bearer TOKEN'", 401)


def refused(error: Refusal) -> JSONResponse:
    return JSONResponse({"error": error.message}, status_code=error.status)


async def read_capped(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it passes `limit` bytes (nothing is stored)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refusal(f"the file is too large ({declared} bytes); the limit is {limit} bytes", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refusal(f"the file is too large; the limit is {limit} bytes", 413)
    # Kept where Starlette keeps a body it read, so that `request.form()` parses this one.
    request._body = bytes(body)
    return request._body


def exercise_rows(state: State) -> list[dict[str, Any]]:
    settings = state.settings
    return [
        {
            "id": e.id,
            "title": e.title,
            "points": e.points,
            "deadline": settings.deadline(e.id),
            "late": str(settings.late),
        }
        for e in state.exercises()
    ]


def exercises(request: Request) -> Response:
    try:
        who(request)
    except Refusal as error:
        return refused(error)
    return JSONResponse({"exercises": exercise_rows(state_of(request))})


async def submit(request: Request) -> Response:
    """POST /api/submissions?exercise=ID&filename=NAME, the file as the body."""
    state = state_of(request)
    try:
        user = who(request, bearer_only=True)
        if user.student_id is None:
            raise Refusal("only a student's token can hand in a submission", 403)
        exercise_id = request.query_params.get("exercise", "")
        filename = request.query_params.get("filename") or f"{exercise_id}.py"
        data = await read_capped(request, state.settings.max_upload)
        known = {e.id for e in state.exercises()}
        accepted = await run_in_threadpool(
            intake.accept,
            state.engine, state.settings, user.student_id, state.exercise(exercise_id),
            exercise_id, known, filename, data,
        )  # fmt: skip
    except Refusal as error:
        return refused(error)
    state.wake.set()
    return JSONResponse(
        {
            "id": accepted.submission_id,
            "late": accepted.late,
            "status": "queued",
            "url": f"{state.settings.base_url()}/submissions/{accepted.submission_id}",
        },
        status_code=201,
    )


def visible_submission(request: Request, user: Who, missing: str) -> views.Status:
    """The submission named in the path, if `user` may see it (else a 404 Refusal: `missing`)."""
    try:
        submission_id = int(request.path_params["submission_id"])
    except ValueError:
        raise Refusal(missing, 404) from None
    found = views.status(state_of(request).engine, submission_id)
    # Someone else's submission answers as if it did not exist: nothing about it leaks.
    if found is None or not (user.teacher or found.student_id == user.student_id):
        raise Refusal(missing, 404)
    return found


def submission(request: Request) -> Response:
    try:
        user = who(request)
        found = visible_submission(request, user, "no such submission")
    except Refusal as error:
        return refused(error)
    return JSONResponse(found.to_dict(hidden_details=user.teacher))


def submissions(request: Request) -> Response:
    try:
        user = who(request)
        if user.student_id is None:
            raise Refusal("the teacher's submissions are in GET /api/class", 404)
    except Refusal as error:
        return refused(error)
    rows = views.history(state_of(request).engine, user.student_id)
    return JSONResponse(
        {
            "submissions": [
                {
                    "id": r.id,
                    "exercise": r.exercise,
                    "submitted_at": r.submitted_at,
                    "late": r.late,
                    "status": r.state,
                    "score": r.score,
                    "max_score": r.max_score,
                }
                for r in rows
            ]
        }
    )


def version(request: Request) -> Response:
    """A value that changes when something the caller's pages show has changed."""
    try:
        user = who(request)
    except Refusal as error:
        return refused(error)
    state = state_of(request)
    if user.teacher:
        return JSONResponse({"version": views.version(state.engine)})
    assert user.student_id is not None
    return JSONResponse({"version": views.student_version(state.engine, user.student_id)})


def class_grades(request: Request) -> Response:
    try:
        user = who(request)
        if not user.teacher:
            raise Refusal("this is the teacher's", 403)
    except Refusal as error:
        return refused(error)
    rows = views.counted(state_of(request).engine)
    return JSONResponse(
        {
            "grades": [
                {
                    "student": c.student,
                    "exercise": c.exercise,
                    "submission": c.submission_id,
                    "late": c.late,
                    "score": c.grade.score if c.grade else None,
                    "status": c.grade.status if c.grade else "queued",
                }
                for c in rows
            ]
        }
    )


routes = [
    Route("/api/exercises", exercises),
    Route("/api/submissions", submit, methods=["POST"]),
    Route("/api/submissions", submissions, methods=["GET"]),
    Route("/api/submissions/{submission_id}", submission),
    Route("/api/version", version),
    Route("/api/class", class_grades),
]
