"""The outbox across processes: a filing made with `leadbot file` while the bot is stopped is told
once `leadbot run` starts, and a restart sends it no second time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_roster
from tests.e2e.bot_process import TOKEN, BotProcess
from tests.fakebot_http import FakeBotServer

pytestmark = pytest.mark.process

ADDRESS = "北京市朝阳区建国路88号3栋1201"


@pytest.fixture
def server() -> Any:
    with FakeBotServer() as running:
        yield running


def _file(db_url: str, tmp_path: Path, staff: int, phone: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEADBOT_")}
    env |= {"LEADBOT_DATABASE_URL": db_url, "LEADBOT_TELEGRAM_TOKEN": TOKEN}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "file", "--staff", str(staff), "--name", "张三", "--phone", phone,
         "--address", ADDRESS],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _texts(server: FakeBotServer, chat_id: int) -> list[str]:
    return server.fake.texts(chat_id)


def test_a_cli_filing_made_while_the_bot_is_stopped_is_told_once_the_bot_runs(
    engine: Any, db_url: str, server: FakeBotServer, tmp_path: Path
) -> None:
    make_roster(engine)
    _file(db_url, tmp_path, 201, "13800138000")  # 李强 (业务一部) holds 张三
    _file(db_url, tmp_path, 101, "13900139000")  # 王芳 (朝阳店): a possible duplicate
    assert server.calls_snapshot() == []  # the command line sends nothing itself
    bot = BotProcess(db_url, server, tmp_path, LEADBOT_SWEEP_INTERVAL_SECONDS="1")
    try:
        bot.running()
        for manager in (301, 302):  # both teams' managers
            server.wait_for_text(manager, "王芳", timeout=30)
        bot.signal(signal.SIGTERM)
        assert bot.wait(15) == 0
    finally:
        bot.stop()
    again = BotProcess(db_url, server, tmp_path, LEADBOT_SWEEP_INTERVAL_SECONDS="1")
    try:
        again.running()
        time.sleep(8)  # the first sweep runs 5 s after the start
    finally:
        again.stop()
    for manager in (301, 302):
        assert len([t for t in _texts(server, manager) if "王芳" in t]) == 1


def test_a_notice_whose_send_was_killed_waiting_out_a_429_arrives_once(
    engine: Any, db_url: str, server: FakeBotServer, tmp_path: Path
) -> None:
    make_roster(engine)
    _file(db_url, tmp_path, 201, "13800138000")
    _file(db_url, tmp_path, 101, "13900139000")  # a possible duplicate: both managers are told
    server.fake.fail_next("sendMessage", 429, retry_after=30)  # the first notice's first send
    lease = {"LEADBOT_SWEEP_INTERVAL_SECONDS": "1", "LEADBOT_DELIVERY_LEASE_SECONDS": "3"}
    bot = BotProcess(db_url, server, tmp_path, **lease)
    try:
        bot.running()
        [refused] = server.wait_for_call("sendMessage", timeout=30)
        assert refused.status == 429
        bot.wait_log("Telegram asks to wait 30 s")
        time.sleep(4)  # the lease runs out while the bot waits out Telegram's 30 s
        bot.kill()
    finally:
        bot.stop()
    assert [c.status for c in server.calls_snapshot() if c.method == "sendMessage"] == [429]
    again = BotProcess(db_url, server, tmp_path, **lease)
    try:
        again.running()
        for manager in (301, 302):
            server.wait_for_text(manager, "王芳", timeout=30)
        time.sleep(5)  # further sweeps, further claims: nothing sent twice
    finally:
        again.stop()
    for manager in (301, 302):
        assert len([t for t in _texts(server, manager) if "王芳" in t]) == 1
    assert [c.status for c in server.calls_snapshot() if c.method == "sendMessage"] == [429, 200, 200]
