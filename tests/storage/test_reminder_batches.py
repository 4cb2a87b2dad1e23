"""The sweep in batches: more due reminders than one batch holds are each recorded exactly once,
soonest deadline first across kinds."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from domain.filing import FilingRequest, file_registration
from domain.reminders import plan_reminder_batches
from domain.rules import Rules
from storage.tables import DeliveryRow
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, make_roster

CUSTOMERS = 11


def test_a_sweep_of_more_reminders_than_a_batch_records_each_once(engine: Engine) -> None:
    make_roster(engine)
    rules = Rules(field_expiry_days=3)  # expiries fall beside the follow-ups: two kinds to merge

    def writer() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=True)

    for i in range(CUSTOMERS):
        filer = (101, 201)[i % 2]  # store and field: the field ones also expire
        request = FilingRequest(filer, f"客户{i}", f"1380000{i:04d}", f"北京市朝阳区建国路{i}号院{i}栋")
        file_registration(writer, request, T0 + timedelta(hours=i), rules)
    # Every follow-up (day 3, warned 24 h before) and every field expiry (day 3, 48 h) is due.
    at = T0 + timedelta(days=2, hours=10)  # 20:00 local, before the quiet hours
    dry = [o for b in plan_reminder_batches(writer, at, rules, dry_run=True, batch=1000) for o in b]
    batches = list(plan_reminder_batches(writer, at, rules, batch=3))
    assert len(batches) > 2 and all(len(b) <= 3 for b in batches)
    recorded = [o for b in batches for o in b]
    assert [o.reminder.key for o in recorded] == [o.reminder.key for o in dry]
    assert {o.reminder.kind.value for o in recorded} == {"follow_up", "expiry"}
    assert len(recorded) == CUSTOMERS + CUSTOMERS // 2
    deadlines = [(o.reminder.deadline, o.reminder.registration.id) for o in recorded]
    assert deadlines == sorted(deadlines)
    reminders = sa.select(DeliveryRow.id).where(DeliveryRow.key.like("reminder:%"))  # type: ignore[attr-defined]
    with engine.connect() as conn:
        ids = conn.execute(reminders).scalars().all()
    assert sorted(ids) == sorted(o.delivery_id for o in recorded)  # type: ignore[type-var]
    assert [o for b in plan_reminder_batches(writer, at, rules, batch=3) for o in b] == []
