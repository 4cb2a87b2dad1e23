"""Schema migrations with alembic, driven from code (`leadbot db upgrade`, and at start-up)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from storage.db import normalize_url

MIGRATIONS = Path(__file__).parent / "migrations"

# Seconds to wait for a PostgreSQL server to answer when migrating. Without a limit libpq waits as
# long as the operating system does — forever when the server, or something in between, accepts
# the connection and says nothing — and `leadbot db upgrade`, or start-up, which migrates first,
# hangs instead of failing. A connect_timeout in the URL, or PGCONNECT_TIMEOUT, wins.
PG_CONNECT_TIMEOUT_S = 10


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on '%' in a password.
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def migration_engine_options(url: str) -> dict[str, Any]:
    """Extra make_engine() arguments for the migrations' own engine (migrations/env.py)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "postgresql":
        return {}
    if "connect_timeout" in parsed.query or os.environ.get("PGCONNECT_TIMEOUT"):
        return {}
    return {"connect_args": {"connect_timeout": PG_CONNECT_TIMEOUT_S}}


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
