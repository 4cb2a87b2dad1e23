"""Telegram's flood limits with two lanes: replies before broadcasts.

Telegram takes about 30 messages a second from a bot, one a second in a chat (short bursts
allowed) and 20 a minute in a group; past that it answers 429 with a retry_after. One queue for
everything (PTB's AIORateLimiter) puts the answer to a person who just wrote behind the few
hundred reminders that went out when quiet hours ended. Here:

- the reply lane (every request not marked) goes at once, waiting only for a group's limit: it
  is counted against the overall budget but never waits for it, nor behind bulk sends;
- the bulk lane (requests made with ``rate_limit_args=BULK``: reminders, notices, summaries) gets
  what is left of the overall budget, one message a second per person and 20 a minute per group;
- a 429 holds back the lane that got it (a reply's 429 holds back both) for retry_after, then the
  request is tried again — up to `max_retries` times and as long as Telegram asks for at most
  `max_wait` seconds in all; past that the RetryAfter goes to the caller (the outbox records when
  to try again), so a claimed delivery is not waited on past its lease.

Limits are sliding windows (at most N sends in any P seconds), so they hold exactly, not on average.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

BULK = "bulk"  # rate_limit_args of sends nobody is waiting for
_REPLY, _BULK = 0, 1  # lanes, in the order they are served

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class Window:
    """At most `limit` sends in any `period` seconds. Waiters take turns, the reply lane's ahead of
    the bulk lane's and in order within a lane; a turn lasts from `turn` until `done`."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._sent: deque[float] = deque()
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (deque(), deque())
        self._held = False
        self._timer: asyncio.TimerHandle | None = None

    def _free_at(self, now: float) -> float:
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()
        return now if len(self._sent) < self.limit else self._sent[-self.limit] + self.period

    @property
    def idle(self) -> bool:
        """Nobody waiting or sending, and nothing sent within the period: it may be forgotten."""
        self._free_at(asyncio.get_running_loop().time())  # drops what is older than the period
        return not (self._held or any(self._waiting) or self._sent)

    async def turn(self, lane: int) -> None:
        loop = asyncio.get_running_loop()
        if not self._held and not any(self._waiting) and self._free_at(loop.time()) <= loop.time():
            self._held = True
            return
        future: asyncio.Future[None] = loop.create_future()
        self._waiting[lane].append(future)
        self._grant()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # granted as it was cancelled: pass it on
                self.done(sent=False)
            elif future in self._waiting[lane]:
                self._waiting[lane].remove(future)
            raise

    def done(self, *, sent: bool) -> None:
        """End the turn; `sent`: a send went out now and counts against the limit."""
        if sent:
            self.note()
        self._held = False
        self._grant()

    def note(self) -> None:
        """Count a send made without a turn (a reply in a private chat)."""
        self._sent.append(asyncio.get_running_loop().time())

    def _grant(self) -> None:
        if self._held or self._timer is not None:
            return
        for waiting in self._waiting:
            while waiting and waiting[0].done():  # cancelled; its task has not run to say so yet
                waiting.popleft()
        queue = next((q for q in self._waiting if q), None)
        if queue is None:
            return
        loop = asyncio.get_running_loop()
        free_at = self._free_at(loop.time())
        if free_at <= loop.time():
            self._held = True
            queue.popleft().set_result(None)
        else:
            self._timer = loop.call_at(free_at, self._wake)

    def _wake(self) -> None:
        self._timer = None
        self._grant()


class LaneRateLimiter(BaseRateLimiter[str]):
    """PTB's hook for every request but getUpdates (see the module's docstring)."""

    __slots__ = ("_chats", "_max_retries", "_max_wait", "_overall", "_private", "_group", "_resume_at")

    def __init__(
        self,
        *,
        # One every 1/30 s rather than 30 at each second's start: a reply never waits out a second
        # that a burst of bulk sends took whole.
        overall: tuple[int, float] = (1, 1.0 / FloodLimit.MESSAGES_PER_SECOND),
        per_chat: tuple[int, float] = (FloodLimit.MESSAGES_PER_SECOND_PER_CHAT, 1.0),
        per_group: tuple[int, float] = (FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60.0),
        max_retries: int = 3,
        max_wait: float = 60.0,
    ) -> None:
        self._overall = Window(*overall)
        self._private, self._group = per_chat, per_group
        self._chats: dict[int | str, Window] = {}
        self._max_retries, self._max_wait = max_retries, max_wait
        self._resume_at = [0.0, 0.0]  # per lane, loop time: a 429 holds the lane back until then

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def _chat_window(self, chat_id: int | str) -> Window:
        if len(self._chats) > 512:  # forget chats not sent to lately
            for key in [k for k, w in self._chats.items() if k != chat_id and w.idle]:
                del self._chats[key]
        window = self._chats.get(chat_id)
        if window is None:
            group = isinstance(chat_id, str) or chat_id < 0  # @channelname, or a group's negative id
            window = self._chats[chat_id] = Window(*(self._group if group else self._private))
        return window

    async def _resumed(self, lane: int) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self._resume_at[lane] - loop.time()) > 0:
            await asyncio.sleep(delay)

    async def _admitted(self, lane: int, chat_id: int | str | None) -> None:
        """Wait for this lane's turn within the limits, and count the send."""
        await self._resumed(lane)
        if chat_id is None:  # getMe, answerCallbackQuery…: not messages in a chat
            return
        chat = self._chat_window(chat_id)
        # A person who just wrote gets the answer at once (Telegram allows short bursts in a chat),
        # but it counts: the next bulk send to them waits its second.
        paced_chat = lane == _BULK or isinstance(chat_id, str) or chat_id < 0
        if paced_chat:
            await chat.turn(lane)
        if lane == _REPLY:
            # The ≈30 a second is what bulk sends keep to: a reply goes at once and only counts,
            # so the bulk lane leaves it room (a reply's rare 429 is waited out below).
            self._overall.note()
        else:
            try:
                await self._overall.turn(lane)
            except BaseException:
                chat.done(sent=False)
                raise
            self._overall.done(sent=True)
        if paced_chat:
            chat.done(sent=True)
        else:
            chat.note()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> JSONResult:
        lane = _BULK if rate_limit_args == BULK else _REPLY
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        if chat_id is not None and not isinstance(chat_id, int | str):
            chat_id = str(chat_id)
        retries, waited = 0, 0.0
        while True:
            await self._admitted(lane, chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = _seconds(exc)
                waited += wait
                if retries == self._max_retries or waited > self._max_wait:
                    raise
                retries += 1
                log.info("%s: Telegram asks to wait %.0f s (429); waiting", endpoint, wait)
                # A reply's 429 means Telegram takes nothing now; a bulk send's may be its chat alone.
                resume_at = asyncio.get_running_loop().time() + wait + 0.1
                for held in (_REPLY, _BULK) if lane == _REPLY else (_BULK,):
                    self._resume_at[held] = max(self._resume_at[held], resume_at)


def _seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
