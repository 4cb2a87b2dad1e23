"""Care-day greetings on SQLite and PostgreSQL: the birthday kept on the care, one greeting per
holder and day listing all their customers of the day, recorded once across sweeps and restarts
(a new engine on the same database), none for a customer whose care has ended."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from domain.care_days import Birthday, Occasion, plan_care_day_batches
from domain.reminders import LEASE
from storage.db import make_engine
from storage.tables import AftersaleCareRow, DeliveryRow
from storage.uow import SqlUnitOfWork
from tests.conftest import Roster
from tests.storage.test_aftersale import RULES, won

SH = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 12, 11, 10, tzinfo=SH)  # greets Sat 12, Sun 13 and Mon 14 December


def birthday(roster: Roster, registration_id: int, value: Birthday | None) -> None:
    with SqlUnitOfWork(roster.engine, write=True) as uow:
        uow.aftersale.set_birthday(registration_id, value)
        uow.commit()


def test_the_birthday_is_kept_and_cleared(roster: Roster) -> None:
    reg = won(roster)
    birthday(roster, reg, Birthday(3, 15, 1990))
    with SqlUnitOfWork(roster.engine) as uow:
        assert uow.aftersale.birthday(reg) == Birthday(3, 15, 1990)
    birthday(roster, reg, None)
    with SqlUnitOfWork(roster.engine) as uow:
        assert uow.aftersale.birthday(reg) is None


def test_one_greeting_per_holder_and_day_sent_once(roster: Roster, db_url: str) -> None:
    sunday, monday, other = (won(roster, p) for p in ("13800000001", "13800000002", "13800000003"))
    monday2 = won(roster, "13800000004")
    birthday(roster, sunday, Birthday(12, 13))
    birthday(roster, monday, Birthday(12, 14, 1985))
    birthday(roster, monday2, Birthday(12, 14))
    birthday(roster, other, Birthday(12, 15))  # Tuesday's: greeted on Monday
    dry = [o for b in plan_care_day_batches(roster.writer, FRIDAY, RULES, dry_run=True) for o in b]
    planned = [o for b in plan_care_day_batches(roster.writer, FRIDAY, RULES) for o in b]
    assert [(o.care_day.day.day, o.care_day.occasion) for o in planned] == [
        (13, Occasion.BIRTHDAY),
        (14, Occasion.BIRTHDAY),
    ]
    assert [o.delivery_id is None for o in dry] == [True, True]
    assert [[c.registration_id for c in o.customers] for o in planned] == [[sunday], [monday, monday2]]
    assert {o.to.id for o in planned} == {roster.guide.id}
    assert planned[0].customers[0].phone.endswith("13800000001")  # the holder's own: the full phone
    with SqlUnitOfWork(roster.engine, write=True) as uow:  # sent, as the sweep records it
        for o in planned:
            assert o.delivery_id is not None
            uow.deliveries.mark_delivery(o.delivery_id, status="sent", now=FRIDAY)
        uow.commit()
    # A second sweep, and a restart (a new engine), record nothing again.
    assert [
        o for b in plan_care_day_batches(roster.writer, FRIDAY + timedelta(minutes=1), RULES) for o in b
    ] == []
    engine = make_engine(db_url)
    try:
        restarted = replace(roster, engine=engine)
        assert [
            o for b in plan_care_day_batches(restarted.writer, FRIDAY + timedelta(hours=2), RULES) for o in b
        ] == []
    finally:
        engine.dispose()
    with roster.engine.connect() as conn:
        keys = sorted(conn.execute(sa.select(DeliveryRow.key)).scalars().all())
    assert keys == [f"acd:birthday:20261213:s{roster.guide.id}", f"acd:birthday:20261214:s{roster.guide.id}"]
    # Not on Saturday, nor late; in quiet hours nothing.
    assert list(plan_care_day_batches(roster.writer, FRIDAY + timedelta(days=1), RULES)) == []
    assert list(plan_care_day_batches(roster.writer, FRIDAY.replace(hour=22), RULES)) == []


def test_a_festival_lists_every_customer_in_care(roster: Roster) -> None:
    regs = [won(roster, f"1380000{i:04d}") for i in range(3)]
    start = datetime(2027, 2, 6, tzinfo=SH)
    with SqlUnitOfWork(roster.engine) as uow:
        found = uow.aftersale.care_day_customers(start, start + timedelta(days=1), None)
        after_care = uow.aftersale.care_day_customers(
            start + timedelta(days=400), start + timedelta(days=401), None
        )
    assert [c.registration_id for c in found] == regs
    assert after_care == []


def test_national_day_greeted_on_the_last_working_day_with_every_customer_then_retried(
    roster: Roster,
) -> None:
    """Care moved back to run over 2026's National Day: on Wednesday 30 September the holder is
    greeted once for the festival, listing both customers; a send that never finished is retried
    while still due and dropped the next day."""
    regs = [won(roster, p) for p in ("13800000001", "13800000002")]
    with roster.engine.begin() as conn:
        conn.execute(
            sa.update(AftersaleCareRow).values(
                started_at=datetime(2026, 9, 1, tzinfo=SH), ends_at=datetime(2027, 9, 1, tzinfo=SH)
            )
        )
    wednesday = datetime(2026, 9, 30, 10, tzinfo=SH)
    assert list(plan_care_day_batches(roster.writer, wednesday - timedelta(days=1), RULES)) == []
    [[festival]] = list(plan_care_day_batches(roster.writer, wednesday, RULES))
    assert (festival.care_day.occasion, festival.care_day.name_zh) == (Occasion.FESTIVAL, "国庆节")
    assert [c.registration_id for c in festival.customers] == regs
    later = wednesday + LEASE + timedelta(minutes=1)
    [[retried]] = list(plan_care_day_batches(roster.writer, later, RULES))
    assert retried.delivery_id == festival.delivery_id and retried.customers == festival.customers
    with SqlUnitOfWork(roster.engine, write=True) as uow:
        uow.deliveries.mark_delivery(
            festival.delivery_id or 0, status="pending", now=later, retry_at=later, error="network"
        )
        uow.commit()
    thursday = datetime(2026, 10, 1, 10, tzinfo=SH)
    assert list(plan_care_day_batches(roster.writer, thursday, RULES)) == []  # no late greeting
    with roster.engine.connect() as conn:
        assert conn.execute(sa.select(DeliveryRow.status)).scalars().all() == ["dropped"]
