"""After-sale reminders through the real sweep and the fake Bot API, on SQLite and PostgreSQL: the
first contact on the first working day after the deal, with a button into the after-sale dialog,
in Chinese and English; managers told of a miss once; exactly once across two sweeps, a crash
between claim and send and a retry after a 5xx; planned contacts; no flood from migrated care."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.delivery.sweep import sweep
from domain.aftersale import CareItemKind
from domain.aftersale_care import open_care_item, record_aftersale_contact
from domain.aftersale_reminders import AftersaleReminderKind as K
from domain.aftersale_reminders import plan_aftersale_batches
from domain.model import FollowUpKind
from domain.registrations import Refused, record_follow_up
from domain.rules import Rules
from storage.tables import AftersaleCareRow, DeliveryRow, StaffRow
from tests.bot.conftest import Chat
from tests.bot.test_verdicts_and_lists import file_directly

SH = ZoneInfo("Asia/Shanghai")
DEAL = datetime(2026, 11, 11, 10, 0, tzinfo=SH)  # a Wednesday
THURSDAY = datetime(2026, 11, 12, 10, 0, tzinfo=SH)  # the first working day after it
DEADLINE_NEXT_DAY = datetime(2026, 11, 17, 10, 0, tzinfo=SH)  # first contact due by 17 Nov 00:00


def svc(chat: Chat):
    return chat.harness.app.bot_data["services"]


def won(chat: Chat, telegram_id: int = 101, phone: str = "13800138000") -> int:
    filed = file_directly(chat, telegram_id, phone)
    deal = record_follow_up(
        chat.roster.writer,
        actor_telegram_id=telegram_id,
        registration_id=filed.registration_id,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("9800"),
        next_contact_at=None,
        now=DEAL,
        rules=Rules(),
    )
    assert not isinstance(deal, Refused)
    return filed.registration_id


def aftersale_only(results):
    return [(o, s) for o, s in results if hasattr(o, "reminder") and isinstance(o.reminder.kind, K)]


async def run(chat: Chat, at: datetime):
    return aftersale_only(await sweep(chat.harness.app.bot, svc(chat), at))


def deliveries(chat: Chat):
    with chat.roster.engine.connect() as conn:
        return conn.execute(
            sa.select(DeliveryRow.kind, DeliveryRow.status, DeliveryRow.attempts)
            .where(DeliveryRow.key.like("asr:%"))  # type: ignore[attr-defined]
            .order_by(DeliveryRow.id)
        ).all()


async def test_first_contact_reminder_on_the_first_working_day_once_with_the_aftersale_button(
    chat: Chat,
) -> None:
    reg = won(chat)
    assert await run(chat, DEAL + timedelta(hours=5)) == []  # the deal's own day
    [(outgoing, status)] = await run(chat, THURSDAY)
    assert status == "sent" and outgoing.reminder.kind is K.FIRST_CONTACT
    text = chat.fake.last_text(101)
    assert "售后提醒" in text and "张三" in text and "3 个工作日内" in text
    assert chat.fake.buttons(101) == [("🤝 打开售后记录", f"aftersale:{reg}")]
    assert await run(chat, THURSDAY + timedelta(minutes=5)) == []
    assert deliveries(chat) == [(K.FIRST_CONTACT.value, "sent", 1)]


async def test_the_reminder_in_english_for_an_english_holder(chat: Chat) -> None:
    with chat.roster.engine.begin() as conn:
        conn.execute(sa.update(StaffRow).where(StaffRow.id == chat.roster.guide.id).values(language="en"))
    reg = won(chat)
    await run(chat, THURSDAY)
    text = chat.fake.last_text(101)
    assert "Contact your customer within 3 working days" in text and "张三" in text
    assert chat.fake.buttons(101) == [("🤝 Open after-sale care", f"aftersale:{reg}")]


async def test_quiet_hours_hold_the_reminder_until_eight(chat: Chat) -> None:
    won(chat)
    assert await run(chat, datetime(2026, 11, 12, 7, 59, tzinfo=SH)) == []
    assert len(await run(chat, datetime(2026, 11, 12, 8, 0, tzinfo=SH))) == 1


async def test_a_missed_first_contact_is_told_to_the_managers_once_on_the_next_working_day(
    chat: Chat,
) -> None:
    won(chat)
    await run(chat, THURSDAY)
    results = await run(chat, DEADLINE_NEXT_DAY)
    assert [(o.reminder.kind, o.to.telegram_id) for o, _ in results] == [(K.FIRST_CONTACT_MISSED, 301)]
    text = chat.fake.last_text(301)
    assert "售后首次联系超时" in text and "王芳" in text and "13800138000" not in text
    assert chat.fake.buttons(301) == []
    assert await run(chat, DEADLINE_NEXT_DAY + timedelta(hours=1)) == []
    assert await run(chat, DEADLINE_NEXT_DAY + timedelta(days=1)) == []  # that day only


async def test_no_miss_is_told_once_the_first_contact_is_done(chat: Chat) -> None:
    reg = won(chat)
    done = record_aftersale_contact(
        chat.roster.writer, actor_telegram_id=101, registration_id=reg, note="回访",
        now=THURSDAY, rules=Rules(),
    )  # fmt: skip
    assert not isinstance(done, Refused)
    assert await run(chat, DEADLINE_NEXT_DAY) == []


async def test_care_recorded_after_its_deadline_tells_no_manager(chat: Chat) -> None:
    """Migration 0012 started care for old deals: their deadlines passed before anyone could act."""
    reg = won(chat)
    with chat.roster.engine.begin() as conn:
        conn.execute(
            sa.update(AftersaleCareRow)
            .where(AftersaleCareRow.registration_id == reg)
            .values(recorded_at=datetime(2026, 11, 17, 9, 0, tzinfo=SH))
        )
    assert await run(chat, DEADLINE_NEXT_DAY) == []


async def test_two_sweeps_at_once_send_each_reminder_once(chat: Chat) -> None:
    for i in range(6):
        won(chat, 101 + i % 2, f"1380000{i:04d}")
    first, second = await asyncio.gather(run(chat, THURSDAY), run(chat, THURSDAY))
    assert len(first) + len(second) == 6
    assert len(chat.fake.sent_messages(101)) + len(chat.fake.sent_messages(102)) == 6


async def test_a_crash_between_claim_and_send_sends_once_after_the_lease(chat: Chat) -> None:
    won(chat)
    recorded = [o for b in plan_aftersale_batches(svc(chat).writer, THURSDAY, svc(chat).rules) for o in b]
    assert len(recorded) == 1 and chat.fake.sent_messages(101) == []  # claimed; the process dies
    assert await run(chat, THURSDAY + timedelta(minutes=1)) == []  # its lease still runs
    [(_, status)] = await run(chat, THURSDAY + timedelta(minutes=3))
    assert status == "sent" and len(chat.fake.sent_messages(101)) == 1
    assert await run(chat, THURSDAY + timedelta(minutes=10)) == []
    assert deliveries(chat) == [(K.FIRST_CONTACT.value, "sent", 1)]


async def test_a_5xx_is_retried_with_backoff(chat: Chat) -> None:
    won(chat)
    chat.fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    [(_, status)] = await run(chat, THURSDAY)
    assert status == "pending"
    assert await run(chat, THURSDAY + timedelta(seconds=30)) == []
    [(_, status)] = await run(chat, THURSDAY + timedelta(minutes=2))
    assert status == "sent"
    assert deliveries(chat) == [(K.FIRST_CONTACT.value, "sent", 2)]


async def test_a_problem_is_reminded_the_day_before_and_told_to_managers_when_overdue(chat: Chat) -> None:
    reg = won(chat)
    record_aftersale_contact(
        chat.roster.writer, actor_telegram_id=101, registration_id=reg, note=None,
        now=THURSDAY, rules=Rules(),
    )  # fmt: skip
    opened = open_care_item(
        chat.roster.writer, actor_telegram_id=101, registration_id=reg, kind=CareItemKind.PROBLEM,
        note="柜门松动", now=THURSDAY, rules=Rules(),
    )  # fmt: skip
    assert not isinstance(opened, Refused)
    # Due by the end of the 3rd working day after Thursday: Tue 17 Nov, 24:00.
    assert await run(chat, datetime(2026, 11, 16, 23, 0, tzinfo=SH)) == []  # quiet, and not yet
    [(reminder, _)] = await run(chat, DEADLINE_NEXT_DAY)
    assert reminder.reminder.kind is K.PROBLEM and "柜门松动" in chat.fake.last_text(101)
    assert chat.fake.buttons(101) == [("🤝 打开售后记录", f"aftersale:{reg}")]
    [(miss, _)] = await run(chat, datetime(2026, 11, 18, 9, 0, tzinfo=SH))
    assert miss.reminder.kind is K.PROBLEM_MISSED and "售后问题超时未解决" in chat.fake.last_text(301)
    assert await run(chat, datetime(2026, 11, 18, 10, 0, tzinfo=SH)) == []


async def test_a_planned_contact_is_reminded_that_day_before_the_time_unless_followed_up(chat: Chat) -> None:
    filed = file_directly(chat, 101, "13800138000")
    planned = datetime(2026, 11, 12, 15, 0, tzinfo=SH)
    record_follow_up(
        chat.roster.writer, actor_telegram_id=101, registration_id=filed.registration_id,
        kind=FollowUpKind.CALL, note="约了周四", amount=None, next_contact_at=planned,
        now=chat.clock.now, rules=Rules(),
    )  # fmt: skip
    assert await run(chat, datetime(2026, 11, 11, 20, 0, tzinfo=SH)) == []  # the day before
    [(outgoing, _)] = await run(chat, datetime(2026, 11, 12, 9, 0, tzinfo=SH))
    assert outgoing.reminder.kind is K.PLANNED
    assert "计划联系" in chat.fake.last_text(101) and "15:00" in chat.fake.last_text(101)
    assert [label for label, _ in chat.fake.buttons(101)] == ["✍️ 跟进"]  # still open: the follow-up
    other = file_directly(chat, 102, "13900139000", address="海淀区中关村大街1号院")
    for at, then in ((chat.clock.now, planned), (chat.clock.now + timedelta(hours=1), None)):
        record_follow_up(
            chat.roster.writer, actor_telegram_id=102, registration_id=other.registration_id,
            kind=FollowUpKind.CALL, note="再联系", amount=None, next_contact_at=then, now=at, rules=Rules(),
        )  # fmt: skip
    assert await run(chat, datetime(2026, 11, 12, 10, 0, tzinfo=SH)) == []  # a later follow-up replaced it


async def test_dry_run_lists_and_records_nothing(chat: Chat) -> None:
    won(chat)
    results = aftersale_only(await sweep(chat.harness.app.bot, svc(chat), THURSDAY, dry_run=True))
    assert [(o.reminder.kind, s) for o, s in results] == [(K.FIRST_CONTACT, "would send")]
    assert deliveries(chat) == [] and chat.fake.sent_messages(101) == []


async def test_a_miss_with_no_manager_to_tell_is_recorded_once_and_not_read_again(chat: Chat) -> None:
    won(chat)
    await run(chat, THURSDAY)
    with chat.roster.engine.begin() as conn:
        conn.execute(
            sa.update(StaffRow).where(StaffRow.id == chat.roster.store_manager.id).values(active=False)
        )
    assert await run(chat, DEADLINE_NEXT_DAY) == []
    assert await run(chat, DEADLINE_NEXT_DAY + timedelta(minutes=1)) == []
    assert deliveries(chat) == [
        (K.FIRST_CONTACT.value, "sent", 1),
        (K.FIRST_CONTACT_MISSED.value, "dropped", 1),
    ]
