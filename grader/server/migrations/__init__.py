"""Alembic migrations of the server's schema (run by `grader.server.database.migrate`)."""
