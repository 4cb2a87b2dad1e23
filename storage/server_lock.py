"""The lock that makes one `leadbot run` process the active one (bot.runtime.leadership, README: hot
standby). On PostgreSQL a session advisory lock, which the server releases the moment the holder's
connection dies — a killed process included. On SQLite, whose processes share one machine, an
flock on a file beside the database, which the kernel releases likewise."""

from __future__ import annotations

import fcntl
import os
import zlib
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError


class Lock(Protocol):
    def try_acquire(self) -> bool: ...
    def still_held(self) -> bool: ...
    def release(self) -> None: ...


class AdvisoryLock:
    def __init__(self, engine: Engine, key: int) -> None:
        self._engine, self._key = engine, key
        self._connection: sa.Connection | None = None

    def try_acquire(self) -> bool:
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            held = bool(
                connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}).scalar()
            )
        except Exception:
            connection.close()
            raise
        if held:
            self._connection = connection
        else:
            connection.close()
        return held

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(sa.text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            except (SQLAlchemyError, OSError):
                pass  # the connection is gone, and the lock with it
            self._connection.close()
            self._connection = None


class FileLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        handle = open(self._path, "ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def lock_for(engine: Engine, token: str) -> Lock:
    """One lock per bot: two different bots may share a database."""
    key = zlib.crc32(token.split(":", 1)[0].encode())
    url = make_url(engine.url)
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(engine, key)
    database = url.database or ""
    if database in ("", ":memory:"):
        return FileLock(Path(os.devnull))  # one process by construction
    return FileLock(Path(f"{database}.lock"))
