"""domain.filing.file_registration's rules on the in-memory unit of work (tests/fake_uow.py).

What depends on SQL (locks, races, constraints, the quota query, dialects) stays in tests/storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from domain.filing import Accepted, FilingOutcome, FilingRequest, Reason, Rejected, file_registration
from domain.lifecycle import DeadlineKind
from domain.model import Channel, Closure, Role, Staff
from domain.roster import add_team, deactivate, enrol
from domain.rules import Rules
from tests.conftest import T0
from tests.fake_uow import FakeDatabase

ADDRESS = "北京市朝阳区建国路88号3栋1201"


@dataclass
class FakeRoster:
    db: FakeDatabase
    guide: Staff
    guide2: Staff
    sales: Staff
    sales2: Staff
    store_manager: Staff


@pytest.fixture
def roster() -> FakeRoster:
    db = FakeDatabase()
    for name, channel in (
        ("朝阳店", Channel.STORE),
        ("业务一部", Channel.FIELD),
        ("业务二部", Channel.FIELD),
    ):
        with db.uow() as uow:
            add_team(uow, name=name, channel=channel, region="北京", now=T0)

    def person(tid: int, name: str, role: Role, team_name: str) -> Staff:
        with db.uow() as uow:
            return enrol(
                uow,
                telegram_id=tid,
                name=name,
                roles=frozenset({role}),
                team_name=team_name,
                region=None,
                now=T0,
            )

    return FakeRoster(
        db,
        guide=person(101, "王芳", Role.GUIDE, "朝阳店"),
        guide2=person(102, "刘洋", Role.GUIDE, "朝阳店"),
        sales=person(201, "李强", Role.SALESPERSON, "业务一部"),
        sales2=person(202, "赵磊", Role.SALESPERSON, "业务二部"),
        store_manager=person(301, "陈店长", Role.STORE_MANAGER, "朝阳店"),
    )


def file(
    roster: FakeRoster,
    telegram_id: int,
    phone: str = "13800138000",
    *,
    name: str = "张三",
    address: str = ADDRESS,
    at: datetime = T0,
    rules: Rules | None = None,
    obtained_at: datetime | None = None,
) -> FilingOutcome:
    request = FilingRequest(telegram_id, name, phone, address, obtained_at=obtained_at)
    return file_registration(roster.db.uow, request, at, rules or Rules())


def test_accepted_filing_holds_the_customer_and_names_the_first_follow_up(roster: FakeRoster) -> None:
    outcome = file(roster, roster.guide.telegram_id)
    assert isinstance(outcome, Accepted)
    assert outcome.deadline is not None and outcome.deadline.kind is DeadlineKind.FOLLOW_UP
    assert outcome.deadline.at == T0 + timedelta(days=3)
    with roster.db.uow() as uow:
        claim = uow.registrations.claim_for(uow.registrations.lock_customer("+8613800138000", T0))
    assert claim is not None and claim.holder_id == roster.guide.id and claim.filed_at == T0
    [attempt] = roster.db.state.attempts
    assert (attempt["outcome"], attempt["reason"], attempt["registration_id"]) == (
        "accepted",
        None,
        outcome.registration_id,
    )


def test_every_way_of_typing_a_phone_is_one_customer(roster: FakeRoster) -> None:
    assert isinstance(file(roster, roster.guide.telegram_id, "138 0013 8000"), Accepted)
    for typed in ("+86 138-0013-8000", "008613800138000", "13800138000"):
        outcome = file(roster, roster.sales.telegram_id, typed)
        assert isinstance(outcome, Rejected) and outcome.reason is Reason.DUPLICATE
        assert outcome.holder_name == "王芳" and outcome.held_since == T0


def test_filer_holding_the_customer_is_told_it_is_already_theirs(roster: FakeRoster) -> None:
    first = file(roster, roster.guide.telegram_id)
    again = file(roster, roster.guide.telegram_id, at=T0 + timedelta(hours=1))
    assert isinstance(first, Accepted) and isinstance(again, Rejected)
    assert again.reason is Reason.ALREADY_YOURS and again.registration_id == first.registration_id


def test_stranger_and_deactivated_are_not_staff_and_the_attempt_is_logged(roster: FakeRoster) -> None:
    assert file(roster, 999).reason is Reason.NOT_STAFF  # type: ignore[union-attr]
    with roster.db.uow() as uow:
        deactivate(uow, telegram_id=roster.guide.telegram_id, now=T0)
    assert file(roster, roster.guide.telegram_id).reason is Reason.NOT_STAFF  # type: ignore[union-attr]
    assert [(a["telegram_id"], a["reason"]) for a in roster.db.state.attempts] == [
        (999, "not_staff"),
        (101, "not_staff"),
    ]


def test_managers_cannot_file(roster: FakeRoster) -> None:
    assert file(roster, roster.store_manager.telegram_id).reason is Reason.NOT_STAFF  # type: ignore[union-attr]


def test_incomplete_filing_stores_nothing_but_the_attempt(roster: FakeRoster) -> None:
    outcome = file(roster, roster.guide.telegram_id, "12345", address="北京")
    assert isinstance(outcome, Rejected) and outcome.reason is Reason.INCOMPLETE
    assert {p.problem.value for p in outcome.problems} == {"phone_too_short", "address_too_short"}
    assert roster.db.state.registrations == {}
    assert [a["reason"] for a in roster.db.state.attempts] == ["incomplete"]


def test_late_filing_is_rejected_after_24_hours(roster: FakeRoster) -> None:
    on_time = file(roster, roster.guide.telegram_id, obtained_at=T0 - timedelta(hours=24))
    late = file(
        roster, roster.guide.telegram_id, "13900139000", obtained_at=T0 - timedelta(hours=24, seconds=1)
    )
    assert isinstance(on_time, Accepted)
    assert isinstance(late, Rejected) and late.reason is Reason.LATE


def test_expired_field_registration_frees_the_customer_for_a_colleague(roster: FakeRoster) -> None:
    first = file(roster, roster.sales.telegram_id)
    assert isinstance(first, Accepted)
    before = file(roster, roster.sales2.telegram_id, at=T0 + timedelta(days=10) - timedelta(seconds=1))
    assert isinstance(before, Rejected) and before.reason is Reason.DUPLICATE
    after = file(roster, roster.sales2.telegram_id, at=T0 + timedelta(days=15))
    assert isinstance(after, Accepted)
    with roster.db.uow() as uow:
        old = uow.registrations.registration(first.registration_id)
    assert old is not None and old.closure is Closure.EXPIRED


def test_store_guides_have_no_quota(roster: FakeRoster) -> None:
    rules = Rules(field_monthly_quota=1)
    for i in range(3):
        outcome = file(
            roster, roster.guide.telegram_id, f"1380000000{i}", address=ADDRESS + str(i), rules=rules
        )
        assert isinstance(outcome, Accepted)


def test_similar_name_and_address_under_another_phone_needs_review(roster: FakeRoster) -> None:
    first = file(
        roster, roster.guide.telegram_id, "13800138000", name="张伟", address="北京市朝阳区建国路88号3栋1201"
    )
    second = file(
        roster, roster.sales.telegram_id, "13900139000", name="张伟", address="朝阳区建国路88号3栋1201室"
    )
    assert isinstance(first, Accepted) and not first.needs_review
    assert isinstance(second, Accepted) and second.needs_review
    assert second.similar[0].registration_id == first.registration_id
    different = file(
        roster, roster.sales.telegram_id, "13700137000", name="王五", address="海淀区中关村大街1号"
    )
    assert isinstance(different, Accepted) and not different.needs_review


def test_a_unit_of_work_left_without_commit_is_rolled_back(roster: FakeRoster) -> None:
    with roster.db.uow() as uow:
        uow.roster.deactivate_staff(roster.guide.telegram_id, T0)
    with roster.db.uow() as uow:
        staff = uow.roster.staff_by_id(roster.guide.id)
    assert staff is not None and staff.active
