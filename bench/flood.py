"""A stranger's flood against a guide's /mine (issue 10 item 10): how long the guide waits.

    .venv/bin/python bench/flood.py                      # 300 stranger messages/s for 10 s
    .venv/bin/python bench/flood.py --rate 600 --seconds 20

A fresh migrated SQLite database with the tests' small roster, the real Application (bot.app) with
its rate limiter, polling the in-process fake Bot API (tests/fakebot.py) through the real Updater:
getUpdates hands out what was pushed (up to 100 a call, as Telegram does). For --seconds, --rate
messages a second arrive from --strangers accounts not on the roster, and a guide sends /mine
every second; the latency is from the /mine being pushed to the bot's answer reaching the fake.
Run once as `leadbot run` has it, and once with the inbound guard off (the baseline, shorter:
without the guard every stranger's message is written to the update ledger, handled in turn and
refused through the outbound rate limiter, ≈30 messages/s — the guide's /mine waits behind them).
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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bot.app import build_application
from bot.cli.progress import progress
from bot.config import Settings
from bot.runtime.updates import InboxQueue
from storage.db import make_engine
from storage.migrate import upgrade
from storage.tables import InboundUpdateRow
from tests.bot.conftest import Clock
from tests.conftest import T0, make_roster
from tests.fakebot import BotHarness, FakeBotAPI, TgUser, UpdateFactory

GUIDE = TgUser(101, "王芳")
STRANGER_BASE = 50_000
ANSWER_WAIT_S = 15.0  # after the flood, how long unanswered /mine are waited for


class TelegramFake(FakeBotAPI):
    """Hands out pushed updates on getUpdates and notes when each answer to the guide arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: deque[dict[str, Any]] = deque()
        self.answered_at: list[float] = []
        self.set_result("getUpdates", self._get_updates)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset") or 0
        while self.pending and self.pending[0]["update_id"] < offset:  # confirmed
            self.pending.popleft()
        return [self.pending[i] for i in range(min(100, len(self.pending)))]

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, request_data, *args, **kwargs)
        if (
            url.endswith("/sendMessage")
            and request_data
            and request_data.parameters.get("chat_id") == GUIDE.id
        ):
            self.answered_at.append(time.perf_counter())
        return answer


async def _run(url: str, *, seconds: float, rate: int, strangers: int, guarded: bool) -> dict[str, Any]:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.delete(InboundUpdateRow))
    settings = Settings(telegram_token="123:ABC", database_url=url, sweep_interval_seconds=0, _env_file=None)
    fake = TelegramFake()
    application = build_application(settings, engine, request=fake, clock=Clock(T0))
    inbox = application.update_queue
    assert isinstance(inbox, InboxQueue)
    if not guarded:
        inbox.guard = None
    factory = UpdateFactory(fake)
    asked_at: list[float] = []
    stranger_ids: list[int] = []
    async with BotHarness(application, fake=fake):
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.01, timeout=0)
        started = time.perf_counter()
        tick, sent = 0.01, 0
        next_mine = started
        with progress("strangers' messages", int(seconds * rate)) as bar:
            while (now := time.perf_counter()) - started < seconds:
                due = int((now - started) * rate) - sent
                bar.advance(max(due, 0))
                for _ in range(due):
                    update = factory.message(
                        TgUser(STRANGER_BASE + sent % strangers, "陌生人"), f"hello {sent}"
                    )
                    fake.pending.append(update)
                    stranger_ids.append(update["update_id"])
                    sent += 1
                if now >= next_mine:
                    fake.pending.append(factory.message(GUIDE, "/mine"))
                    asked_at.append(time.perf_counter())
                    next_mine += 1.0
                await asyncio.sleep(tick)
        deadline = time.perf_counter() + ANSWER_WAIT_S
        while len(fake.answered_at) < len(asked_at) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        await application.updater.stop()
        while not inbox.empty():  # the baseline's backlog: not waited for
            inbox.get_nowait()
            inbox.task_done()
    with engine.connect() as conn:
        written = conn.execute(
            sa.select(sa.func.count())
            .select_from(InboundUpdateRow)
            .where(InboundUpdateRow.update_id.in_(stranger_ids))
        ).scalar_one()
    engine.dispose()
    stranger_chats = set(range(STRANGER_BASE, STRANGER_BASE + strangers))
    refusals = sum(1 for call in fake.calls_to("sendMessage") if call.chat_id in stranger_chats)
    latencies = [answered - asked for asked, answered in zip(asked_at, fake.answered_at, strict=False)]
    return {
        "sent": sent,
        "written": written,
        "refusals": refusals,
        "asked": len(asked_at),
        "latencies": latencies,
    }


def _report(name: str, result: dict[str, Any]) -> str:
    lat = result["latencies"]
    figures = f"median {statistics.median(lat):6.3f} s  max {max(lat):6.3f} s" if lat else "no answer"
    return (
        f"{name:<26} strangers' messages {result['sent']:>5}  ledger rows for them {result['written']:>5}  "
        f"refusals {result['refusals']:>4}  /mine answered {len(lat):>2}/{result['asked']:<2}  {figures}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=300, help="stranger messages per second")
    parser.add_argument("--strangers", type=int, default=10, help="accounts the flood comes from")
    parser.add_argument(
        "--baseline-seconds", type=float, default=3.0, help="the run without the guard (0: none)"
    )
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # a line per throttled stranger is not the figure wanted here
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        upgrade(url)
        make_roster(make_engine(url))
        if args.baseline_seconds:
            result = asyncio.run(
                _run(
                    url,
                    seconds=args.baseline_seconds,
                    rate=args.rate,
                    strangers=args.strangers,
                    guarded=False,
                )
            )
            print(_report(f"without the guard ({args.baseline_seconds:g} s)", result))
        result = asyncio.run(
            _run(url, seconds=args.seconds, rate=args.rate, strangers=args.strangers, guarded=True)
        )
        print(_report(f"with the guard ({args.seconds:g} s)", result))


if __name__ == "__main__":
    main()
