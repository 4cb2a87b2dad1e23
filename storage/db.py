"""Engines: SQLite by default (WAL, busy timeout, BEGIN IMMEDIATE for writes), PostgreSQL by URL."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

# Execution option that asks for a write transaction: on SQLite it takes the database's write
# lock at BEGIN, so concurrent filings queue up instead of failing with "database is locked".
WRITE = "leadbot_write"
SQLITE_BUSY_TIMEOUT_S = 60
# SQLite's automatic checkpoint (every 1,000 WAL pages) runs inside whichever commit crosses the
# mark, and that filing waits for it: the tail of filing latency. `leadbot run` checkpoints from a
# background job instead (checkpoint, below); the raised limit stays as a bound for processes
# without that job (the command line, tests).
SQLITE_AUTOCHECKPOINT_PAGES = 20_000

# PostgreSQL: without a connect timeout libpq waits as long as the operating system does — forever
# when something accepts the connection and says nothing — and start-up or `leadbot db upgrade`
# hangs instead of failing (a connect_timeout in the URL, or PGCONNECT_TIMEOUT, wins). Keepalives
# notice a server that vanished in ~15 s instead of two hours: the active server's lock check
# (bot.runtime.leadership) depends on it.
PG_CONNECT_TIMEOUT_S = 10
_PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}


def normalize_url(url: str) -> str:
    """Let people write postgresql:// and get the psycopg 3 driver that we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Errors must never carry customers' phones and addresses into logs.
    kwargs.setdefault("hide_parameters", True)
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = sa.create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}, **kwargs
        )
        _tune_sqlite(engine)
        return engine
    connect_args = {**pg_connect_args(url), **kwargs.pop("connect_args", {})}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def pg_connect_args(url: str) -> dict[str, Any]:
    args: dict[str, Any] = dict(_PG_KEEPALIVES)
    if "connect_timeout" not in make_url(url).query and not os.environ.get("PGCONNECT_TIMEOUT"):
        args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    return args


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); pysqlite's implicit transactions would defeat that.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def insert_for(dialect_name: str) -> Any:
    """INSERT with ON CONFLICT (DO NOTHING / DO UPDATE), which both databases have."""
    return pg_insert if dialect_name == "postgresql" else sqlite_insert


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the write-ahead log back into the database without waiting for readers or
    writers (PASSIVE), outside any filing; PostgreSQL checkpoints on its own."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def answers(engine: Engine) -> bool:
    """Whether the database answers a query now (the webhook's /healthz)."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return False
    return True
