"""Which of several `leadbot run` processes is the active one (README: hot standby).

Only the holder of the lock polls Telegram and runs the jobs; the others wait and take over when
it goes. On PostgreSQL the lock is a session advisory lock, which the server releases the moment
the holder's connection dies — a killed process included. On SQLite, whose processes share one
machine, it is an flock on a file beside the database, which the kernel releases likewise."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import zlib
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

log = logging.getLogger("leadbot.leadership")


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
            held = bool(connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}).scalar())
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
        except Exception:
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            except Exception:
                pass  # the connection is gone, and the lock with it
            self._connection.close()
            self._connection = None


class FileLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        handle = open(self._path, "ab")  # noqa: SIM115 — held open for as long as the lock is
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


async def become_active(lock: Lock, stop: asyncio.Event, check_seconds: float) -> bool:
    """Wait until this process holds the lock (True), or until asked to stop (False)."""
    said = False
    while not stop.is_set():
        try:
            if await asyncio.to_thread(lock.try_acquire):
                if said:
                    log.info("the active server has gone: this one takes over")
                return True
        except Exception as exc:
            log.warning("could not ask the database for the lock (%s); trying again", type(exc).__name__)
        if not said:
            log.info("standby: another leadbot process is active on this database; waiting to take over")
            said = True
        try:
            await asyncio.wait_for(stop.wait(), timeout=check_seconds)
        except TimeoutError:
            pass
    return False


async def watch(lock: Lock, check_seconds: float) -> None:
    """Return when the lock is lost (the database connection dropped): stop being active, since
    a standby may already have taken over."""
    while await asyncio.to_thread(lock.still_held):
        await asyncio.sleep(check_seconds)
    log.error("lost the database connection that holds the active-server lock; stopping")
