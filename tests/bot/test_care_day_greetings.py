"""Care-day greetings through the real sweep and the fake Bot API, on SQLite and PostgreSQL: one
message to the holder the working day before, listing the day's customers with full phones, in
Chinese and English; sent once across two sweeps; `--dry-run` records nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.delivery.care_days import CareDayOutgoing, care_day_message
from bot.delivery.sweep import sweep
from domain.care_days import Birthday, CareCustomer, CareDay, Occasion
from domain.model import Staff
from storage.tables import DeliveryRow, StaffRow
from storage.uow import SqlUnitOfWork
from tests.bot.conftest import Chat
from tests.bot.test_aftersale_reminders import svc, won

SH = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 12, 11, 10, tzinfo=SH)


def greetings(results):
    return [(o, s) for o, s in results if isinstance(o, CareDayOutgoing)]


def set_birthday(chat: Chat, reg: int, birthday: Birthday) -> None:
    with SqlUnitOfWork(chat.roster.engine, write=True) as uow:
        uow.aftersale.set_birthday(reg, birthday)
        uow.commit()


async def test_birthday_greeting_once_in_chinese(chat: Chat) -> None:
    first = won(chat, phone="13800138000")
    second = won(chat, phone="13900139000")
    set_birthday(chat, first, Birthday(12, 14))
    set_birthday(chat, second, Birthday(12, 14, 1990))
    dry = greetings(await sweep(chat.harness.app.bot, svc(chat), FRIDAY, dry_run=True))
    assert [s for _, s in dry] == ["would send"]
    [(outgoing, status)] = greetings(await sweep(chat.harness.app.bot, svc(chat), FRIDAY))
    assert status == "sent" and len(outgoing.customers) == 2
    text = chat.fake.last_text(101)
    assert text is not None and "生日" in text and "12月14日（周一）" in text and "共 2 位" in text
    assert "138 0013 8000" in text or "13800138000" in text.replace(" ", "")
    assert greetings(await sweep(chat.harness.app.bot, svc(chat), FRIDAY + timedelta(minutes=5))) == []
    with chat.roster.engine.connect() as conn:
        rows = conn.execute(sa.select(DeliveryRow.status).where(DeliveryRow.key.like("acd:%"))).all()  # type: ignore[attr-defined]
    assert [r[0] for r in rows] == ["sent"]


async def test_birthday_greeting_in_english(chat: Chat) -> None:
    reg = won(chat)
    set_birthday(chat, reg, Birthday(12, 13))
    with chat.roster.engine.begin() as conn:
        conn.execute(sa.update(StaffRow).where(StaffRow.id == chat.roster.guide.id).values(language="en"))
    [(_, status)] = greetings(await sweep(chat.harness.app.bot, svc(chat), FRIDAY))
    text = chat.fake.last_text(101)
    assert status == "sent" and text is not None
    assert (
        "Sun 13 Dec" in text
        and "the birthday of 1 customer in your after-sale care" in text
        and "张三" in text
    )


def test_festival_message_in_both_languages(chat: Chat) -> None:
    day = CareDay(datetime(2026, 10, 1).date(), Occasion.FESTIVAL, "国庆节", "National Day")
    customers = tuple(CareCustomer(i, 1, f"客户{i}", f"+86138000000{i:02d}") for i in range(62))
    for language, expected in (
        ("zh", ["国庆节", "共 62 位", "……另有 2 位"]),
        ("en", ["National Day", "62 customers", "… and 2 more"]),
    ):
        staff = Staff(
            id=1,
            telegram_id=101,
            name="王芳",
            team_id=1,
            roles=frozenset(),
            region=None,
            active=True,
            language=language,
        )
        text = care_day_message(CareDayOutgoing(1, day, staff, customers), svc(chat))
        assert all(e in text for e in expected), text
        assert text.count("\n") == 61  # the heading, 60 customers and the rest counted
