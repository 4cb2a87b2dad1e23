"""Whole-dialog fixtures: the real Application, a fake Bot API, real Update JSON, a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.runtime.rate_limits import LaneRateLimiter
from tests.conftest import T0, Roster, make_roster
from tests.fakebot import BotHarness, FakeBotAPI, TgUser


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Chat:
    harness: BotHarness
    fake: FakeBotAPI
    roster: Roster
    clock: Clock

    def user(self, telegram_id: int, language: str = "zh", name: str = "用户") -> TgUser:
        return TgUser(id=telegram_id, first_name=name, language_code=language)


ADMIN_ID = 900


@pytest.fixture
async def chat(engine) -> AsyncIterator[Chat]:
    roster = make_roster(engine)
    settings = Settings(
        telegram_token="123:ABC",
        database_url="sqlite://",
        admin_ids=[ADMIN_ID],
        sweep_interval_seconds=0,
        _env_file=None,
    )
    fake = FakeBotAPI()
    clock = Clock(T0)
    # The app's lanes and overall pace, without Telegram's second per message to one chat: a
    # dialog test would wait it out at every step (tests/bot/test_rate_limits.py keeps it).
    limiter = LaneRateLimiter(per_chat=(1000, 1.0), per_group=(1000, 1.0))
    application = build_application(settings, engine, request=fake, clock=clock, rate_limiter=limiter)
    async with BotHarness(application, fake=fake) as harness:
        yield Chat(harness, fake, roster, clock)
