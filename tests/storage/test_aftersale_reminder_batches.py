"""After-sale reminders in pages on SQLite and PostgreSQL: more due than a batch holds, each
recorded once in (deadline, id) order; the candidates are read by the partial indexes; revision
0013 stamps the care that revision 0012 started, so no manager hears of those old deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from domain.aftersale_reminders import AftersaleReminderKind as K
from domain.aftersale_reminders import plan_aftersale_batches
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from storage.tables import AftersaleCareRow, DeliveryRow
from storage.uow import SqlUnitOfWork
from tests.conftest import Roster, make_roster
from tests.storage.test_aftersale import RULES, won

SH = ZoneInfo("Asia/Shanghai")


def test_more_due_than_a_batch_are_each_recorded_once(roster: Roster) -> None:
    regs = [won(roster, f"1380000{i:04d}") for i in range(7)]  # deals on Wed 11 Nov
    at = datetime(2026, 11, 12, 10, tzinfo=SH)
    dry = [o for b in plan_aftersale_batches(roster.writer, at, RULES, dry_run=True) for o in b]
    batches = list(plan_aftersale_batches(roster.writer, at, RULES, batch=3))
    assert len(batches) == 3 and all(len(b) <= 3 for b in batches)
    recorded = [o for b in batches for o in b]
    assert [o.reminder.registration.id for o in recorded] == regs == [o.reminder.registration.id for o in dry]
    assert {o.reminder.kind for o in recorded} == {K.FIRST_CONTACT}
    assert [o for b in plan_aftersale_batches(roster.writer, at, RULES, batch=3) for o in b] == []
    with roster.engine.connect() as conn:
        keys = conn.execute(sa.select(DeliveryRow.key)).scalars().all()
    assert len(keys) == 7 and all(k.startswith("asr:as_first_contact:") for k in keys)


def test_the_sweep_queries_use_the_partial_indexes(roster: Roster) -> None:
    if roster.engine.dialect.name != "sqlite":
        return  # PostgreSQL picks a sequential scan on a table this small
    won(roster)
    at = datetime(2026, 11, 12, 10, tzinfo=SH)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "aftersale_care" in statement or "aftersale_item" in statement or "next_contact_at >" in statement:
            statements.append(statement)

    sa.event.listen(roster.engine, "before_cursor_execute", seen)
    try:
        list(plan_aftersale_batches(roster.writer, at, RULES, dry_run=True))
    finally:
        sa.event.remove(roster.engine, "before_cursor_execute", seen)
    with roster.engine.connect() as conn:
        plans = []
        for statement in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                compiled = statement.replace("?", "'2026-11-12 02:00:00.000000'")
                plans.append(" ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled)))
    indexes = " ".join(plans)
    for index in (
        "ix_aftersale_care_first_contact_due",
        "ix_aftersale_care_next_contact_due",
        "ix_aftersale_item_open_due",
        "ix_registration_event_next_contact",
    ):
        assert index in indexes, plans


def test_revision_0013_stamps_migrated_care(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url)
    engine = make_engine(url)
    reg = won(make_roster(engine))
    engine.dispose()
    command.downgrade(alembic_config(url), "0011")
    before = datetime.now(SH) - timedelta(minutes=1)
    upgrade(url)
    engine = make_engine(url)
    with SqlUnitOfWork(engine) as uow:
        [row] = uow.session.exec(select(AftersaleCareRow)).all()
    engine.dispose()
    assert row.registration_id == reg and row.recorded_at is not None and row.recorded_at > before
