"""Alembic environment of the report store.

:func:`core.store.migrate` runs the migrations on its own open connection (inside the
transaction that holds the store's migration lock) and passes it in ``config.attributes``.
Run by hand (``alembic -x url=... upgrade head``) this opens the URL (default: the
configured store, :func:`core.store.database_url`), takes the same lock and takes over a
database made before Alembic (its ``schema_version`` table) first.
"""
from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
else:
    from pathlib import Path

    from core import store

    url = context.get_x_argument(as_dictionary=True).get("url") or store.database_url()
    if "://" not in url:  # a data folder, as FORMCHECK_DATA_DIR names it
        url = f"sqlite:///{(Path(url) / store.DB_NAME).absolute()}"
    engine = store._make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        store.prepare_migration(conn)
        context.configure(connection=conn, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
