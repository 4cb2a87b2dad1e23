"""Alembic environment: the models' metadata, the URL from the Config (set by storage.migrate)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, event
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import WRITE, make_engine

config = context.config
target_metadata = SQLModel.metadata

# Two processes starting at once on a new database (`docker compose --profile standby up`) would
# both create the tables, and one would fail. Each upgrade first takes this PostgreSQL
# transaction-level advisory lock (SQLite: BEGIN IMMEDIATE, its write lock), so the second waits
# for the first to commit, then finds the schema at head and has nothing to do.
MIGRATION_LOCK_KEY = 0x1EAD_0DB0  # any constant; the active-server locks are CRC-32s of bot ids


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("alembic: no sqlalchemy.url to migrate (storage.migrate sets it)")
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # After make_engine's own connect listener, which turns foreign keys on.
        event.listen(engine, "connect", _sqlite_foreign_keys_off)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _sqlite_foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    """SQLite alters a table in batch mode by rebuilding it (create a copy, fill it, drop the old
    one, rename): with foreign keys enforced, dropping a table that other rows point at fails —
    revision 0002 on any database holding registrations and filing attempts. SQLite's own recipe
    for such rebuilds: foreign keys off while migrating (outside a transaction, so here, at
    connect), then PRAGMA foreign_key_check before committing (in _run)."""
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        # SQLite's DDL is transactional, though alembic does not assume it: all the revisions of
        # one upgrade commit together, after the foreign key check, or not at all.
        transactional_ddl=True if sqlite else None,
        compare_type=True,
        # `alembic check` (tests/storage/test_migrations.py) also compares server defaults
        # (quota_exempt's false). It cannot see partial indexes' WHERE clauses
        # (postgresql_where/sqlite_where): that test compares those itself.
        compare_server_default=True,
    )
    if sqlite:
        connection.execution_options(**{WRITE: True})  # BEGIN IMMEDIATE (storage.db)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                tables = sorted({row[0] for row in broken})
                raise RuntimeError(
                    f"migrating would leave rows whose foreign keys point nowhere, in {tables}"
                )


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
