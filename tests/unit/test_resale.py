"""domain.resale (RULES §7, repeat purchase) on the in-memory unit of work: who may open a new
registration from a won one, who holds it, what it carries, what is refused and logged, and that the
won registration and its care stay as they are."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.filing import Accepted, FilingRequest, Reason, Rejected, file_registration
from domain.model import Channel, EventKind, ExpectedPurchase, FollowUpKind, Role, State
from domain.registrations import Refusal, Refused, record_follow_up
from domain.resale import ResaleOpened, ResaleRefused, open_resale
from domain.roster import add_team, enrol
from domain.rules import Rules
from tests.conftest import T0
from tests.fake_uow import FakeDatabase

RULES = Rules()
ADDRESS = "北京市朝阳区建国路88号3栋1201"
DEAL = T0 + timedelta(days=1)
LATER = DEAL + timedelta(days=40)
HOLDER, COLLEAGUE, SERVICE, MANAGER, FIELD, OTHER_MANAGER = 101, 102, 401, 301, 201, 302


def _enrol(db: FakeDatabase, tid: int, name: str, role: Role, team: str) -> None:
    with db.uow() as uow:
        enrol(uow, telegram_id=tid, name=name, roles=frozenset({role}), team_name=team, region=None, now=T0)


def _world() -> tuple[FakeDatabase, int]:
    db = FakeDatabase()
    for name, channel in (("朝阳店", Channel.STORE), ("业务一部", Channel.FIELD)):
        with db.uow() as uow:
            add_team(uow, name=name, channel=channel, region="北京", now=T0)
    _enrol(db, HOLDER, "王芳", Role.GUIDE, "朝阳店")
    _enrol(db, COLLEAGUE, "刘洋", Role.GUIDE, "朝阳店")
    _enrol(db, SERVICE, "周客服", Role.SERVICE, "朝阳店")
    _enrol(db, MANAGER, "陈店长", Role.STORE_MANAGER, "朝阳店")
    _enrol(db, FIELD, "李强", Role.SALESPERSON, "业务一部")
    _enrol(db, OTHER_MANAGER, "赵主管", Role.SUPERVISOR, "业务一部")
    filed = file_registration(db.uow, FilingRequest(HOLDER, "张三", "13800138000", ADDRESS), T0, RULES)
    assert isinstance(filed, Accepted)
    deal = record_follow_up(
        db.uow,
        actor_telegram_id=HOLDER,
        registration_id=filed.registration_id,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("12800"),
        next_contact_at=None,
        now=DEAL,
        rules=RULES,
    )
    assert not isinstance(deal, Refused)
    return db, filed.registration_id


@pytest.fixture
def world() -> tuple[FakeDatabase, int]:
    return _world()


def resale(db: FakeDatabase, reg: int, tid: int, at=LATER, **kw):
    return open_resale(db.uow, actor_telegram_id=tid, registration_id=reg, now=at, rules=RULES, **kw)


def refusals(db: FakeDatabase) -> list[tuple[str, str | None]]:
    return [(a["action"], a["reason"]) for a in db.state.actions]


def events(db: FakeDatabase, reg: int) -> list[tuple[int | None, EventKind]]:
    return [(actor, kind) for r, _, actor, kind, _ in db.state.events if r == reg]


def test_the_holder_opens_a_new_registration_from_the_won_one(world) -> None:
    db, reg = world
    with db.uow() as uow:
        care_before = uow.aftersale.care(reg)
    opened = resale(db, reg, HOLDER, needs="再买一张床垫", expected_purchase=ExpectedPurchase.WITHIN_MONTH)
    assert isinstance(opened, ResaleOpened)
    new = opened.registration
    assert (new.holder_name, new.filer_id, new.customer_name, new.address) == (
        "王芳",
        new.holder_id,
        "张三",
        ADDRESS,
    )
    assert (new.resale_of_id, new.filed_at, new.needs, new.closure) == (reg, LATER, "再买一张床垫", None)
    assert new.expected_purchase is ExpectedPurchase.WITHIN_MONTH and new.holds_claim and new.id != reg
    assert opened.deadline is not None and opened.deadline.at == LATER + timedelta(days=3)
    with db.uow() as uow:
        won = uow.registrations.registration(reg)
        assert won is not None and won.closure is not None and won.closure.value == "won"
        assert uow.aftersale.care(reg) == care_before  # the care goes on as it was
        assert uow.registrations.claim_for(new.customer_id) == new
    assert events(db, new.id) == [(new.holder_id, EventKind.FILED)]


def test_others_filing_the_customer_meanwhile_are_told_whose_after_sale_customer_it_is(world) -> None:
    db, reg = world
    assert isinstance(resale(db, reg, HOLDER), ResaleOpened)
    verdict = file_registration(
        db.uow, FilingRequest(COLLEAGUE, "张三", "13800138000", ADDRESS), LATER, RULES
    )
    assert isinstance(verdict, Rejected) and verdict.reason is Reason.ALREADY_SOLD
    assert (verdict.holder_name, verdict.deal_at, verdict.registration_id) == ("王芳", DEAL, None)


@pytest.mark.parametrize("tid", [COLLEAGUE, SERVICE, MANAGER, FIELD, OTHER_MANAGER])
def test_only_the_holder_while_they_are_here(world, tid: int) -> None:
    db, reg = world
    assert resale(db, reg, tid) == Refused(Refusal.RESALE_NOT_ENTITLED)
    assert refusals(db)[-1] == ("resale", "resale_not_entitled")


def test_the_holder_gone_a_manager_of_the_team_names_the_colleague(world) -> None:
    db, reg = world
    with db.uow() as uow:
        uow.roster.deactivate_staff(HOLDER, LATER)
        uow.commit()
        colleague = uow.roster.staff_by_telegram_id(COLLEAGUE)
        field = uow.roster.staff_by_telegram_id(FIELD)
        service = uow.roster.staff_by_telegram_id(SERVICE)
    assert colleague is not None and field is not None and service is not None
    assert resale(db, reg, COLLEAGUE) == Refused(Refusal.RESALE_NOT_ENTITLED)
    assert resale(db, reg, OTHER_MANAGER, holder_id=field.id) == Refused(Refusal.RESALE_NOT_ENTITLED)
    assert resale(db, reg, MANAGER) == Refused(Refusal.HOLDER_NEEDED)
    assert resale(db, reg, MANAGER, holder_id=field.id) == Refused(Refusal.BAD_HOLDER)  # another team
    assert resale(db, reg, MANAGER, holder_id=service.id) == Refused(Refusal.BAD_HOLDER)  # cannot file
    assert resale(db, reg, MANAGER, holder_id=99999) == Refused(Refusal.BAD_HOLDER)
    opened = resale(db, reg, MANAGER, holder_id=colleague.id)
    assert isinstance(opened, ResaleOpened) and opened.registration.holder_name == "刘洋"
    [(actor, _)] = events(db, opened.registration.id)
    assert actor not in (None, colleague.id)  # the manager opened it


def test_a_holder_still_here_keeps_their_customer(world) -> None:
    db, reg = world
    with db.uow() as uow:
        colleague = uow.roster.staff_by_telegram_id(COLLEAGUE)
    assert colleague is not None
    assert resale(db, reg, HOLDER, holder_id=colleague.id) == Refused(Refusal.BAD_HOLDER)


def test_refusals(world) -> None:
    db, reg = world
    end = DEAL + RULES.resale_window
    assert resale(db, reg, HOLDER, at=end + timedelta(seconds=1)) == Refused(Refusal.RESALE_WINDOW_OVER)
    assert resale(db, reg, HOLDER, needs="很" * 1001) == Refused(Refusal.NOTE_TOO_LONG)
    assert resale(db, 999, HOLDER) == Refused(Refusal.NOT_FOUND)
    assert resale(db, reg, 123456) == Refused(Refusal.NOT_STAFF)
    other = file_registration(db.uow, FilingRequest(COLLEAGUE, "李四", "13900139000", ADDRESS), T0, RULES)
    assert isinstance(other, Accepted)
    not_won = resale(db, other.registration_id, COLLEAGUE)
    assert not_won == Refused(Refusal.NOT_WON, State.LAPSED)
    assert isinstance(resale(db, reg, HOLDER, at=end), ResaleOpened)  # the window's last instant
    again = resale(db, reg, HOLDER, at=end)
    assert again == ResaleRefused(Refusal.CUSTOMER_OPEN, holder_name="王芳")
    assert [r for _, r in refusals(db)] == [
        "resale_window_over",
        "note_too_long",
        "not_found",
        "not_staff",
        "not_won",
        "customer_open",
    ]


def test_the_field_quota_counts_a_repeat_purchase() -> None:
    db = FakeDatabase()
    with db.uow() as uow:
        add_team(uow, name="业务一部", channel=Channel.FIELD, region="北京", now=T0)
    _enrol(db, FIELD, "李强", Role.SALESPERSON, "业务一部")
    rules = Rules(field_monthly_quota=1)
    filed = file_registration(db.uow, FilingRequest(FIELD, "张三", "13800138000", ADDRESS), T0, rules)
    assert isinstance(filed, Accepted)
    record_follow_up(
        db.uow,
        actor_telegram_id=FIELD,
        registration_id=filed.registration_id,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("100"),
        next_contact_at=None,
        now=T0 + timedelta(hours=1),
        rules=rules,
    )  # the deal frees its slot
    other = file_registration(db.uow, FilingRequest(FIELD, "李四", "13900139000", ADDRESS), T0, rules)
    assert isinstance(other, Accepted)
    at = T0 + timedelta(hours=2)
    refused = open_resale(
        db.uow, actor_telegram_id=FIELD, registration_id=filed.registration_id, now=at, rules=rules
    )
    assert refused == Refused(Refusal.QUOTA_FULL)
    opened = open_resale(
        db.uow, actor_telegram_id=FIELD, registration_id=filed.registration_id, now=at, rules=Rules()
    )
    assert isinstance(opened, ResaleOpened) and opened.registration.expires_at == at + timedelta(days=15)
