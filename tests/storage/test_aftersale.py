"""After-sale care on SQLite and PostgreSQL: care started in the deal's transaction, contacts,
problems and needs stored and read back, events for /history, the due columns found by index, and
revision 0012 starting care for registrations won before it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from domain.aftersale import CareItemKind, DueKind, start_care
from domain.aftersale_care import (
    CareDone,
    close_care_item,
    open_care_item,
    record_aftersale_contact,
    record_satisfaction,
)
from domain.filing import Accepted, FilingRequest, file_registration
from domain.history import customer_history
from domain.model import EventKind, FollowUpKind, Role
from domain.registrations import Refused, record_follow_up
from domain.roster import enrol
from domain.rules import Rules
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from storage.tables import AftersaleCareRow, AftersaleContactRow, AftersaleItemRow
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster, make_roster

RULES = Rules()
ADDRESS = "北京市朝阳区建国路88号3栋1201"
DEAL = T0 + timedelta(days=1)


def won(roster: Roster, phone: str = "13800138000", at=DEAL) -> int:
    filed = file_registration(roster.writer, FilingRequest(101, "张三", phone, ADDRESS), T0, RULES)
    assert isinstance(filed, Accepted)
    deal = record_follow_up(
        roster.writer,
        actor_telegram_id=101,
        registration_id=filed.registration_id,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("9800"),
        next_contact_at=None,
        now=at,
        rules=RULES,
    )
    assert not isinstance(deal, Refused)
    return filed.registration_id


def test_care_is_kept_and_read_back(roster: Roster) -> None:
    reg = won(roster)
    with SqlUnitOfWork(roster.engine, write=True) as uow:
        service = enrol(
            uow,
            telegram_id=401,
            name="周客服",
            roles=frozenset({Role.SERVICE}),
            team_name="朝阳店",
            region=None,
            now=T0,
        )
    at = DEAL + timedelta(days=1)
    contact = record_aftersale_contact(
        roster.writer,
        actor_telegram_id=401,
        registration_id=reg,
        note="电话回访",
        score=4,
        comment="安装好",
        now=at,
        rules=RULES,
    )
    assert isinstance(contact, CareDone)
    problem = open_care_item(
        roster.writer,
        actor_telegram_id=101,
        registration_id=reg,
        kind=CareItemKind.PROBLEM,
        note="床板异响",
        now=at,
        rules=RULES,
    )
    need = open_care_item(
        roster.writer,
        actor_telegram_id=101,
        registration_id=reg,
        kind=CareItemKind.NEED,
        note="加床头柜",
        now=at,
        rules=RULES,
    )
    assert isinstance(problem, CareDone) and isinstance(need, CareDone) and problem.item and need.item
    solved = close_care_item(
        roster.writer,
        actor_telegram_id=401,
        registration_id=reg,
        kind=CareItemKind.PROBLEM,
        item_id=None,
        note="已更换",
        now=at + timedelta(hours=2),
        rules=RULES,
    )
    assert isinstance(solved, CareDone)
    with SqlUnitOfWork(roster.engine) as uow:
        care = uow.aftersale.care(reg)
    assert care is not None
    assert (care.started_at, care.first_contact_at, care.last_contact_at, care.contacts) == (DEAL, at, at, 1)
    assert care.next_contact_due_at == at + timedelta(days=30)
    assert care.satisfaction is not None
    assert (care.satisfaction.score, care.satisfaction.comment, care.satisfaction.by) == (
        4,
        "安装好",
        service.id,
    )
    assert [(i.kind, i.note, i.is_open) for i in care.items] == [
        (CareItemKind.PROBLEM, "床板异响", False),
        (CareItemKind.NEED, "加床头柜", True),
    ]
    assert care.items[0].close_note == "已更换" and care.items[0].due_at == problem.item.due_at
    assert care == solved.care
    assert [d.kind for d in solved.dues] == [DueKind.NEED, DueKind.CONTACT]
    # /history shows who did what.
    with SqlUnitOfWork(roster.engine) as uow:
        timeline = customer_history(uow, actor_telegram_id=301, phone="13800138000", now=at, rules=RULES)
    assert not isinstance(timeline, Refused) and hasattr(timeline, "entries")
    after_sale = [
        (e.kind, e.actor, e.item_id, e.score, e.written)
        for e in timeline.entries  # type: ignore[union-attr]
        if e.kind
        in {
            EventKind.AFTERSALE_CONTACT,
            EventKind.SATISFACTION,
            EventKind.PROBLEM_OPENED,
            EventKind.NEED_OPENED,
            EventKind.PROBLEM_SOLVED,
        }
    ]
    assert after_sale == [
        (EventKind.AFTERSALE_CONTACT, "周客服", None, None, "电话回访"),
        (EventKind.SATISFACTION, "周客服", None, 4, "安装好"),
        (EventKind.PROBLEM_OPENED, "王芳", problem.item.id, None, "床板异响"),
        (EventKind.NEED_OPENED, "王芳", need.item.id, None, "加床头柜"),
        (EventKind.PROBLEM_SOLVED, "周客服", problem.item.id, None, "已更换"),
    ]


def test_a_refused_step_leaves_nothing_behind(roster: Roster) -> None:
    reg = won(roster)
    rated = record_satisfaction(
        roster.writer,
        actor_telegram_id=101,
        registration_id=reg,
        score=5,
        comment=None,
        now=DEAL,
        rules=RULES,
    )
    assert isinstance(rated, CareDone)
    again = record_satisfaction(
        roster.writer,
        actor_telegram_id=101,
        registration_id=reg,
        score=1,
        comment=None,
        now=DEAL,
        rules=RULES,
    )
    assert isinstance(again, Refused)
    with roster.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(AftersaleContactRow)).scalar_one() == 1
        assert conn.execute(sa.select(AftersaleCareRow.satisfaction_score)).scalar_one() == 5


def test_the_due_columns_are_found_by_their_partial_indexes(roster: Roster) -> None:
    """What the sweep will ask: care whose first contact is not done and due by a time, care whose
    next contact is due by a time, open items due by a time — each an index range, not a scan."""
    reg = won(roster)
    open_care_item(
        roster.writer,
        actor_telegram_id=101,
        registration_id=reg,
        kind=CareItemKind.NEED,
        note="换颜色",
        now=DEAL,
        rules=RULES,
    )
    horizon = DEAL + timedelta(days=60)
    queries = {
        "ix_aftersale_care_first_contact_due": sa.select(AftersaleCareRow.registration_id).where(
            sa.column("first_contact_at").is_(None), sa.column("first_contact_due_at") <= horizon
        ),
        "ix_aftersale_care_next_contact_due": sa.select(AftersaleCareRow.registration_id).where(
            sa.column("next_contact_due_at").is_not(None), sa.column("next_contact_due_at") <= horizon
        ),
        "ix_aftersale_item_open_due": sa.select(AftersaleItemRow.id).where(
            sa.column("closed_at").is_(None), sa.column("due_at") <= horizon
        ),
    }
    with SqlUnitOfWork(roster.engine) as uow:
        for index, query in queries.items():
            assert len(uow.session.exec(query).all()) == 1  # type: ignore[call-overload]
            compiled = query.compile(uow.session.bind, compile_kwargs={"literal_binds": True})
            if roster.engine.dialect.name == "sqlite":
                plan = " ".join(
                    str(r)
                    for r in uow.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
                )
            else:
                uow.session.connection().exec_driver_sql("SET LOCAL enable_seqscan = off")
                plan = " ".join(
                    str(r) for r in uow.session.connection().exec_driver_sql(f"EXPLAIN {compiled}").all()
                )
            assert index in plan, plan


def test_revision_0012_starts_care_for_registrations_won_before_it(tmp_path: Path) -> None:
    """A registration won, the database taken back to 0011 (its care is gone), and up again."""
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url)
    engine = make_engine(url)
    reg = won(make_roster(engine))
    engine.dispose()
    command.downgrade(alembic_config(url), "0011")
    upgrade(url)
    engine = make_engine(url)
    with SqlUnitOfWork(engine) as uow:
        care = uow.aftersale.care(reg)
        rows = uow.session.exec(select(AftersaleCareRow)).all()
    engine.dispose()
    assert care is not None and len(rows) == 1
    assert care == start_care(reg, DEAL, RULES)
