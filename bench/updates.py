"""What surviving restarts costs per update: the update ledger (recorded, claimed, done) and the
dialog state written after every update, against the same Application without them.

    .venv/bin/python bench/updates.py                                          # SQLite
    .venv/bin/python bench/updates.py --pg postgresql://postgres@127.0.0.1:5432/test

For each backend: a fresh migrated database (PostgreSQL: `leadbot_bench_updates` beside the one in
--pg, dropped afterwards) with the tests' small roster, the real Application (bot.app) and the
in-process fake Bot API (tests/fakebot.py). Each run walks --dialogs guides' worth of /new dialogs
up to the summary (name, phone, address, needs, a button: six updates each), timing every
`process_update` with time.perf_counter — once as `leadbot run` has it, once with the ledger off
(`application.ledger = None`: no ledger rows, and dialog state written only by PTB's 60 s timer).
The rate limiter is left out of both (it paces replies at ≈33 ms, whatever else happens).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from telegram.ext import BaseRateLimiter

from bot.app import build_application
from bot.cli.progress import progress
from bot.config import Settings
from storage.db import make_engine, normalize_url
from storage.migrate import upgrade
from tests.bot.conftest import Clock
from tests.conftest import T0, make_roster
from tests.fakebot import BotHarness, FakeBotAPI, TgUser

BENCH_DB = "leadbot_bench_updates"


class Unpaced(BaseRateLimiter[None]):
    """Sends every request at once: pacing is not what this bench measures."""

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(  # type: ignore[override]
        self, callback, args, kwargs, endpoint, data, rate_limit_args
    ):  # type: ignore[no-untyped-def]
        return await callback(*args, **kwargs)


async def _run(url: str, dialogs: int, durable: bool) -> list[float]:
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in ("inbound_update", "dialog_state"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    settings = Settings(telegram_token="123:ABC", database_url=url, sweep_interval_seconds=0, _env_file=None)
    fake = FakeBotAPI()
    # The rate limiter paces replies to Telegram's ≈30 messages/s (33 ms each): that would be most of
    # what is timed here, and is the same either way.
    application = build_application(settings, engine, request=fake, clock=Clock(T0), rate_limiter=Unpaced())
    if not durable:
        application.ledger = None
    timings: list[float] = []
    async with BotHarness(application, fake=fake) as harness:
        guide = TgUser(101, "王芳")

        async def timed(update: dict) -> None:
            started = time.perf_counter()
            await harness.send(update)
            timings.append(time.perf_counter() - started)

        def button(label: str) -> str:
            return next(data for text, data in fake.buttons(guide.id) if label in text and data)

        for n in progress(f"dialogs ({'durable' if durable else 'plain'})", dialogs).over(range(dialogs)):
            await timed(harness.factory.message(guide, "/new"))
            await timed(harness.factory.message(guide, "张三"))
            await timed(harness.factory.message(guide, f"138{n:08d}"))
            await timed(harness.factory.message(guide, "北京市朝阳区建国路88号3栋1201"))
            await timed(harness.factory.message(guide, "1.8米床垫"))
            await timed(harness.factory.callback(guide, button("一个月内")))
    engine.dispose()
    return timings


def _report(name: str, timings: list[float]) -> str:
    ms = sorted(t * 1000 for t in timings)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"{name:<38} n={len(ms):>5}  median {statistics.median(ms):6.2f} ms  p99 {p99:6.2f} ms"


def bench(label: str, url: str, dialogs: int) -> None:
    upgrade(url)
    make_roster(make_engine(url))
    asyncio.run(_run(url, 3, True))  # warm-up
    for durable in (False, True):
        timings = asyncio.run(_run(url, dialogs, durable))
        print(_report(f"{label}, {'ledger + state per update' if durable else 'without them'}", timings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server (any database on it) to bench too")
    parser.add_argument("--dialogs", type=int, default=100)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as directory:
            bench("SQLite", f"sqlite:///{directory}/bench.db", args.dialogs)
    if args.pg:
        admin = make_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
        try:
            bench(
                "PostgreSQL",
                make_url(normalize_url(args.pg)).set(database=BENCH_DB).render_as_string(False),
                args.dialogs,
            )
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
