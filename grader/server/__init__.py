"""The class server (`grader serve`): students hand in, workers grade, the teacher watches.

One process serves the pages and the JSON endpoints (Starlette under
uvicorn) and hands jobs to grading workers; the queue, the submissions and
their grades live in the database (SQLite by default, PostgreSQL by URL),
so that whatever is killed, nothing accepted is lost and nothing is graded
twice. Submissions run in the same sandbox as `grader grade`, in the batch's
long-lived worker processes (`grader.batch.workers`) or on a dask cluster,
never in the server's own process. See docs/server.md.
"""
