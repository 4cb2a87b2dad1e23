"""The digest's after-sale section and the workbook's after-sale rows, read from the database
(SQLite and PostgreSQL) through uow.reports.team_report, in two queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from domain.aftersale import CareItemKind, DueKind
from domain.aftersale_care import CareDone, close_care_item, open_care_item, record_aftersale_contact
from domain.filing import Accepted, FilingRequest, file_registration
from domain.model import FollowUpKind
from domain.registrations import Refused, record_follow_up
from domain.rules import Rules
from storage.repositories.aftersale_digest import team_aftersale
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster

RULES = Rules()
ADDRESS = "北京市朝阳区建国路88号3栋1201"
DEAL = T0 + timedelta(days=1)  # Wednesday 11 Nov, 10:00 in Shanghai
NEXT_DAY = DEAL + timedelta(days=1)  # Thursday 12 Nov, 10:00


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour - 8, tzinfo=UTC)


def won(roster: Roster, name: str, phone: str, tid: int = 101) -> int:
    filed = file_registration(roster.writer, FilingRequest(tid, name, phone, ADDRESS), T0, RULES)
    assert isinstance(filed, Accepted), filed
    deal = record_follow_up(
        roster.writer,
        actor_telegram_id=tid,
        registration_id=filed.registration_id,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("9800"),
        next_contact_at=None,
        now=DEAL,
        rules=RULES,
    )
    assert not isinstance(deal, Refused)
    return filed.registration_id


def problem(roster: Roster, reg: int, note: str) -> None:
    opened = open_care_item(
        roster.writer,
        actor_telegram_id=101,
        registration_id=reg,
        kind=CareItemKind.PROBLEM,
        note=note,
        now=NEXT_DAY,
        rules=RULES,
    )
    assert isinstance(opened, CareDone), opened


def team_of(roster: Roster, reg: int) -> int:
    with roster.engine.connect() as c:
        return c.execute(sa.text("SELECT team_id FROM registration WHERE id = :id"), {"id": reg}).scalar_one()


def test_the_section_and_rows_read_from_storage(roster: Roster) -> None:
    rated = won(roster, "张三", "13800138000")
    waiting = won(roster, "李四", "13900139000")
    contact = record_aftersale_contact(
        roster.writer,
        actor_telegram_id=101,
        registration_id=rated,
        note="电话回访",
        score=4,
        comment=None,
        now=NEXT_DAY,
        rules=RULES,
    )
    assert isinstance(contact, CareDone), contact
    problem(roster, rated, "床板异响")
    problem(roster, rated, "抽屉卡住")
    team = team_of(roster, rated)

    with SqlUnitOfWork(roster.engine) as uow:
        evening = uow.reports.team_report(team, local(12, 20), RULES)
    assert evening is not None
    section = evening.digest.aftersale
    assert [(s.registration_id, s.score, s.customer_name, s.holder) for s in section.scores] == [
        (rated, 4, "张三", "王芳")
    ]
    # Two open problems of one customer: one line with their count.
    assert [(i.registration_id, i.kind, i.count, i.overdue) for i in section.items] == [
        (rated, DueKind.PROBLEM, 2, False)
    ]
    assert section.contacts == ()  # 李四's first contact is due by the end of Monday 16 Nov
    assert [(r.registration_id, r.open_items, r.satisfaction, r.overdue) for r in evening.rows] == []
    assert [(r.registration_id, r.open_items, r.satisfaction, r.overdue) for r in evening.aftersale_rows] == [
        (rated, 2, 4, False),
        (waiting, 0, None, False),
    ]

    with SqlUnitOfWork(roster.engine) as uow:
        monday = uow.reports.team_report(team, local(16, 20), RULES)
        tuesday = uow.reports.team_report(team, local(17, 20), RULES)
        wednesday = uow.reports.team_report(team, local(18, 20), RULES)
    assert monday and tuesday and wednesday
    assert [(c.registration_id, c.kind, c.overdue) for c in monday.digest.aftersale.contacts] == [
        (waiting, DueKind.FIRST_CONTACT, False)
    ]
    assert monday.digest.aftersale.scores == ()  # recorded on another day
    assert [(c.registration_id, c.overdue) for c in tuesday.digest.aftersale.contacts] == [(waiting, True)]
    assert [i.overdue for i in tuesday.digest.aftersale.items] == [False]  # due by the end of the 17th
    assert [(i.count, i.overdue) for i in wednesday.digest.aftersale.items] == [(2, True)]
    assert [r.overdue for r in wednesday.aftersale_rows] == [True, True]

    solved = close_care_item(
        roster.writer,
        actor_telegram_id=101,
        registration_id=rated,
        kind=CareItemKind.PROBLEM,
        item_id=wednesday.digest.aftersale.items[0].first_item_id,
        note="已修好",
        now=local(18, 21),
        rules=RULES,
    )
    assert isinstance(solved, CareDone), solved
    with SqlUnitOfWork(roster.engine) as uow:
        later = uow.reports.team_report(team, local(18, 22), RULES)
    assert later and [i.count for i in later.digest.aftersale.items] == [1]


def test_care_ended_is_left_out_unless_something_is_still_open(roster: Roster) -> None:
    kept = won(roster, "张三", "13800138000")
    ended = won(roster, "李四", "13900139000")
    problem(roster, kept, "床板异响")
    year_later = DEAL + timedelta(days=400)
    with SqlUnitOfWork(roster.engine) as uow:
        cared = team_aftersale(uow.session, team_of(roster, kept), year_later)
    assert [(c.registration.id, len(c.care.items)) for c in cared] == [(kept, 1)]
    assert ended not in {c.registration.id for c in cared}


def test_two_queries_whatever_the_number_of_customers(roster: Roster) -> None:
    regs = [won(roster, f"客户{n}", f"1380013800{n}") for n in range(4)]
    for reg in regs[:2]:
        problem(roster, reg, "床板异响")
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    with SqlUnitOfWork(roster.engine) as uow:
        team = team_of(roster, regs[0])
        sa.event.listen(roster.engine, "before_cursor_execute", count)
        try:
            cared = team_aftersale(uow.session, team, NEXT_DAY + timedelta(hours=1))
        finally:
            sa.event.remove(roster.engine, "before_cursor_execute", count)
    assert len(cared) == 4
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
