"""Which of several `leadbot run` processes is the active one (README: hot standby): only the
holder of the server lock (storage.server_lock) polls Telegram and runs the jobs; the others wait
and take over when it goes."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from storage.server_lock import Lock

log = logging.getLogger("leadbot.leadership")


async def become_active(lock: Lock, stop: asyncio.Event, check_seconds: float) -> bool:
    """Wait until this process holds the lock (True), or until asked to stop (False)."""
    said = False
    while not stop.is_set():
        try:
            if await asyncio.to_thread(lock.try_acquire):
                if said:
                    log.info("the active server has gone: this one takes over")
                return True
        except (SQLAlchemyError, OSError) as exc:
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
