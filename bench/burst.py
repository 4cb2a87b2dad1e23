"""Replies before broadcasts (issue 11 part 6): 1,000 reminders due at once, and guides in dialogs.

    .venv/bin/python bench/burst.py                      # 1,000 reminders to 50 holders, 3 guides
    .venv/bin/python bench/burst.py --reminders 300 --holders 30

A fresh migrated SQLite database: the tests' small roster, --holders more guides each holding an
equal share of --reminders registrations filed one after another (so the sweep's plan has each
holder's reminders side by side), all with a follow-up reminder due at the same moment. The real
Application (bot.app) polls the in-process fake Bot API (tests/fakebot.py) through the real
Updater; the fake answers like Telegram past its flood limits: a 429 with retry_after 3 for a
fourth message to a chat within a second (short bursts pass), or a 31st message within a second.
The sweep (bot.delivery.sweep) sends the reminders while three guides who hold none walk the filing
dialog (/new, a name, /cancel), each step pushed half a second after the bot answered the last; a
step's latency is from the push to the bot's answer reaching the fake. Run once with PTB's
AIORateLimiter, as the bot had it, and once with bot.runtime.rate_limits.LaneRateLimiter.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections import deque
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.app import build_application
from bot.cli.progress import progress
from bot.config import Settings
from bot.delivery.sweep import sweep
from bot.runtime.rate_limits import LaneRateLimiter
from domain.model import Role
from domain.roster import enrol
from storage.db import make_engine
from storage.migrate import upgrade
from storage.tables import DeliveryRow, InboundUpdateRow
from storage.uow import SqlUnitOfWork
from tests.bot.conftest import Clock
from tests.conftest import T0, make_roster
from tests.fakebot import BotHarness, FakeBotAPI, TgUser, UpdateFactory

GUIDES = (TgUser(101, "王芳"), TgUser(102, "刘洋"), TgUser(201, "李强"))
HOLDER_BASE = 70_000
STEPS = ("/new", "张三", "/cancel")
THINK_S = 0.5  # a guide's pause between the bot's answer and their next step


class OldLimiter(AIORateLimiter):
    """PTB's limiter as build_application had it (max_retries=3); it takes no lanes."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def]
        return await super().process_request(callback, args, kwargs, endpoint, data, None)


class TelegramFake(FakeBotAPI):
    """Hands out pushed updates on getUpdates; notes when each guide is answered."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: deque[dict[str, Any]] = deque()
        self.waiting: dict[int, float] = {}  # guide -> when their step was pushed
        self.latencies: list[float] = []
        self.reminded: list[float] = []  # when each reminder reached a holder
        self.refused = 0  # 429s answered to reminders
        self.answered: dict[int, asyncio.Event] = {g.id: asyncio.Event() for g in GUIDES}
        self.set_result("getUpdates", self._get_updates)
        self.enforce_flood_limits(per_chat=(3, 1.0), overall=(30, 1.0), retry_after=3)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset") or 0
        while self.pending and self.pending[0]["update_id"] < offset:
            self.pending.popleft()
        return [self.pending[i] for i in range(min(100, len(self.pending)))]

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, *args, **kwargs)
        chat_id = request_data.parameters.get("chat_id") if request_data else None
        if isinstance(chat_id, int) and chat_id >= HOLDER_BASE:
            if status == 200:
                self.reminded.append(time.perf_counter())
            self.refused += status == 429
        if status == 200 and chat_id in self.waiting and not url.endswith("/getUpdates"):
            self.latencies.append(time.perf_counter() - self.waiting.pop(chat_id))
            self.answered[chat_id].set()
        return status, body


def _seed(url: str, reminders: int, holders: int) -> None:
    engine = make_engine(url)
    roster = make_roster(engine)
    staff_ids = []
    for i in range(holders):
        with SqlUnitOfWork(engine, write=True) as uow:
            person = enrol(
                uow,
                telegram_id=HOLDER_BASE + i,
                name=f"导购{i}",
                roles=frozenset({Role.GUIDE}),
                team_name="朝阳店",
                region=None,
                now=T0,
            )
            staff_ids.append(person.id)
    at = T0.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO customer (phone, created_at) VALUES (:phone, :at)"),
            [{"phone": f"+86138{i:08d}", "at": at} for i in range(reminders)],
        )
        ids = conn.execute(sa.text("SELECT id FROM customer ORDER BY id")).scalars().all()
        per_holder = -(-reminders // holders)
        conn.execute(
            sa.text(
                "INSERT INTO registration (customer_id, filer_id, holder_id, team_id, channel,"
                " customer_name, address, obtained_at, filed_at,"
                " last_activity_at, holds_claim, needs_review, quota_exempt)"
                " VALUES (:customer, :staff, :staff, :team, 'store', :name, :address,"
                " :at, :at, :at, true, false, false)"
            ),
            [
                {
                    "customer": customer_id,
                    "staff": staff_ids[i // per_holder],
                    "team": roster.store.id,
                    "name": f"客户{i}",
                    "address": f"北京市朝阳区建国路{i}号",
                    "at": at,
                }
                for i, customer_id in enumerate(ids)
            ],
        )
    engine.dispose()


async def _guide(fake: TelegramFake, factory: UpdateFactory, guide: TgUser, done: asyncio.Event) -> None:
    step = 0
    while not done.is_set():
        fake.answered[guide.id].clear()
        fake.waiting[guide.id] = time.perf_counter()
        fake.pending.append(factory.message(guide, STEPS[step % len(STEPS)]))
        try:
            await asyncio.wait_for(fake.answered[guide.id].wait(), timeout=60)
        except TimeoutError:
            fake.waiting.pop(guide.id, None)
        step += 1
        await asyncio.sleep(THINK_S)


async def _run(url: str, limiter: BaseRateLimiter[Any]) -> dict[str, Any]:
    engine = make_engine(url)
    with engine.begin() as conn:  # a fresh start for each run: nothing sent yet
        conn.execute(sa.delete(DeliveryRow))
        conn.execute(sa.delete(InboundUpdateRow))  # the update ids start again at 1
    due = T0 + timedelta(days=2)
    settings = Settings(telegram_token="123:ABC", database_url=url, sweep_interval_seconds=0, _env_file=None)
    fake = TelegramFake()
    application = build_application(settings, engine, request=fake, clock=Clock(due), rate_limiter=limiter)
    factory = UpdateFactory(fake)
    done = asyncio.Event()
    async with BotHarness(application, fake=fake):
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.01, timeout=0)
        guides = [asyncio.create_task(_guide(fake, factory, g, done)) for g in GUIDES]
        await asyncio.sleep(2)  # the guides are in their dialogs when the reminders fall due
        started = time.perf_counter()
        with progress("reminders sent") as bar:  # the sweep counts each as it is handled
            results = await sweep(application.bot, application.bot_data["services"], due, counted=bar.advance)
        elapsed = time.perf_counter() - started
        done.set()
        await asyncio.gather(*guides)
        await application.updater.stop()
    engine.dispose()
    return {
        "sent": sum(status == "sent" for _, status in results),
        "planned": len(results),
        "refused": fake.refused,
        "elapsed": elapsed,
        "max_second": _most_in_a_second(fake.reminded),
        "latencies": sorted(fake.latencies),
    }


def _most_in_a_second(times: list[float]) -> int:
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def _report(name: str, r: dict[str, Any]) -> str:
    lat = r["latencies"]
    p50 = statistics.median(lat)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    return (
        f"{name:<18} reminders sent {r['sent']:>4}/{r['planned']:<4} in {r['elapsed']:6.1f} s "
        f"({r['sent'] / r['elapsed']:5.1f} msgs/s, most in a second {r['max_second']:>2}, "
        f"429s {r['refused']:>4})  "
        f"guides' replies {len(lat):>3}: p50 {p50:6.3f} s  p99 {p99:6.3f} s  max {lat[-1]:6.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--holders", type=int, default=50)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        upgrade(url)
        _seed(url, args.reminders, args.holders)
        print(_report("AIORateLimiter", asyncio.run(_run(url, OldLimiter(max_retries=3)))))
        print(_report("LaneRateLimiter", asyncio.run(_run(url, LaneRateLimiter()))))


if __name__ == "__main__":
    main()
