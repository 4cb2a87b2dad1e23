"""Each update handled once, and none lost (DESIGN: updates are idempotent).

The queue records an update in the ledger before the updater asks Telegram for the next batch
(which is what confirms the previous one), so nothing Telegram considers delivered exists only
in memory; the application claims each update before handling it, and marks it done in the
transaction that writes the dialog state it leaves (storage.update_ledger says what a restart
does with the ones in between)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import Application

from storage.persistence import DatabasePersistence
from storage.update_ledger import UpdateLedger, current_update

log = logging.getLogger("leadbot.updates")

RECORD_RETRY_FIRST_S = 0.5


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue; the updater (polling or webhook) puts into it."""

    def __init__(self, ledger: UpdateLedger, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.ledger, self.clock = ledger, clock

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if not await self._record(item, self.ledger, self.clock):
                log.info("update %d delivered again; it is already recorded", item.update_id)
                return
        await super().put(item)

    @staticmethod
    async def _record(update: Update, ledger: UpdateLedger, clock: Callable[[], datetime]) -> bool:
        """True if the update is new. While the database cannot be written, wait and try again:
        the poller asks Telegram for nothing more (so confirms nothing) until it is recorded —
        raising instead would end PTB's polling task for good."""
        delay = RECORD_RETRY_FIRST_S
        while True:
            try:
                return await asyncio.to_thread(ledger.record, update.update_id, update.to_json(), clock())
            except Exception as exc:
                log.warning("could not record update %d (%s): the database may be down; trying again in %g s",
                            update.update_id, type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)

    async def replay(self, item: Update) -> None:
        """Queue an update an earlier run recorded but did not finish."""
        await super().put(item)


class LedgeredApplication(Application[Any, Any, Any, Any, Any, Any]):
    ledger: UpdateLedger | None = None
    clock: Callable[[], datetime] | None = None

    async def process_update(self, update: object) -> None:
        ledger, clock = self.ledger, self.clock
        if ledger is None or clock is None or not isinstance(update, Update):
            await super().process_update(update)
            return
        try:
            claimed = await asyncio.to_thread(ledger.claim, update.update_id, update.to_json(), clock())
        except Exception as exc:  # the database is unreachable: the update stays for the next start
            await self.process_error(update=update, error=exc)
            return
        if not claimed:
            log.info("update %d was handled already; not again", update.update_id)
            return
        token = current_update.set(update.update_id)
        try:
            await super().process_update(update)
            # The dialog's new step and draft, and the update's done mark, in one transaction.
            await self.update_persistence()
            assert isinstance(self.persistence, DatabasePersistence)
            done = partial(ledger.finish, update_id=update.update_id, now=clock())
            await asyncio.to_thread(self.persistence.write_pending, done)
        except Exception as exc:
            await self.process_error(update=update, error=exc)
        finally:
            current_update.reset(token)

    async def replay_unfinished(self) -> int:
        """Handle what an earlier run received but never began (it crashed or was killed)."""
        assert self.ledger is not None and self.clock is not None and isinstance(self.update_queue, InboxQueue)
        for update_id in await asyncio.to_thread(self.ledger.close_interrupted, self.clock()):
            log.warning("update %d was being handled when the last process stopped; it is not redone, "
                        "since part of it may have been done (the person can repeat it)", update_id)
        payloads = await asyncio.to_thread(self.ledger.unfinished)
        for payload in payloads:
            update = Update.de_json(json.loads(payload), self.bot)
            await self.update_queue.replay(update)
        if payloads:
            log.info("%d update(s) received before the last stop are handled now", len(payloads))
        return len(payloads)
