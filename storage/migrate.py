"""Schema migrations with alembic, driven from code (`leadbot db upgrade`, and at start-up)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

from storage.db import make_engine, normalize_url

log = logging.getLogger("leadbot")

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on '%' in a password.
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


class DatabaseUnreachable(Exception):
    """One line saying which attempt failed and why; no parameters, no traceback."""


def connect(url: str, attempts: int) -> Engine:
    """Bring the schema up to date, retrying while the database comes up (a container starting
    beside it, a failover): 1 s, 2 s, 4 s … apart, then give up with one clear line."""
    for attempt in range(1, attempts + 1):
        try:
            upgrade(url)
            return make_engine(url)
        except (sa_exc.OperationalError, sa_exc.InterfaceError, OSError) as exc:
            # Only a server that does not answer (yet) is retried; a broken migration is a bug.
            # The class and first line only: enough to act on, and no parameters.
            first_line = next(iter(str(exc).strip().splitlines()), "")
            reason = f"{type(exc).__name__}: {first_line}"
            if attempt == attempts:
                raise DatabaseUnreachable(
                    f"the database is not reachable after {attempts} attempt(s): {reason}"
                ) from exc
            delay = min(2 ** (attempt - 1), 30)
            log.warning(
                "the database is not reachable (attempt %d of %d: %s); trying again in %d s",
                attempt,
                attempts,
                reason,
                delay,
            )
            time.sleep(delay)
    raise AssertionError("attempts is at least 1")
