"""`leadbot sweep` and `leadbot digest` for real: subprocesses that send through PTB's HTTPX request
to the fake Bot API served on 127.0.0.1 (tests/fakebot_http.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from domain.filing import Accepted, FilingRequest, file_registration
from domain.model import Role
from domain.roster import bind_team_chat, enrol
from domain.rules import Rules
from storage.tables import DeliveryRow
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster, make_roster
from tests.fakebot import Call
from tests.fakebot_http import FakeBotServer

pytestmark = pytest.mark.process

TOKEN = "123:ABC"
GROUP = -1001234567890
ADDRESS = "北京市朝阳区建国路88号3栋1201"
DUE = T0 + timedelta(days=2, minutes=1)  # a follow-up reminder is due (day 3, a day ahead), 10:01 in Shanghai


@pytest.fixture
def server() -> Any:
    with FakeBotServer() as running:
        yield running


@pytest.fixture
def leadbot(db_url: str, server: FakeBotServer, tmp_path: Path):
    """Run `python -m bot ARGS` against the database and the fake Bot API; cwd has no .env."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEADBOT_")}
    env |= {
        "LEADBOT_DATABASE_URL": db_url,
        "LEADBOT_TELEGRAM_TOKEN": TOKEN,
        "LEADBOT_TELEGRAM_BASE_URL": server.base_url,
        "LEADBOT_TELEGRAM_FILE_BASE_URL": server.file_base_url,
        "PYTHONUNBUFFERED": "1",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            check=False,
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for phone in ("13800138000", "13900139000"):
            assert phone not in result.stdout + result.stderr  # the terminal never gets a full phone
        return result

    return run


def _file(
    roster: Roster, telegram_id: int, name: str, phone: str, at: datetime, address: str = ADDRESS
) -> None:
    outcome = file_registration(roster.writer, FilingRequest(telegram_id, name, phone, address), at, Rules())
    assert isinstance(outcome, Accepted), outcome


def _deliveries(roster: Roster) -> dict[int, str]:
    with roster.engine.connect() as conn:
        return {
            chat_id: status
            for chat_id, status in conn.execute(sa.select(DeliveryRow.chat_id, DeliveryRow.status))
        }


def _sent(server: FakeBotServer, method: str) -> list[Call]:
    return [c for c in server.calls_snapshot() if c.method == method]


# -- leadbot sweep -----------------------------------------------------------------------------


@pytest.fixture
def due_reminder(engine) -> Roster:
    """王芳 (101) filed 张三 at T0: at DUE a follow-up reminder is due."""
    roster = make_roster(engine)
    _file(roster, roster.guide.telegram_id, "张三", "13800138000", T0)
    return roster


def test_sweep_sends_the_reminder_once(due_reminder: Roster, leadbot, server: FakeBotServer) -> None:
    first = leadbot("sweep", "--at", DUE.isoformat())
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "sent\tfollow_up\t王芳\t138****8000\t"
        f"{(T0 + timedelta(days=3)).astimezone(Rules().zone):%Y-%m-%d %H:%M}"
    ]
    [reminder] = _sent(server, "sendMessage")
    assert reminder.ok and reminder.chat_id == 101
    assert "张三" in reminder.params["text"] and "跟进提醒" in reminder.params["text"]
    assert server.fake.buttons(101)  # the button straight into the follow-up dialog
    assert _deliveries(due_reminder) == {101: "sent"}

    again = leadbot("sweep", "--at", (DUE + timedelta(minutes=5)).isoformat())
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""
    assert len(_sent(server, "sendMessage")) == 1  # nothing twice
    assert {c.method for c in server.calls_snapshot()} <= {"getMe", "sendMessage"}


def test_a_blocked_holder_is_undeliverable_not_a_crash(
    due_reminder: Roster, leadbot, server: FakeBotServer
) -> None:
    # Another flat: the same one would be a household, and its notice a third send.
    _file(
        due_reminder,
        due_reminder.guide2.telegram_id,
        "李四",
        "13900139000",
        T0,
        "北京市海淀区中关村大街1号5栋301",
    )
    server.fake.fail_next("sendMessage", 403)  # whoever the sweep reaches first has blocked the bot
    result = leadbot("sweep", "--at", DUE.isoformat())
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    calls = _sent(server, "sendMessage")
    assert sorted(c.status for c in calls) == [200, 403]
    blocked = next(c.chat_id for c in calls if c.status == 403)
    reached = next(c.chat_id for c in calls if c.ok)
    names = {101: ("王芳", "138****8000"), 102: ("刘洋", "139****9000")}
    lines = sorted(line.split("\t")[:4] for line in result.stdout.splitlines())
    assert lines == sorted(
        [["undeliverable", "follow_up", *names[blocked]], ["sent", "follow_up", *names[reached]]]
    )
    assert _deliveries(due_reminder) == {blocked: "undeliverable", reached: "sent"}

    again = leadbot("sweep", "--at", (DUE + timedelta(hours=1)).isoformat())
    assert again.returncode == 0 and again.stdout == ""  # undeliverable for good: not retried
    assert len(_sent(server, "sendMessage")) == 2


def test_sweep_sends_the_reminder_as_html_like_the_bot(
    due_reminder: Roster, leadbot, server: FakeBotServer
) -> None:
    result = leadbot("sweep", "--at", DUE.isoformat())
    assert result.returncode == 0, result.stderr
    [reminder] = _sent(server, "sendMessage")
    assert "<b>张三</b>" in reminder.params["text"]
    assert reminder.params.get("parse_mode") == "HTML"


# -- leadbot digest ----------------------------------------------------------------------------


@pytest.fixture
def bound_team(engine) -> Roster:
    """朝阳店 bound to GROUP by its store manager; 王芳 filed 张三 a minute ago (the digest is today's,
    read by the subprocess's own clock)."""
    roster = make_roster(engine)
    now = datetime.now(UTC)
    _file(roster, roster.guide.telegram_id, "张三", "13800138000", now - timedelta(minutes=1))
    with SqlUnitOfWork(engine, write=True) as uow:
        team = bind_team_chat(
            uow,
            telegram_id=roster.store_manager.telegram_id,
            team_id=roster.store.id,
            chat_id=GROUP,
            now=now,
            admin_ids=frozenset(),
        )
    assert team is not None and team.name == "朝阳店"
    return roster


def test_digest_posts_the_summary_and_workbook_to_the_bound_group(
    bound_team: Roster, leadbot, server: FakeBotServer
) -> None:
    result = leadbot("digest", "--team", "朝阳店")
    assert result.returncode == 0, result.stderr
    assert "朝阳店 · 每日汇总" in result.stdout and "在跟客户 1 位" in result.stdout
    assert f"sent\t{GROUP}" in result.stderr.splitlines()

    texts = server.fake.texts(GROUP)
    assert texts and "朝阳店" in texts[0] and "每日汇总" in texts[0]
    assert (
        "138****8000" in "\n".join(texts)
        and "13800138000" not in "\n".join(texts)
        and "138 0013 8000" not in "\n".join(texts)
    )  # masked in the group
    [document] = _sent(server, "sendDocument")
    assert document.ok and document.chat_id == GROUP
    filename, data = document.files["document"]
    assert filename.endswith(".xlsx") and "朝阳店" in filename
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.title == "意向客户跟踪表" and sheet["B2"].value == "客户姓名"
    # The group's copy too: phone masked, no address (RULES §2).
    assert sheet["B3"].value == "张三" and sheet["C3"].value == "138****8000" and sheet["D3"].value is None
    assert {c.chat_id for c in server.calls_snapshot() if c.method != "getMe"} == {GROUP}
    assert _deliveries(bound_team) == {GROUP: "sent"}

    again = leadbot("digest", "--team", "朝阳店")
    assert again.returncode == 0, again.stderr
    assert "already posted today" in again.stderr
    assert len(_sent(server, "sendDocument")) == 1 and len(server.fake.texts(GROUP)) == len(texts)


def test_digest_to_a_group_that_removed_the_bot_is_undeliverable(
    bound_team: Roster, leadbot, server: FakeBotServer
) -> None:
    with bound_team.writer() as uow:  # an ops manager gets every team's summary too
        enrol(
            uow,
            telegram_id=401,
            name="孙经理",
            roles=frozenset({Role.OPS_MANAGER}),
            team_name=None,
            region=None,
            now=T0,
        )
    server.fake.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
    result = leadbot("digest", "--team", "朝阳店")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    first = _sent(server, "sendMessage")[0]
    failed, other = (GROUP, 401) if first.chat_id == GROUP else (401, GROUP)
    assert first.status == 403
    lines = result.stderr.splitlines()
    assert f"undeliverable\t{failed}" in lines and f"sent\t{other}" in lines
    assert [c.chat_id for c in _sent(server, "sendDocument")] == [other]  # nothing more to the failed chat
    assert server.fake.texts(failed) == [] and server.fake.texts(other)
    assert _deliveries(bound_team) == {failed: "undeliverable", other: "sent"}


def test_digest_is_sent_as_html_like_the_bot(bound_team: Roster, leadbot, server: FakeBotServer) -> None:
    result = leadbot("digest", "--team", "朝阳店")
    assert result.returncode == 0, result.stderr
    summary = _sent(server, "sendMessage")
    assert summary and all(c.params.get("parse_mode") == "HTML" for c in summary)
