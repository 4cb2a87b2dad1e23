"""Each update handled once, and none lost (DESIGN: updates are idempotent).

The queue records an update in the ledger before the updater asks Telegram for the next batch
(which is what confirms the previous one), so nothing Telegram considers delivered exists only
in memory; the application claims each update it did not record itself (one an earlier run left)
before handling it, and marks it done in the transaction that writes the dialog state it leaves
(storage.update_ledger says what a restart does with the ones in between)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import ODVInput, TimePeriod
from telegram.error import TelegramError
from telegram.ext import Application

from bot.runtime.inbound_guard import InboundGuard
from bot.runtime.outgoing import LeadBot
from domain.model import BrokenInvariant
from storage.persistence import DatabasePersistence
from storage.update_ledger import UpdateLedger, current_update

log = logging.getLogger("leadbot.updates")

RECORD_RETRY_FIRST_S = 0.5


class PollingBot(LeadBot):
    """PTB's bot, except that it reads each update of a polled batch on its own.

    PTB reads a batch all or nothing: one update it cannot read (a kind or field newer than the
    library, a malformed one) fails the whole batch, which it logs in full — customers' phones
    and addresses — at CRITICAL, and the poller asks for the same batch again at once, hundreds of
    times a second. Here an update that cannot be read is logged once, by its id, and stands in
    the batch as an empty update of that id: the rest of the batch is handled, the offset moves
    past it, and the roster gate lets the empty update through to nothing."""

    __slots__ = ()

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        # What telegram.Bot.get_updates (PTB 22.8) sends, and the read timeout it allows the long
        # poll; only the reading of the answer differs.
        data: dict[str, Any] = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        base = self._request[0].read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        wait = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else (timeout or 0)
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=(base or 0) + wait,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        updates = tuple(self._read(item) for item in result)
        for update in updates:
            self.insert_callback_data(update)
        return updates

    def _read(self, item: object) -> Update:
        try:
            return Update.de_json(item, self)  # type: ignore[arg-type]
        # Neither the update nor the error's text is logged: they carry its data.
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                # Nothing to move the offset past: the poller backs off (up to 30 s) and asks again.
                raise TelegramError("Telegram sent an update without an id") from None
            log.warning("update %d could not be read (%s): skipped", update_id, type(exc).__name__)
            skipped = Update(update_id=update_id)
            skipped.set_bot(self)
            return skipped


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue; the updater (polling or webhook) puts into it."""

    def __init__(self, ledger: UpdateLedger, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.ledger, self.clock = ledger, clock
        # Set by the assembly (bot.app): strangers and floods are turned away before the ledger.
        self.guard: InboundGuard | None = None
        # Recorded by this queue and not yet handled: this process's own, so not claimed again.
        self._recorded: set[int] = set()

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self.put_received(item, None)
        else:
            await super().put(item)

    async def put_received(self, update: Update, payload: str | None) -> None:
        """`payload`: the update's JSON as it came (the webhook has it), else made from it."""
        if self.guard is not None and not await self.guard.admits(update):
            return
        if not await self._record(update, payload or update.to_json(), self.ledger, self.clock):
            log.info("update %d delivered again; it is already recorded", update.update_id)
            return
        self._recorded.add(update.update_id)
        await super().put(update)

    def recorded_here(self, update_id: int) -> bool:
        """Whether this queue recorded the update (asked once, as it is handled)."""
        if update_id in self._recorded:
            self._recorded.discard(update_id)
            return True
        return False

    @staticmethod
    async def _record(
        update: Update, payload: str, ledger: UpdateLedger, clock: Callable[[], datetime]
    ) -> bool:
        """True if the update is new. While the database cannot be written, wait and try again:
        the poller asks Telegram for nothing more (so confirms nothing) until it is recorded —
        raising instead would end PTB's polling task for good."""
        delay = RECORD_RETRY_FIRST_S
        while True:
            try:
                return await asyncio.to_thread(ledger.record, update.update_id, payload, clock())
            except (SQLAlchemyError, OSError) as exc:
                log.warning(
                    "could not record update %d (%s): the database may be down; trying again in %g s",
                    update.update_id,
                    type(exc).__name__,
                    delay,
                )
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
        queue = self.update_queue
        # The queue recorded it a moment ago, as received by this run: nobody else handles it
        # (one active server at a time), and its record read the roster version. Anything else
        # — left by an earlier run, or handed over directly — is claimed first.
        if not (isinstance(queue, InboxQueue) and queue.recorded_here(update.update_id)):
            try:
                claimed = await asyncio.to_thread(ledger.claim, update.update_id, update.to_json(), clock())
            except (SQLAlchemyError, OSError) as exc:  # the database is down: it waits for the next start
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
            if not isinstance(self.persistence, DatabasePersistence):
                raise BrokenInvariant("a ledgered application persists to the database")
            done = partial(ledger.finish, update_id=update.update_id, now=clock())
            await asyncio.to_thread(self.persistence.write_pending, done)
        except Exception as exc:  # noqa: BLE001 - the one handler per update: PTB's error handler reports it
            await self.process_error(update=update, error=exc)
        finally:
            current_update.reset(token)

    async def replay_unfinished(self) -> int:
        """Handle what an earlier run received but never began (it crashed or was killed)."""
        if self.ledger is None or self.clock is None or not isinstance(self.update_queue, InboxQueue):
            raise BrokenInvariant("replay needs the ledger, the clock and the inbox queue")
        for update_id in await asyncio.to_thread(self.ledger.close_interrupted, self.clock()):
            log.warning(
                "update %d was being handled when the last process stopped; it is not redone, "
                "since part of it may have been done (the person can repeat it)",
                update_id,
            )
        payloads = await asyncio.to_thread(self.ledger.unfinished)
        for payload in payloads:
            update = Update.de_json(json.loads(payload), self.bot)
            await self.update_queue.replay(update)
        if payloads:
            log.info("%d update(s) received before the last stop are handled now", len(payloads))
        return len(payloads)


def guard_of(application: Application[Any, Any, Any, Any, Any, Any]) -> InboundGuard | None:
    queue = application.update_queue
    return queue.guard if isinstance(queue, InboxQueue) else None
