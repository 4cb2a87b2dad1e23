"""Whose after-sale customers /aftersale lists, on SQLite and PostgreSQL (domain.aftersale_customers,
storage's cared_for): the holder's won registrations in care, the team's for customer service,
ordered by what is due first; care ended drops out unless a problem or need is still open."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.aftersale import CareItemKind, DueKind
from domain.aftersale_care import CareDone, open_care_item, record_aftersale_contact
from domain.aftersale_customers import aftersale_customers, one_cared
from domain.filing import Accepted, FilingRequest, file_registration
from domain.model import FollowUpKind, Role, Staff
from domain.registrations import Refusal, Refused, record_follow_up
from domain.roster import enrol
from domain.rules import Rules
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster

RULES = Rules()
DAY = timedelta(days=1)


def file(roster: Roster, tid: int, phone: str, name: str) -> int:
    address = f"北京市朝阳区建国路{phone[-2:]}号3栋1201"
    filed = file_registration(roster.writer, FilingRequest(tid, name, phone, address), T0, RULES)
    assert isinstance(filed, Accepted)
    return filed.registration_id


def won(roster: Roster, tid: int, phone: str, name: str, at) -> int:
    reg = file(roster, tid, phone, name)
    deal = record_follow_up(
        roster.writer,
        actor_telegram_id=tid,
        registration_id=reg,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("9800"),
        next_contact_at=None,
        now=at,
        rules=RULES,
    )
    assert not isinstance(deal, Refused)
    return reg


def service(roster: Roster, tid: int, team: str) -> Staff:
    with SqlUnitOfWork(roster.engine, write=True) as uow:
        return enrol(
            uow,
            telegram_id=tid,
            name="客服",
            roles=frozenset({Role.SERVICE}),
            team_name=team,
            region=None,
            now=T0,
        )


def listed(roster: Roster, staff: Staff, now) -> list[tuple[str, DueKind | None, bool]]:
    with SqlUnitOfWork(roster.engine) as uow:
        return [
            (
                c.registration.customer_name,
                c.next_due.kind if c.next_due else None,
                bool(c.next_due and c.next_due.overdue),
            )
            for c in aftersale_customers(uow, staff, now)
        ]


def test_the_holder_and_the_teams_service_see_the_teams_won_customers_most_pressing_first(
    roster: Roster,
) -> None:
    early = won(roster, 101, "13800138000", "张三", T0 + DAY)
    won(roster, 102, "13900139000", "李四", T0 + 3 * DAY)  # 刘洋, same store
    won(roster, 201, "13700137000", "王五", T0 + DAY)  # 李强, a field team
    file(roster, 101, "13600136000", "赵六")  # open
    now = T0 + 8 * DAY
    done = record_aftersale_contact(
        roster.writer, actor_telegram_id=101, registration_id=early, note=None, now=now - DAY, rules=RULES
    )
    assert isinstance(done, CareDone)
    helper, elsewhere = service(roster, 401, "朝阳店"), service(roster, 402, "业务二部")
    assert listed(roster, roster.guide, now) == [("张三", DueKind.CONTACT, False)]
    assert listed(roster, helper, now) == [
        ("李四", DueKind.FIRST_CONTACT, False),
        ("张三", DueKind.CONTACT, False),
    ]
    assert listed(roster, elsewhere, now) == []
    assert listed(roster, roster.guide, T0 + 40 * DAY) == [("张三", DueKind.CONTACT, True)]


def test_care_ended_drops_out_unless_something_is_still_open(roster: Roster) -> None:
    quiet = won(roster, 101, "13800138000", "张三", T0 + DAY)
    owing = won(roster, 101, "13900139000", "李四", T0 + DAY)
    opened = open_care_item(
        roster.writer,
        actor_telegram_id=101,
        registration_id=owing,
        kind=CareItemKind.PROBLEM,
        note="柜门变形",
        now=T0 + 2 * DAY,
        rules=RULES,
    )
    assert isinstance(opened, CareDone)
    later = T0 + 400 * DAY
    assert listed(roster, roster.guide, later) == [("李四", DueKind.PROBLEM, True)]
    with SqlUnitOfWork(roster.engine) as uow:
        ended = one_cared(uow, roster.guide, quiet, later, RULES)
        assert isinstance(ended, Refused) and ended.refusal is Refusal.CARE_ENDED
        assert not isinstance(one_cared(uow, roster.guide, owing, later, RULES), Refused)
        other = one_cared(uow, roster.guide2, owing, T0 + 3 * DAY, RULES)
        assert isinstance(other, Refused) and other.refusal is Refusal.NOT_CARER
