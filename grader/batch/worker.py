"""A grading worker process: `python -m grader.batch.worker` (see grader.batch.workers)."""

from grader.batch.workers import serve

serve()
