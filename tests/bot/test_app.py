"""Application assembly: Bot API URLs from settings, the error path, nothing personal in logs."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from bot.app import build_application
from bot.config import Settings
from tests.bot.test_filing_dialog import data_of, fill
from tests.conftest import T0, make_roster
from tests.fakebot import BotHarness, FakeBotAPI, TgUser


def test_bot_api_urls_come_from_settings(engine) -> None:
    settings = Settings(
        telegram_token="123:ABC",
        telegram_base_url="http://127.0.0.1:8081/bot",
        telegram_file_base_url="http://127.0.0.1:8081/file/bot",
        _env_file=None,
    )
    application = build_application(settings, engine, request=FakeBotAPI())
    assert application.bot.base_url == "http://127.0.0.1:8081/bot123:ABC"
    assert application.bot.base_file_url == "http://127.0.0.1:8081/file/bot123:ABC"


async def test_a_failure_gets_an_apology_and_logs_no_customer_data(
    engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.filing import confirmation as filing_confirmation

    make_roster(engine)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(filing_confirmation, "file_registration", broken)
    settings = Settings(telegram_token="123:ABC", _env_file=None)
    fake = FakeBotAPI()
    application = build_application(settings, engine, request=fake, clock=lambda: T0)
    caplog.set_level(logging.INFO)  # what `leadbot run` logs at
    async with BotHarness(application, fake=fake, raise_errors=False) as harness:
        chat = SimpleNamespace(harness=harness, fake=fake)
        guide = TgUser(101, "王芳")
        await fill(chat, guide, phone="13800138000", address="北京市朝阳区建国路88号3栋1201")
        await harness.press(guide, data_of(chat, guide.id, "确认"))
    assert "出了点问题" in fake.last_text(101)
    assert "Traceback" not in fake.last_text(101)
    assert "database went away" in caplog.text  # the cause is logged…
    for secret in ("13800138000", "138 0013 8000", "建国路88号"):
        assert secret not in caplog.text  # …but never the customer's phone or address
