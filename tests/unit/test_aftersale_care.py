"""domain.aftersale_care's use cases on the in-memory unit of work: who may record, what is refused,
what each records (events, care, items), and that nobody but the holder holds or is credited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.aftersale import CareItemKind, DueKind
from domain.aftersale_care import (
    CareDone,
    ItemRefused,
    close_care_item,
    open_care_item,
    record_aftersale_contact,
    record_satisfaction,
)
from domain.decisions import decide_review
from domain.filing import Accepted, FilingRequest, file_registration
from domain.model import Channel, EventKind, FollowUpKind, Role, State
from domain.registrations import Refusal, Refused, record_follow_up
from domain.roster import add_team, enrol
from domain.rules import Rules
from tests.conftest import T0
from tests.fake_uow import FakeDatabase

RULES = Rules()
ADDRESS = "北京市朝阳区建国路88号3栋1201"
DEAL = T0 + timedelta(days=1)  # Wednesday 11 November 2026, 10:00 local
HOLDER, COLLEAGUE, SERVICE, OTHER_SERVICE, MANAGER = 101, 102, 401, 402, 301


@dataclass
class World:
    db: FakeDatabase
    won: int  # 王芳's registration, won at DEAL
    open_id: int  # 刘洋's registration, still active


def _enrol(db: FakeDatabase, tid: int, name: str, role: Role, team: str) -> None:
    with db.uow() as uow:
        enrol(uow, telegram_id=tid, name=name, roles=frozenset({role}), team_name=team, region=None, now=T0)


@pytest.fixture
def world() -> World:
    db = FakeDatabase()
    for name, channel in (("朝阳店", Channel.STORE), ("业务一部", Channel.FIELD)):
        with db.uow() as uow:
            add_team(uow, name=name, channel=channel, region="北京", now=T0)
    _enrol(db, HOLDER, "王芳", Role.GUIDE, "朝阳店")
    _enrol(db, COLLEAGUE, "刘洋", Role.GUIDE, "朝阳店")
    _enrol(db, SERVICE, "周客服", Role.SERVICE, "朝阳店")
    _enrol(db, OTHER_SERVICE, "吴客服", Role.SERVICE, "业务一部")
    _enrol(db, MANAGER, "陈店长", Role.STORE_MANAGER, "朝阳店")
    ids = []
    for tid, phone in ((HOLDER, "13800138000"), (COLLEAGUE, "13900139000")):
        outcome = file_registration(db.uow, FilingRequest(tid, "张三", phone, ADDRESS), T0, RULES)
        assert isinstance(outcome, Accepted)
        ids.append(outcome.registration_id)
    deal = record_follow_up(
        db.uow,
        actor_telegram_id=HOLDER,
        registration_id=ids[0],
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("12800"),
        next_contact_at=None,
        now=DEAL,
        rules=RULES,
    )
    assert not isinstance(deal, Refused)
    return World(db, ids[0], ids[1])


def end_of(day: date) -> datetime:
    shanghai = ZoneInfo("Asia/Shanghai")
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=shanghai).astimezone(ZoneInfo("UTC"))


def contact(w: World, tid: int = HOLDER, at: datetime = DEAL + timedelta(days=1), **kw: object):
    return record_aftersale_contact(
        w.db.uow,
        actor_telegram_id=tid,
        registration_id=kw.pop("reg", w.won),
        note=kw.pop("note", "回访"),
        now=at,
        rules=RULES,
        **kw,  # type: ignore[arg-type]
    )


def events(w: World, kind: EventKind) -> list[tuple[int | None, dict]]:
    return [(actor, detail) for reg, _at, actor, k, detail in w.db.state.events if k is kind and reg == w.won]


def staff_id(w: World, tid: int) -> int:
    return next(s.id for s in w.db.state.staff.values() if s.telegram_id == tid)


# --- care starts with the deal ------------------------------------------------------------------


def test_the_deal_starts_care_with_its_deadlines(world: World) -> None:
    care = world.db.state.care[world.won]
    assert care.started_at == DEAL
    assert care.first_contact_due_at == end_of(date(2026, 11, 16))  # Thu 12, Fri 13, Mon 16
    assert care.next_contact_due_at == care.first_contact_due_at + timedelta(days=30)
    assert care.ends_at == DEAL.replace(year=2027)


def test_a_deal_awaiting_review_starts_care_only_when_approved() -> None:
    db = FakeDatabase()
    with db.uow() as uow:
        add_team(uow, name="朝阳店", channel=Channel.STORE, region="北京", now=T0)
    _enrol(db, HOLDER, "王芳", Role.GUIDE, "朝阳店")
    _enrol(db, MANAGER, "陈店长", Role.STORE_MANAGER, "朝阳店")
    rules = Rules(review_required=True)
    filed = file_registration(db.uow, FilingRequest(HOLDER, "张三", "13800138000", ADDRESS), T0, rules)
    assert isinstance(filed, Accepted)
    reg = filed.registration_id
    record_follow_up(
        db.uow,
        actor_telegram_id=HOLDER,
        registration_id=reg,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("5000"),
        next_contact_at=None,
        now=DEAL,
        rules=rules,
    )
    assert reg not in db.state.care
    refused = record_aftersale_contact(
        db.uow, actor_telegram_id=HOLDER, registration_id=reg, note=None, now=DEAL, rules=rules
    )
    assert isinstance(refused, Refused) and refused.refusal is Refusal.NOT_WON
    assert refused.state is State.PENDING_REVIEW
    approved_at = DEAL + timedelta(days=2)
    decide_review(
        db.uow,
        actor_telegram_id=MANAGER,
        registration_id=reg,
        approve=True,
        reason=None,
        now=approved_at,
        rules=rules,
    )
    assert db.state.care[reg].started_at == approved_at  # no deadline ran before the sale was on record


# --- contacts and satisfaction --------------------------------------------------------------------


def test_the_holder_records_the_first_contact_with_a_score(world: World) -> None:
    at = DEAL + timedelta(days=2)
    done = contact(world, at=at, score=5, comment="很满意")
    assert isinstance(done, CareDone)
    assert done.care.first_contact_at == at and done.care.contacts == 1
    assert done.care.satisfaction is not None and done.care.satisfaction.score == 5
    assert [d.kind for d in done.dues] == [DueKind.CONTACT]
    assert done.dues[0].due_at == at + timedelta(days=30)
    holder = staff_id(world, HOLDER)
    assert events(world, EventKind.AFTERSALE_CONTACT) == [(holder, {"note": "回访"})]
    assert events(world, EventKind.SATISFACTION) == [(holder, {"score": 5, "note": "很满意"})]
    assert world.db.state.contacts == [(world.won, at, holder, "回访")]


def test_customer_service_of_the_team_records_without_holding_or_credit(world: World) -> None:
    before = world.db.state.registrations[world.won]
    done = contact(world, tid=SERVICE)
    assert isinstance(done, CareDone)
    for step in (
        lambda: open_care_item(
            world.db.uow,
            actor_telegram_id=SERVICE,
            registration_id=world.won,
            kind=CareItemKind.PROBLEM,
            note="抽屉卡住",
            now=DEAL + timedelta(days=2),
            rules=RULES,
        ),
        lambda: close_care_item(
            world.db.uow,
            actor_telegram_id=SERVICE,
            registration_id=world.won,
            kind=CareItemKind.PROBLEM,
            item_id=None,
            note=None,
            now=DEAL + timedelta(days=3),
            rules=RULES,
        ),
        lambda: record_satisfaction(
            world.db.uow,
            actor_telegram_id=SERVICE,
            registration_id=world.won,
            score=4,
            comment=None,
            now=DEAL + timedelta(days=3),
            rules=RULES,
        ),
    ):
        assert isinstance(step(), CareDone)
    after = world.db.state.registrations[world.won]
    assert (after.holder_id, after.credited_to_id) == (before.holder_id, before.credited_to_id)
    assert after == before
    service = staff_id(world, SERVICE)
    assert [actor for actor, _ in events(world, EventKind.AFTERSALE_CONTACT)] == [service]
    assert [actor for actor, _ in events(world, EventKind.PROBLEM_SOLVED)] == [service]


@pytest.mark.parametrize("tid", [COLLEAGUE, OTHER_SERVICE, MANAGER])
def test_nobody_else_may_record(world: World, tid: int) -> None:
    refused = contact(world, tid=tid)
    assert isinstance(refused, Refused) and refused.refusal is Refusal.NOT_CARER
    assert world.db.state.care[world.won].contacts == 0
    assert world.db.state.actions[-1]["reason"] == "not_carer"


def test_strangers_unknown_registrations_and_open_registrations_are_refused(world: World) -> None:
    assert contact(world, tid=999) == Refused(Refusal.NOT_STAFF)
    assert contact(world, reg=9999) == Refused(Refusal.NOT_FOUND)
    refused = contact(world, tid=COLLEAGUE, reg=world.open_id)
    assert refused == Refused(Refusal.NOT_WON, State.ACTIVE)


def test_after_twelve_months_care_has_ended(world: World) -> None:
    ends = world.db.state.care[world.won].ends_at
    assert isinstance(contact(world, at=ends - timedelta(seconds=1)), CareDone)
    assert contact(world, at=ends) == Refused(Refusal.CARE_ENDED)
    opened = open_care_item(
        world.db.uow,
        actor_telegram_id=HOLDER,
        registration_id=world.won,
        kind=CareItemKind.NEED,
        note="补一把椅子",
        now=ends,
        rules=RULES,
    )
    assert opened == Refused(Refusal.CARE_ENDED)


def test_one_score_per_care_in_range(world: World) -> None:
    for bad in (0, 6, -1):
        assert contact(world, score=bad) == Refused(Refusal.BAD_SCORE)
    assert world.db.state.care[world.won].contacts == 0  # a refused contact records nothing
    first = record_satisfaction(
        world.db.uow,
        actor_telegram_id=HOLDER,
        registration_id=world.won,
        score=3,
        comment="送货慢",
        now=DEAL + timedelta(days=1),
        rules=RULES,
    )
    # Before any contact, the score records the first contact with it.
    assert isinstance(first, CareDone) and first.care.contacts == 1
    assert first.care.first_contact_at == DEAL + timedelta(days=1)
    again = record_satisfaction(
        world.db.uow,
        actor_telegram_id=HOLDER,
        registration_id=world.won,
        score=5,
        comment=None,
        now=DEAL + timedelta(days=2),
        rules=RULES,
    )
    assert again == Refused(Refusal.ALREADY_RATED)
    assert contact(world, score=5) == Refused(Refusal.ALREADY_RATED)
    care = world.db.state.care[world.won]
    assert care.satisfaction is not None and (care.satisfaction.score, care.satisfaction.comment) == (
        3,
        "送货慢",
    )


def test_a_note_too_long_is_refused(world: World) -> None:
    assert contact(world, note="很" * (RULES.max_note_chars + 1)) == Refused(Refusal.NOTE_TOO_LONG)


# --- problems and needs ---------------------------------------------------------------------------


def _open(w: World, kind: CareItemKind, note: str | None, at: datetime = DEAL + timedelta(days=1)):
    return open_care_item(
        w.db.uow, actor_telegram_id=HOLDER, registration_id=w.won, kind=kind, note=note, now=at, rules=RULES
    )


def _close(w: World, kind: CareItemKind, item_id: int | None, at: datetime = DEAL + timedelta(days=2)):
    return close_care_item(
        w.db.uow,
        actor_telegram_id=HOLDER,
        registration_id=w.won,
        kind=kind,
        item_id=item_id,
        note="已上门",
        now=at,
        rules=RULES,
    )


def test_a_problem_is_due_in_three_working_days_and_solving_closes_it(world: World) -> None:
    opened_at = datetime(2026, 11, 13, 2, 0, tzinfo=ZoneInfo("UTC"))  # Friday
    done = _open(world, CareItemKind.PROBLEM, "  床板异响  ", opened_at)
    assert isinstance(done, CareDone) and done.item is not None
    assert (done.item.note, done.item.due_at) == ("床板异响", end_of(date(2026, 11, 18)))
    assert (DueKind.PROBLEM, done.item.id) in [(d.kind, d.item_id) for d in done.dues]
    solved = _close(world, CareItemKind.PROBLEM, None)
    assert isinstance(solved, CareDone) and solved.item is not None and solved.item.closed_at is not None
    assert DueKind.PROBLEM not in [d.kind for d in solved.dues]
    assert events(world, EventKind.PROBLEM_OPENED)[0][1] == {"item_id": done.item.id, "note": "床板异响"}
    assert events(world, EventKind.PROBLEM_SOLVED)[0][1] == {"item_id": done.item.id, "note": "已上门"}
    assert _close(world, CareItemKind.PROBLEM, done.item.id) == Refused(Refusal.ITEM_CLOSED)


def test_a_need_is_due_in_two_working_days(world: World) -> None:
    done = _open(
        world, CareItemKind.NEED, "想加一个床头柜", datetime(2026, 11, 13, 2, 0, tzinfo=ZoneInfo("UTC"))
    )
    assert isinstance(done, CareDone) and done.item is not None
    assert done.item.due_at == end_of(date(2026, 11, 17))
    assert isinstance(_close(world, CareItemKind.NEED, done.item.id), CareDone)


@pytest.mark.parametrize("note", [None, "", "   "])
def test_a_problem_needs_its_note(world: World, note: str | None) -> None:
    assert _open(world, CareItemKind.PROBLEM, note) == Refused(Refusal.NOTE_REQUIRED)
    assert world.db.state.items == {}


def test_which_item_to_close(world: World) -> None:
    assert _close(world, CareItemKind.PROBLEM, None) == Refused(Refusal.NO_OPEN_ITEM)
    first, second = (_open(world, CareItemKind.PROBLEM, note) for note in ("门把手松", "漆面划痕"))
    need = _open(world, CareItemKind.NEED, "换颜色")
    assert isinstance(first, CareDone) and isinstance(second, CareDone) and isinstance(need, CareDone)
    assert first.item and second.item and need.item
    several = _close(world, CareItemKind.PROBLEM, None)
    assert isinstance(several, ItemRefused) and several.refusal is Refusal.WHICH_ITEM
    assert several.open_ids == (first.item.id, second.item.id)
    assert _close(world, CareItemKind.PROBLEM, 99) == Refused(Refusal.NO_SUCH_ITEM)
    assert _close(world, CareItemKind.PROBLEM, need.item.id) == Refused(Refusal.NO_SUCH_ITEM)  # a need
    assert isinstance(_close(world, CareItemKind.PROBLEM, second.item.id), CareDone)
    # One left open: it is the one closed without saying which.
    last = _close(world, CareItemKind.PROBLEM, None)
    assert isinstance(last, CareDone) and last.item is not None and last.item.id == first.item.id


def test_a_problem_opened_during_care_can_be_solved_after_it_ends(world: World) -> None:
    ends = world.db.state.care[world.won].ends_at
    opened = _open(world, CareItemKind.PROBLEM, "柜门变形", ends - timedelta(days=1))
    assert isinstance(opened, CareDone)
    solved = _close(world, CareItemKind.PROBLEM, None, ends + timedelta(days=1))
    assert isinstance(solved, CareDone) and solved.dues == ()
