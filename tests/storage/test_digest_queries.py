"""A realistic day built with the real use cases, summarized from the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from domain.decisions import request_extension
from domain.digest import day_bounds
from domain.filing import Accepted, FilingRequest, Reason, Rejected, file_registration
from domain.lifecycle import DeadlineKind
from domain.model import ExpectedPurchase, FollowUpKind, Role, State
from domain.registrations import Done, record_follow_up
from domain.roster import enrol
from domain.rules import Rules
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster

RULES = Rules()
H = timedelta(hours=1)
D = timedelta(days=1)
MIDNIGHT = T0 - 10 * H  # 00:00 on Tuesday 10 Nov in Shanghai
EVENING = T0 + 10 * H + 30 * timedelta(minutes=1)  # 20:30, when the summary goes out
REASON = "客户出差，下周回来量尺"


@dataclass
class Day:
    roster: Roster
    ids: dict[str, int]


def file(roster: Roster, tid: int, name: str, phone: str, address: str, at, rules: Rules = RULES, **extra):
    return file_registration(roster.writer, FilingRequest(tid, name, phone, address, **extra), at, rules)


def filed(
    roster: Roster, tid: int, name: str, phone: str, address: str, at, rules: Rules = RULES, **extra
) -> int:
    outcome = file(roster, tid, name, phone, address, at, rules, **extra)
    assert isinstance(outcome, Accepted), outcome
    return outcome.registration_id


def follow(roster: Roster, tid: int, reg_id: int, at, kind=FollowUpKind.CALL, amount=None) -> None:
    done = record_follow_up(
        roster.writer,
        actor_telegram_id=tid,
        registration_id=reg_id,
        kind=kind,
        note="联系了客户",
        amount=amount,
        next_contact_at=None,
        now=at,
        rules=RULES,
    )
    assert isinstance(done, Done), done


@pytest.fixture
def day(roster: Roster) -> Day:
    """业务一部 (李强 201, and 孙丽 203 enrolled here) on Tuesday 10 Nov, and a little of 朝阳店."""
    with roster.writer() as uow:
        enrol(
            uow,
            telegram_id=203,
            name="孙丽",
            roles=frozenset({Role.SALESPERSON}),
            team_name="业务一部",
            region=None,
            now=T0 - 30 * D,
        )
    r = roster
    ids = {
        # Before today.
        "expired": filed(r, 201, "陈一鸣", "13912340002", "北京市朝阳区光华路2号院5栋", T0 - 15 * D - H),
        "extension": filed(
            r, 201, "林二宝", "13912340001", "北京市朝阳区光华路1号院3栋", T0 - 14 * D - 3 * H
        ),
        "lapsed": filed(r, 201, "黄三妹", "13912340003", "北京市朝阳区光华路3号院1栋", T0 - 11 * D),
        "about_to_lapse": filed(
            r, 201, "吴四海", "13912340004", "北京市朝阳区光华路4号院2栋", MIDNIGHT - 9 * D
        ),
        "deposit": filed(r, 201, "郑五洲", "13912340005", "北京市朝阳区光华路5号院6栋", T0 - 2 * D),
        "deal": filed(r, 203, "冯六顺", "13912340006", "北京市朝阳区光华路6号院8栋", T0 - 3 * D),
    }
    follow(r, 201, ids["expired"], T0 - 3 * D)
    follow(r, 201, ids["deposit"], MIDNIGHT - timedelta(minutes=1))  # 23:59 yesterday: not today's
    # Today.
    follow(r, 201, ids["extension"], MIDNIGHT)  # 00:00: today's
    ids["new"] = filed(
        r,
        201,
        "张三",
        "13912340007",
        "北京市朝阳区建国路88号3栋1201",
        T0 + H,
        needs="1.8米床垫",
        expected_purchase=ExpectedPurchase.WITHIN_MONTH,
    )
    extension = request_extension(
        r.writer,
        actor_telegram_id=201,
        registration_id=ids["extension"],
        reason=REASON,
        now=T0 + H,
        rules=RULES,
    )
    assert isinstance(extension, Done)
    duplicate = file(r, 203, "张三", "139 1234 0007", "北京市朝阳区建国路88号3栋1201", T0 + 2 * H)
    assert isinstance(duplicate, Rejected) and duplicate.reason is Reason.DUPLICATE
    other_team = file(r, 202, "张三", "13912340007", "北京市朝阳区建国路88号3栋1201", T0 + 2 * H)
    assert isinstance(other_team, Rejected) and other_team.reason is Reason.DUPLICATE
    possible = file(r, 203, "张三", "13812340008", "北京市朝阳区建国路88号3栋1202", T0 + 3 * H)
    assert isinstance(possible, Accepted) and possible.needs_review
    ids["possible"] = possible.registration_id
    follow(r, 201, ids["deposit"], T0 + 4 * H, FollowUpKind.DEPOSIT, Decimal("2000"))
    follow(r, 203, ids["deal"], T0 + 5 * H, FollowUpKind.DEAL, Decimal("12800.50"))
    follow(r, 201, ids["new"], T0 + 6 * H)
    ids["review"] = filed(
        r, 203, "何七巧", "13912340009", "北京市朝阳区光华路9号院7栋", T0 + 7 * H, Rules(review_required=True)
    )
    ids["store"] = filed(r, 101, "罗八方", "13912340010", "北京市朝阳区光华路10号院", T0 + 8 * H)
    return Day(r, ids)


def report(engine: Engine, team_id: int, now=EVENING):
    with SqlUnitOfWork(engine) as uow:
        found = uow.reports.team_report(team_id, now, RULES)
    assert found is not None
    return found


def test_every_section_of_a_field_teams_day(day: Day) -> None:
    ids, field = day.ids, day.roster.field
    found = report(day.roster.engine, field.id)
    digest = found.digest
    assert found.language == "zh" and found.team == field
    assert digest.day == date(2026, 11, 10) and digest.at == EVENING
    assert day_bounds(digest.day, RULES.zone) == (MIDNIGHT, MIDNIGHT + D)

    assert [
        (n.registration_id, n.holder, n.customer_name, n.phone, n.at) for n in digest.new_registrations
    ] == [
        (ids["new"], "李强", "张三", "+8613912340007", T0 + H),
        (ids["possible"], "孙丽", "张三", "+8613812340008", T0 + 3 * H),
        (ids["review"], "孙丽", "何七巧", "+8613912340009", T0 + 7 * H),
    ]
    assert digest.follow_ups == 4
    assert [(p.name, p.count) for p in digest.follow_ups_by_person] == [("李强", 3), ("孙丽", 1)]
    assert [(c.kind, c.customer_name, c.amount, c.credited, c.at) for c in digest.credits] == [
        (FollowUpKind.DEPOSIT, "郑五洲", Decimal("2000.00"), "李强", T0 + 4 * H),
        (FollowUpKind.DEAL, "冯六顺", Decimal("12800.50"), "孙丽", T0 + 5 * H),
    ]

    assert [(p.name, p.due, p.lapsed) for p in digest.due_by_person] == [("李强", 1, 1)]
    assert [(x.registration_id, x.at) for x in digest.about_to_lapse] == [
        (ids["about_to_lapse"], MIDNIGHT + D)
    ]
    assert [(x.registration_id, x.at) for x in digest.lapsed] == [(ids["lapsed"], T0 - D)]
    assert [(x.registration_id, x.at) for x in digest.about_to_expire] == [(ids["extension"], T0 + D - 3 * H)]
    assert [(x.registration_id, x.at) for x in digest.expired_today] == [(ids["expired"], T0 - H)]

    # Only the team's own people's rejected filings; the customer is named masked in the summary.
    assert [(c.at, c.filer_name, c.holder_name) for c in digest.rejected_duplicates] == [
        (T0 + 2 * H, "孙丽", "李强")
    ]
    rejected = digest.rejected_duplicates[0]
    assert (rejected.customer_name, rejected.phone) == ("张三", "+8613912340007") and rejected.filer_id
    assert [(g.filer_name, g.customer, g.count) for g in digest.duplicate_attempts] == [("孙丽", "张*", 1)]
    assert [
        (p.line.registration_id, p.line.holder, p.similar_holder) for p in digest.possible_duplicates
    ] == [(ids["possible"], "孙丽", "李强")]
    assert [(x.registration_id, x.holder) for x in digest.pending_reviews] == [(ids["review"], "孙丽")]
    assert [
        (e.line.registration_id, e.line.holder, e.line.at, e.reason) for e in digest.pending_extensions
    ] == [(ids["extension"], "李强", T0 + H, REASON)]
    # November filings: 李强 has three; 孙丽's deal freed its slot (RULES §3.6).
    assert [(q.name, q.used, q.limit) for q in digest.quota] == [("李强", 3, 20), ("孙丽", 2, 20)]
    assert digest.open_count == 8


def test_tracking_rows_of_a_field_team(day: Day) -> None:
    ids = day.ids
    rows = report(day.roster.engine, day.roster.field.id).rows
    assert [row.registration_id for row in rows] == [
        ids["possible"],
        ids["review"],  # 孙丽
        ids["expired"],
        ids["extension"],
        ids["lapsed"],
        ids["about_to_lapse"],
        ids["deposit"],
        ids["new"],  # 李强
    ]
    by_id = {row.registration_id: row for row in rows}
    new = by_id[ids["new"]]
    assert (new.customer_name, new.phone, new.address, new.needs, new.expected_purchase, new.holder) == (
        "张三",
        "+8613912340007",
        "北京市朝阳区建国路88号3栋1201",
        "1.8米床垫",
        ExpectedPurchase.WITHIN_MONTH,
        "李强",
    )
    assert (new.filed_at, new.last_follow_up.at, new.state) == (T0 + H, T0 + 6 * H, State.ACTIVE)
    assert (new.last_follow_up.kind, new.last_follow_up.note) == (FollowUpKind.CALL, "联系了客户")
    assert (new.deadline.kind, new.deadline.at) == (DeadlineKind.FOLLOW_UP, T0 + 6 * H + 3 * D)
    assert {by_id[i].state for i in (ids["expired"], ids["lapsed"], ids["deposit"], ids["review"])} == {
        State.EXPIRED,
        State.LAPSED,
        State.DEPOSIT,
        State.PENDING_REVIEW,
    }


def test_a_store_has_no_quota_and_its_own_day(day: Day) -> None:
    digest = report(day.roster.engine, day.roster.store.id).digest
    assert digest.quota is None
    assert [(n.holder, n.customer_name) for n in digest.new_registrations] == [("王芳", "罗八方")]
    assert digest.follow_ups == 0 and not digest.rejected_duplicates and digest.open_count == 1


def test_another_day_and_an_unknown_team(day: Day) -> None:
    follow(day.roster, 201, day.ids["new"], MIDNIGHT + D)  # 00:00 tomorrow
    assert report(day.roster.engine, day.roster.field.id).digest.follow_ups == 4
    tomorrow = report(day.roster.engine, day.roster.field.id, MIDNIGHT + D + H).digest
    assert [(p.name, p.count) for p in tomorrow.follow_ups_by_person] == [("李强", 1)]
    yesterday = report(day.roster.engine, day.roster.field.id, MIDNIGHT - timedelta(microseconds=1)).digest
    assert yesterday.day == date(2026, 11, 9)
    assert [(p.name, p.count) for p in yesterday.follow_ups_by_person] == [("李强", 1)]  # the 23:59 one
    assert not yesterday.new_registrations and not yesterday.rejected_duplicates
    with SqlUnitOfWork(day.roster.engine) as uow:
        assert uow.reports.team_report(9999, EVENING, RULES) is None


def test_the_digest_queries_use_indexes(day: Day) -> None:
    """No chain-wide table is scanned whole: each query starts from an index (SQLite's plans)."""
    engine = day.roster.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN")
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        report(engine, day.roster.field.id)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    assert len(statements) >= 6
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            details = [row[-1] for row in plan]
            scans = [d for d in details if d.startswith("SCAN ") and "USING" not in d]
            assert not scans, (statement, details)


def test_notes_are_no_follow_ups_and_credit_under_review_is_provisional(roster: Roster) -> None:
    """Issue 10 items 14 and 15: the summary counts real contacts only, and a deposit or deal on a
    registration awaiting review is listed as provisional, the registration still on the review list."""
    rules = Rules(review_required=True)
    first = filed(roster, 101, "张三", "13800138000", "北京市朝阳区建国路88号3栋1201", T0, rules)
    second = filed(roster, 102, "李四", "13700137002", "北京市海淀区中关村大街27号5层", T0, rules)
    for reg_id, tid in ((first, 101), (second, 102)):
        done = record_follow_up(
            roster.writer,
            actor_telegram_id=tid,
            registration_id=reg_id,
            kind=FollowUpKind.NOTE,
            note="备注",
            amount=None,
            next_contact_at=None,
            now=T0 + H,
            rules=rules,
        )
        assert isinstance(done, Done)
    deposit = record_follow_up(
        roster.writer,
        actor_telegram_id=101,
        registration_id=first,
        kind=FollowUpKind.DEPOSIT,
        note=None,
        amount=Decimal("2000"),
        next_contact_at=None,
        now=T0 + 2 * H,
        rules=rules,
    )
    assert isinstance(deposit, Done)
    with SqlUnitOfWork(roster.engine) as uow:
        report = uow.reports.team_report(roster.store.id, EVENING, rules)
    assert report is not None
    digest = report.digest
    assert digest.follow_ups == 1 and [(p.name, p.count) for p in digest.follow_ups_by_person] == [
        ("王芳", 1)
    ]
    assert [(c.kind, c.credited, c.provisional) for c in digest.credits] == [
        (FollowUpKind.DEPOSIT, "王芳", True)
    ]
    assert [line.registration_id for line in digest.pending_reviews] == [first, second]
    assert {row.registration_id: row.state for row in report.rows} == {
        first: State.PENDING_REVIEW,
        second: State.PENDING_REVIEW,
    }
