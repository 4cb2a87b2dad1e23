"""Each open registration's last follow-up (how, the note, when), as the tracking workbook shows it:
read with SQL (SQLite and PostgreSQL) and by the in-memory fake, from the same day."""

from __future__ import annotations

import inspect
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.digest import LastFollowUp
from domain.filing import Accepted, FilingRequest, file_registration
from domain.model import Channel, FollowUpKind, Role
from domain.ports import Reports, UnitOfWorkFactory
from domain.registrations import Done, record_follow_up
from domain.roster import add_team, enrol
from domain.rules import Rules
from storage.repositories.reports import SqlReports
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster
from tests.fake_uow import FakeDatabase, FakeReports

RULES = Rules()
H = timedelta(hours=1)
CALLED = "客户说周末来店"


def filed(writer: UnitOfWorkFactory, tid: int, name: str, phone: str, address: str) -> int:
    outcome = file_registration(writer, FilingRequest(tid, name, phone, address), T0, RULES)
    assert isinstance(outcome, Accepted), outcome
    return outcome.registration_id


def contact(
    writer: UnitOfWorkFactory, tid: int, reg_id: int, at, kind: FollowUpKind, note: str | None
) -> None:
    done = record_follow_up(
        writer,
        actor_telegram_id=tid,
        registration_id=reg_id,
        kind=kind,
        note=note,
        amount=Decimal("8000") if kind is FollowUpKind.DEAL else None,
        next_contact_at=None,
        now=at,
        rules=RULES,
    )
    assert isinstance(done, Done), done


def a_day(writer: UnitOfWorkFactory) -> dict[str, int]:
    """朝阳店's guides 王芳 (101) and 刘洋 (102), and 业务一部's 李强 (201), on 10 Nov."""
    ids = {
        "called": filed(writer, 101, "张三", "13800138001", "北京市朝阳区建国路88号3栋1201"),
        "noted": filed(writer, 102, "李四", "13800138002", "北京市海淀区中关村大街1号院2栋"),
        "visited": filed(writer, 101, "王五", "13800138003", "北京市朝阳区光华路1号院3栋"),
        "won": filed(writer, 102, "赵六", "13800138004", "北京市东城区东直门内大街5号"),
        "field": filed(writer, 201, "孙七", "13800138005", "北京市西城区金融大街7号"),
    }
    contact(writer, 101, ids["called"], T0 + H, FollowUpKind.CALL, CALLED)
    contact(writer, 101, ids["called"], T0 + 2 * H, FollowUpKind.NOTE, "喜欢灰色")  # a note is none
    contact(writer, 102, ids["noted"], T0 + H, FollowUpKind.NOTE, "只是备注")
    contact(writer, 101, ids["visited"], T0 + H, FollowUpKind.CALL, "约了到店")
    contact(writer, 101, ids["visited"], T0 + 3 * H, FollowUpKind.STORE_VISIT, None)
    contact(writer, 102, ids["won"], T0 + H, FollowUpKind.DEAL, "成交了")  # closed: not on the sheet
    contact(writer, 201, ids["field"], T0 + H, FollowUpKind.HOME_VISIT, "上门看了户型")
    return ids


def check(reports: Reports, ids: dict[str, int], store_id: int, field_id: int) -> None:
    assert reports.last_follow_ups(store_id, T0 + 4 * H) == {
        ids["called"]: LastFollowUp(FollowUpKind.CALL, CALLED, T0 + H),
        ids["visited"]: LastFollowUp(FollowUpKind.STORE_VISIT, None, T0 + 3 * H),
    }
    # As it was at an earlier moment: later contacts are not yet there.
    assert reports.last_follow_ups(store_id, T0 + 2 * H)[ids["visited"]] == LastFollowUp(
        FollowUpKind.CALL, "约了到店", T0 + H
    )
    assert reports.last_follow_ups(store_id, T0 + H - timedelta(microseconds=1)) == {}
    assert reports.last_follow_ups(field_id, T0 + 4 * H) == {
        ids["field"]: LastFollowUp(FollowUpKind.HOME_VISIT, "上门看了户型", T0 + H)
    }
    assert reports.last_follow_ups(9999, T0 + 4 * H) == {}


def test_the_last_real_contact_of_each_open_registration_in_sql(roster: Roster) -> None:
    ids = a_day(roster.writer)
    with SqlUnitOfWork(roster.engine) as uow:
        check(uow.reports, ids, roster.store.id, roster.field.id)
        report = uow.reports.team_report(roster.store.id, T0 + 4 * H, RULES)
    assert report is not None  # the tracking rows carry it
    assert {row.registration_id: row.last_follow_up for row in report.rows} == {
        ids["called"]: LastFollowUp(FollowUpKind.CALL, CALLED, T0 + H),
        ids["noted"]: None,
        ids["visited"]: LastFollowUp(FollowUpKind.STORE_VISIT, None, T0 + 3 * H),
    }


def test_the_fake_reads_the_same_last_contacts() -> None:
    db = FakeDatabase()
    teams = {}
    for name, channel in (("朝阳店", Channel.STORE), ("业务一部", Channel.FIELD)):
        with db.uow() as uow:
            teams[name] = add_team(uow, name=name, channel=channel, region="北京", now=T0).id
    for tid, name, role, team in (
        (101, "王芳", Role.GUIDE, "朝阳店"),
        (102, "刘洋", Role.GUIDE, "朝阳店"),
        (201, "李强", Role.SALESPERSON, "业务一部"),
    ):
        with db.uow() as uow:
            enrol(
                uow, telegram_id=tid, name=name, roles=frozenset({role}), team_name=team, region=None, now=T0
            )
    ids = a_day(db.uow)
    with db.uow() as uow:
        check(uow.reports, ids, teams["朝阳店"], teams["业务一部"])


@pytest.mark.parametrize("implementation", [SqlReports, FakeReports])
def test_the_reports_match_the_port(implementation: type) -> None:
    """The SQL repository and the fake answer to every method of domain.ports.Reports, alike."""
    for name, method in inspect.getmembers(Reports, inspect.isfunction):
        if name.startswith("_"):
            continue
        ours = getattr(implementation, name)
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(method).parameters), name
