"""Alembic's environment: migrate on the connection `grader.server.database.migrate` passes."""

from alembic import context

from grader.server.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
