"""Alembic environment: run with the connection handed over by leadboard.db.migrate."""

from alembic import context

from leadboard.db.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("run migrations through `leadboard db upgrade`")

# Batch mode lets ALTER-style changes work on SQLite (it recreates the table).
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
