"""Issue 13: `leadbot run` without a network is one line per attempt and retries with backoff
(1, 2, 4 … 60 s), not a traceback; a token Telegram refuses is one line naming the setting, exit 2."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket

import pytest
from telegram.error import InvalidToken, NetworkError, TimedOut

from bot.runtime import runner
from tests.e2e.bot_process import BotProcess
from tests.fakebot_http import FakeBotServer


@pytest.fixture
def server():
    with FakeBotServer() as server:
        yield server


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens there once it is closed


@pytest.mark.process
def test_no_network_is_one_line_per_attempt_with_backoff_and_sigterm_stops_it(
    engine, db_url, server, tmp_path
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/bot"
    bot = BotProcess(db_url, server, tmp_path, LEADBOT_TELEGRAM_BASE_URL=url)
    try:
        bot.wait_log(f"cannot reach Telegram at {url}; retrying in 1 s")
        bot.wait_log(f"cannot reach Telegram at {url}; retrying in 2 s", timeout=10)
        bot.signal(signal.SIGTERM)
        code = bot.wait(10)
    finally:
        bot.stop()
    log = bot.log
    assert code == 0
    assert "Traceback" not in log and "ConnectError" not in log
    attempts = [line for line in log.splitlines() if "cannot reach Telegram" in line]
    assert 2 <= len(attempts) <= 3 and all(line.count("\n") == 0 for line in attempts)
    assert "123:ABC" not in log  # the URL is said without the token
    assert "leadbot is running" not in log
    assert "apscheduler" not in log  # the jobs it adds are DEBUG detail


@pytest.mark.process
def test_a_token_telegram_refuses_is_one_line_and_exit_2(engine, db_url, tmp_path) -> None:
    with FakeBotServer(token="999:OTHER") as server:
        bot = BotProcess(db_url, server, tmp_path)
        try:
            code = bot.wait(30)
        finally:
            bot.stop()
    log = bot.log
    assert code == 2, log
    refused = [line for line in log.splitlines() if "LEADBOT_TELEGRAM_TOKEN" in line]
    assert len(refused) == 1 and "401" in refused[0]
    assert "Traceback" not in log and "leadbot is running" not in log


class _Unreachable:
    """An application whose getMe fails `times` times, then answers."""

    def __init__(self, times: int, error: Exception) -> None:
        self.left, self.error, self.calls = times, error, 0

    async def initialize(self) -> None:
        self.calls += 1
        if self.left:
            self.left -= 1
            raise self.error


async def test_the_waits_double_up_to_a_minute(monkeypatch, caplog) -> None:
    waits: list[float] = []

    async def no_wait(_stop: asyncio.Event, seconds: float) -> bool:
        waits.append(seconds)
        return False

    monkeypatch.setattr(runner, "stopped_within", no_wait)
    application = _Unreachable(9, NetworkError("httpx.ConnectError: All connection attempts failed"))
    with caplog.at_level(logging.INFO, logger="leadbot"):
        assert (
            await runner.reach_telegram(application, "https://api.telegram.org/bot", asyncio.Event()) is None
        )
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60] and application.calls == 10
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert said[0] == "cannot reach Telegram at https://api.telegram.org/bot; retrying in 1 s"
    assert said[-1] == "cannot reach Telegram at https://api.telegram.org/bot; retrying in 60 s"
    assert all(r.exc_info is None for r in caplog.records)


async def test_a_timeout_is_retried_and_a_refused_token_is_exit_2(monkeypatch) -> None:
    async def no_wait(_stop: asyncio.Event, _seconds: float) -> bool:
        return False

    monkeypatch.setattr(runner, "stopped_within", no_wait)
    assert await runner.reach_telegram(_Unreachable(2, TimedOut()), "u", asyncio.Event()) is None
    assert await runner.reach_telegram(_Unreachable(1, InvalidToken()), "u", asyncio.Event()) == 2


async def test_stopping_while_waiting_exits_0() -> None:
    stop = asyncio.Event()
    stop.set()
    assert await runner.reach_telegram(_Unreachable(5, NetworkError("down")), "u", stop) == 0


def test_polling_that_loses_the_network_says_so_in_one_line(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="leadbot")
    runner._PollErrors("https://api.telegram.org/bot")(NetworkError("httpx.ConnectError: [Errno 101]"))
    [line] = [r.getMessage() for r in caplog.records]
    assert line == "cannot reach Telegram at https://api.telegram.org/bot; retrying (NetworkError)"
