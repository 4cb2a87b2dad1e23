"""Who may cost the bot anything, decided as each update arrives — before the update ledger writes
it and before it joins the queue the staff's updates wait in (issue 10: a stranger's flood once
delayed a guide's /mine by 97 s).

- Everyone has a per-user rate cap: past `user_rate_limit` updates in `user_rate_window_seconds`,
  the rest of that window's are dropped (logged once per window, by user id).
- In private chats, strangers — not on the roster, not admins, not opening an invitation link —
  get one refusal per `stranger_refusal_minutes` and are otherwise ignored: nothing is written
  for them. Who is on the roster comes from a cached set of active staff ids (DESIGN: the roster
  is cached), read again every `roster_refresh_seconds`. Before a stranger is refused, and for a
  while after they open an invitation link, the database is asked about them (a read): so
  someone enrolled a moment ago, here or by the CLI in another process, is let in, not refused.

Groups are left to the roster gate (bot.app): only the rate cap applies there. The roster gate
still checks every update that passes against the database: a deactivated person is a stranger
at once (RULES §2), whatever this cache says."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError
from telegram import Message, Update

from bot.services import Services
from domain.roster import active_staff

log = logging.getLogger("leadbot.inbound")

# Refusals sent to all strangers together, per second: a flood from many accounts at once must
# not fill the outbound rate limiter (≈30 messages/s) that the staff's replies go through.
REFUSALS_PER_SECOND = 5
# Entries kept per table before the expired ones are swept out (many senders, bounded memory).
_SWEEP_AT = 10_000


def is_invite_link(message: Message | None) -> bool:
    """`/start <code>`: what an invitation link sends; it passes whoever opens it."""
    text = (message.text or "") if message is not None else ""
    return text.startswith("/start ") and len(text.split()) == 2


class _Recent:
    """When each user last did something, forgetting what is older than `keep` seconds."""

    def __init__(self, keep: float) -> None:
        self.keep = keep
        self._at: dict[int, float] = {}

    def within(self, user_id: int, now: float) -> bool:
        at = self._at.get(user_id)
        return at is not None and now - at < self.keep

    def note(self, user_id: int, now: float) -> None:
        if len(self._at) >= _SWEEP_AT:
            self._at = {uid: at for uid, at in self._at.items() if now - at < self.keep}
        self._at[user_id] = now

    def forget(self, user_id: int) -> None:
        self._at.pop(user_id, None)


class RateCap:
    """At most `limit` updates per user in each window of `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._windows: dict[int, list[float]] = {}  # user id → [window start, updates in it]

    def allows(self, user_id: int, now: float) -> bool:
        current = self._windows.get(user_id)
        if current is None or now - current[0] >= self.window:
            if len(self._windows) >= _SWEEP_AT:
                self._windows = {uid: w for uid, w in self._windows.items() if now - w[0] < self.window}
            self._windows[user_id] = [now, 1]
            return True
        current[1] += 1
        if current[1] == self.limit + 1:
            log.warning(
                "user %d sent more than %d updates in %g s: the rest of them are dropped for up to %g s",
                user_id,
                self.limit,
                self.window,
                self.window - (now - current[0]),
            )
        return current[1] <= self.limit


class RosterCache:
    """The telegram ids of active staff, read at most every `refresh` seconds. None while the
    database cannot be read: then nobody is turned away here (the ledger waits for the database)."""

    def __init__(self, load: Callable[[], frozenset[int]], refresh: float) -> None:
        self._load, self.refresh = load, refresh
        self._ids: frozenset[int] | None = None
        self._read_at = float("-inf")
        self._lock = asyncio.Lock()

    async def ids(self, now: float) -> frozenset[int] | None:
        if now - self._read_at < self.refresh:
            return self._ids
        async with self._lock:
            if now - self._read_at >= self.refresh:  # not read meanwhile by another arrival
                try:
                    self._ids = await asyncio.to_thread(self._load)
                except (SQLAlchemyError, OSError) as exc:
                    log.warning(
                        "could not read the roster (%s): every sender is let through until it can be read",
                        type(exc).__name__,
                    )
                    self._ids = None
                self._read_at = now
        return self._ids

    def add(self, telegram_id: int) -> None:
        if self._ids is not None:
            self._ids = self._ids | {telegram_id}

    def discard(self, telegram_id: int) -> None:
        if self._ids is not None:
            self._ids = self._ids - {telegram_id}


class InboundGuard:
    def __init__(
        self,
        *,
        roster: RosterCache,
        is_staff: Callable[[int], bool],
        admin_ids: frozenset[int],
        refuse: Callable[[Update], object],
        rate_cap: RateCap,
        refusal_every: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.roster, self._is_staff, self._admin_ids, self._refuse = roster, is_staff, admin_ids, refuse
        self.rate_cap = rate_cap
        self.monotonic = monotonic
        self._refused = _Recent(refusal_every)
        self._invited = _Recent(roster.refresh)
        self._refusals_this_second = (0.0, 0)

    async def admits(self, update: Update) -> bool:
        """Whether the update goes on to the ledger and the queue."""
        user, chat = update.effective_user, update.effective_chat
        if user is None:
            return True  # channel posts and the like: the roster gate ignores them
        now = self.monotonic()
        if not self.rate_cap.allows(user.id, now):
            return False
        if chat is None or chat.type != "private" or user.id in self._admin_ids:
            return True
        if is_invite_link(update.message):
            self._invited.note(user.id, now)
            return True
        ids = await self.roster.ids(now)
        if ids is None or user.id in ids:
            return True
        refusing = (update.message is not None or update.callback_query is not None) and self._may_refuse(
            user.id, now
        )
        if refusing or self._invited.within(user.id, now):
            # Enrolled since the roster was read (an invitation here, or the CLI elsewhere)?
            try:
                staff = await asyncio.to_thread(self._is_staff, user.id)
            except (SQLAlchemyError, OSError):
                return True  # the database is down: the ledger waits for it, the roster gate decides
            if staff:
                self.roster.add(user.id)
                return True
        if refusing:
            self.refused(user.id)
            self._refuse(update)  # sent beside the queue, not awaited here: the poller goes on
        return False

    def refused(self, user_id: int) -> None:
        """A refusal went to this person (here, or from the roster gate): none again for a while,
        and they are off the cached roster (deactivated since it was read)."""
        now = self.monotonic()
        self._refused.note(user_id, now)
        self._invited.forget(user_id)
        self.roster.discard(user_id)
        second, count = self._refusals_this_second
        self._refusals_this_second = (second, count + 1) if now - second < 1 else (now, 1)

    def _may_refuse(self, user_id: int, now: float) -> bool:
        if self._refused.within(user_id, now):
            return False
        second, count = self._refusals_this_second
        return now - second >= 1 or count < REFUSALS_PER_SECOND


def guard_for(svc: Services, refuse: Callable[[Update], object]) -> InboundGuard:
    settings = svc.settings

    def staff_ids() -> frozenset[int]:
        with svc.uow() as uow:
            return frozenset(staff.telegram_id for staff in uow.roster.all_staff() if staff.active)

    def is_staff(telegram_id: int) -> bool:
        with svc.uow() as uow:
            return active_staff(uow, telegram_id) is not None

    return InboundGuard(
        roster=RosterCache(staff_ids, settings.roster_refresh_seconds),
        is_staff=is_staff,
        admin_ids=svc.admin_ids,
        refuse=refuse,
        rate_cap=RateCap(settings.user_rate_limit, settings.user_rate_window_seconds),
        refusal_every=settings.stranger_refusal_minutes * 60,
    )
