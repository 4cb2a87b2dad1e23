"""The reminder sweep end to end: what is sent when, exactly once, quiet hours, failures, buttons."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.delivery.sweep import sweep
from domain.reminders import plan_reminders
from storage.tables import DeliveryRow
from tests.bot.conftest import Chat
from tests.bot.test_decisions import HEAD, add_head
from tests.bot.test_filing_dialog import data_of
from tests.bot.test_verdicts_and_lists import file_directly

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = timedelta(days=1)


def svc(chat: Chat):
    return chat.harness.app.bot_data["services"]


async def run_sweep(chat: Chat, at: datetime):
    return await sweep(chat.harness.app.bot, svc(chat), at)


def deliveries(chat: Chat):
    with chat.roster.engine.connect() as conn:
        return conn.execute(
            sa.select(DeliveryRow.kind, DeliveryRow.status, DeliveryRow.attempts).order_by(DeliveryRow.id)
        ).all()


async def test_follow_up_and_lapse_reminders_come_once_with_a_follow_up_button(chat: Chat) -> None:
    filed = chat.clock.now  # Tue 10 Nov 10:00 local
    file_directly(chat, 101, "13800138000")
    assert await run_sweep(chat, filed + 2 * D - timedelta(minutes=1)) == []
    [(outgoing, status)] = await run_sweep(chat, filed + 2 * D)
    assert status == "sent"
    text = chat.fake.last_text(101)
    assert "跟进提醒" in text and "张三" in text and "11月13日（周五）10:00" in text
    assert await run_sweep(chat, filed + 2 * D + timedelta(minutes=1)) == []  # once per deadline
    [(lapse, _)] = await run_sweep(chat, filed + 9 * D)
    assert "即将失去保护" in chat.fake.last_text(101) and "同事可以报备接手" in chat.fake.last_text(101)
    chat.clock.now = filed + 9 * D
    await chat.harness.press(chat.user(101), data_of(chat, 101, "跟进"))
    assert "这次跟进是什么" in chat.fake.last_text(101)
    assert deliveries(chat) == [("follow_up", "sent", 1), ("lapse", "sent", 1)]


async def test_expiry_reminder_offers_measurement_and_extension(chat: Chat) -> None:
    add_head(chat)
    filed = chat.clock.now
    first = file_directly(chat, 201, "13800138000")
    chat.clock.now = filed + 13 * D
    results = await run_sweep(chat, filed + 13 * D)
    assert {o.reminder.kind.value for o, _ in results} == {"expiry"}
    assert "即将失效" in chat.fake.last_text(201)
    labels = [text for text, _ in chat.fake.buttons(201)]
    assert labels == ["📐 记录量尺/下定", "🕒 申请延期"]
    await chat.harness.press(chat.user(201), data_of(chat, 201, "申请延期"))
    assert "请写明延期理由" in chat.fake.last_text(201)
    await chat.harness.say(chat.user(201), "客户下周回来")
    assert "延期申请已提交" in chat.fake.last_text(201) and "延期申请" in chat.fake.last_text(HEAD)
    assert first.registration_id


async def test_quiet_hours_hold_reminders_until_eight(chat: Chat) -> None:
    # Filed at 22:30 local: the follow-up reminder window opens at 22:30 two days later.
    filed = datetime(2026, 11, 10, 22, 30, tzinfo=SHANGHAI)
    chat.clock.now = filed
    file_directly(chat, 101, "13800138000")
    assert await run_sweep(chat, filed + 2 * D) == []
    assert await run_sweep(chat, datetime(2026, 11, 13, 7, 59, tzinfo=SHANGHAI)) == []
    [(_, status)] = await run_sweep(chat, datetime(2026, 11, 13, 8, 0, tzinfo=SHANGHAI))
    assert status == "sent"


async def test_restart_between_recording_and_sending_sends_once(chat: Chat) -> None:
    filed = chat.clock.now
    file_directly(chat, 101, "13800138000")
    at = filed + 2 * D
    recorded = plan_reminders(svc(chat).writer, at, svc(chat).rules)  # recorded, then the process dies
    assert len(recorded) == 1 and chat.fake.sent_messages(101) == []
    assert await run_sweep(chat, at + timedelta(minutes=1)) == []  # its lease still runs
    [(_, status)] = await run_sweep(chat, at + timedelta(minutes=3))
    assert status == "sent" and len(chat.fake.sent_messages(101)) == 1
    assert await run_sweep(chat, at + timedelta(minutes=10)) == []


async def test_two_sweeps_at_the_same_moment_send_each_reminder_once(chat: Chat) -> None:
    filed = chat.clock.now
    for i in range(30):
        file_directly(chat, 101 + i % 2, f"1380000{i:04d}", address=f"北京市朝阳区建国路{i}号院")
    at = filed + 2 * D
    first, second = await asyncio.gather(run_sweep(chat, at), run_sweep(chat, at))
    assert len(first) + len(second) == 30
    assert len(chat.fake.sent_messages(101)) + len(chat.fake.sent_messages(102)) == 30


async def test_blocked_user_is_marked_and_rate_limits_are_retried(chat: Chat) -> None:
    filed = chat.clock.now
    file_directly(chat, 101, "13800138000")
    file_directly(chat, 102, "13900139000", address="海淀区中关村大街1号院")
    chat.fake.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user")
    results = await run_sweep(chat, filed + 2 * D)
    assert sorted(status for _, status in results) == ["sent", "undeliverable"]
    assert await run_sweep(chat, filed + 2 * D + timedelta(hours=1)) == []  # blocked: not retried
    assert sorted(d.status for d in deliveries(chat)) == ["sent", "undeliverable"]


async def test_network_failure_is_retried_with_backoff(chat: Chat) -> None:
    filed = chat.clock.now
    file_directly(chat, 101, "13800138000")
    chat.fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    [(_, status)] = await run_sweep(chat, filed + 2 * D)
    assert status == "pending"
    assert await run_sweep(chat, filed + 2 * D + timedelta(seconds=30)) == []  # backoff: 1 minute
    [(_, status)] = await run_sweep(chat, filed + 2 * D + timedelta(minutes=2))
    assert status == "sent"
    assert deliveries(chat) == [("follow_up", "sent", 2)]


async def test_a_reminder_that_stopped_being_due_is_dropped_not_sent(chat: Chat) -> None:
    filed = chat.clock.now
    file_directly(chat, 101, "13800138000")
    plan_reminders(svc(chat).writer, filed + 2 * D, svc(chat).rules)  # recorded; the send never happened
    assert await run_sweep(chat, filed + 3 * D + timedelta(minutes=5)) == []  # its deadline has passed
    assert deliveries(chat) == [("follow_up", "dropped", 1)]


async def test_a_sweep_stops_between_reminders_when_the_bot_is_stopping_and_the_rest_go_later(
    chat: Chat,
) -> None:
    filed = chat.clock.now
    for i in range(5):
        file_directly(chat, 101, f"1380000{i:04d}", address=f"北京市朝阳区建国路{i}号院")
    at = filed + 2 * D

    def going_on() -> bool:  # SIGTERM arrives after the second reminder
        return len(chat.fake.sent_messages(101)) < 2

    assert len(await sweep(chat.harness.app.bot, svc(chat), at, going_on=going_on)) == 2
    assert len(chat.fake.sent_messages(101)) == 2
    # After the restart (and the lease) the three recorded ones go out, and nothing twice.
    later = await run_sweep(chat, at + timedelta(minutes=3))
    assert [status for _, status in later] == ["sent"] * 3
    assert len(chat.fake.sent_messages(101)) == 5
