"""RULES §4 use cases on a real database: follow-ups, takeover, extension, review, arbitration."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from domain.filing import Accepted, FilingRequest, Reason, Rejected, file_registration
from domain.model import Closure, FollowUpKind, ReviewState, Role, State
from domain.registrations import (
    Arbitration,
    Done,
    Refusal,
    Refused,
    arbitrate,
    decide_extension,
    decide_review,
    record_follow_up,
    request_extension,
)
from domain.roster import enrol
from domain.rules import Rules
from storage.tables import ActionAttemptRow, RegistrationEventRow
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster

RULES = Rules()
ADDRESS = "北京市朝阳区建国路88号3栋1201"
DAY = timedelta(days=1)


def file(roster: Roster, tid: int, at=T0, phone="13800138000", rules=RULES):
    return file_registration(roster.writer, FilingRequest(tid, "张三", phone, ADDRESS), at, rules)


def follow(roster: Roster, tid: int, reg_id: int, kind=FollowUpKind.CALL, at=T0, amount=None, note="打了电话"):
    return record_follow_up(
        roster.writer, actor_telegram_id=tid, registration_id=reg_id, kind=kind, note=note, amount=amount,
        next_contact_at=None, now=at, rules=RULES,
    )


def reg(roster: Roster, reg_id: int):
    with SqlUnitOfWork(roster.engine) as uow:
        return uow.registration(reg_id)


def events(roster: Roster, reg_id: int) -> list[str]:
    with roster.engine.connect() as conn:
        return list(conn.execute(sa.select(RegistrationEventRow.kind).where(RegistrationEventRow.registration_id == reg_id).order_by(RegistrationEventRow.id)).scalars())


def refused_actions(roster: Roster) -> list[tuple[str, str]]:
    with roster.engine.connect() as conn:
        return [(a, r) for a, r in conn.execute(sa.select(ActionAttemptRow.action, ActionAttemptRow.reason).order_by(ActionAttemptRow.id))]


def test_follow_up_resets_the_clock_and_is_logged(roster: Roster) -> None:
    first = file(roster, 101)
    done = follow(roster, 101, first.registration_id, at=T0 + 2 * DAY)
    assert isinstance(done, Done) and done.standing.state is State.ACTIVE
    assert done.standing.deadline.at == T0 + 5 * DAY
    assert events(roster, first.registration_id) == ["filed", "follow_up"]


def test_only_the_holder_may_record_and_refusals_are_logged(roster: Roster) -> None:
    first = file(roster, 101)
    refused = follow(roster, 102, first.registration_id)
    assert refused == Refused(Refusal.NOT_HOLDER)
    assert follow(roster, 555, first.registration_id) == Refused(Refusal.NOT_STAFF)
    assert follow(roster, 101, 9999) == Refused(Refusal.NOT_FOUND)
    assert refused_actions(roster) == [("follow_up:call", "not_holder"), ("follow_up:call", "not_staff"), ("follow_up:call", "not_found")]
    assert events(roster, first.registration_id) == ["filed"]


def test_deal_needs_an_amount_frees_quota_and_blocks_refiling(roster: Roster) -> None:
    first = file(roster, 201)
    assert follow(roster, 201, first.registration_id, FollowUpKind.DEAL) == Refused(Refusal.AMOUNT_REQUIRED)
    assert follow(roster, 201, first.registration_id, FollowUpKind.DEAL, amount=Decimal("-5")) == Refused(Refusal.BAD_AMOUNT)
    assert follow(roster, 201, first.registration_id, FollowUpKind.CALL, amount=Decimal("5")) == Refused(Refusal.BAD_AMOUNT)
    done = follow(roster, 201, first.registration_id, FollowUpKind.DEAL, amount=Decimal("12800.00"), at=T0 + DAY)
    assert isinstance(done, Done) and done.standing.state is State.WON
    won = reg(roster, first.registration_id)
    assert won.credited_to_id == roster.sales.id and won.deal_amount == Decimal("12800.00")
    with SqlUnitOfWork(roster.engine) as uow:
        from domain.filing import month_bounds

        assert uow.quota_used(roster.sales.id, *month_bounds(T0, RULES)) == 0
    assert file(roster, 202, at=T0 + 2 * DAY).reason is Reason.ALREADY_SOLD
    assert follow(roster, 201, first.registration_id, at=T0 + 2 * DAY) == Refused(Refusal.CLOSED, State.WON)


def test_measurement_stops_field_expiry(roster: Roster) -> None:
    first = file(roster, 201)
    follow(roster, 201, first.registration_id, FollowUpKind.MEASUREMENT, at=T0 + 5 * DAY)
    follow(roster, 201, first.registration_id, FollowUpKind.CALL, at=T0 + 14 * DAY)
    assert isinstance(file(roster, 202, at=T0 + 16 * DAY), Rejected)


def test_lapse_takeover_challenger_deposit_wins(roster: Roster) -> None:
    original = file(roster, 101)
    challenge = file(roster, 102, at=T0 + 10 * DAY)
    assert isinstance(challenge, Accepted) and challenge.challenge_of is not None
    assert challenge.challenge_of.id == original.registration_id
    # A third colleague cannot pile on while the challenge is open.
    third = file(roster, 201, at=T0 + 10 * DAY + timedelta(hours=1))
    assert isinstance(third, Rejected) and third.reason is Reason.DUPLICATE
    done = follow(roster, 102, challenge.registration_id, FollowUpKind.DEPOSIT, amount=Decimal("2000"), at=T0 + 11 * DAY)
    assert isinstance(done, Done) and done.standing.state is State.DEPOSIT
    assert [(n.to.telegram_id, n.what) for n in done.notices] == [(101, "taken_over")]
    old, new = reg(roster, original.registration_id), reg(roster, challenge.registration_id)
    assert (old.closure, old.closure_reason, old.holds_claim) == (Closure.VOID, "lapsed_takeover", False)
    assert new.holds_claim and new.credited_to_id == roster.guide2.id
    assert events(roster, original.registration_id) == ["filed", "challenged", "taken_over"]
    assert follow(roster, 101, original.registration_id, at=T0 + 12 * DAY) == Refused(Refusal.CLOSED, State.VOID)


def test_lapse_takeover_holder_resumes_first(roster: Roster) -> None:
    original = file(roster, 201)  # field
    challenge = file(roster, 202, at=T0 + 10 * DAY)
    assert isinstance(challenge, Accepted) and challenge.challenge_of is not None
    done = follow(roster, 201, original.registration_id, at=T0 + 11 * DAY)
    assert isinstance(done, Done) and done.standing.state is State.ACTIVE
    assert [(n.to.telegram_id, n.what) for n in done.notices] == [(202, "challenge_dropped")]
    dropped = reg(roster, challenge.registration_id)
    assert (dropped.closure, dropped.closure_reason, dropped.quota_exempt) == (Closure.VOID, "holder_resumed", True)
    with SqlUnitOfWork(roster.engine) as uow:
        from domain.filing import month_bounds

        assert uow.quota_used(roster.sales2.id, *month_bounds(T0, RULES)) == 0  # not their fault
    assert follow(roster, 202, challenge.registration_id, FollowUpKind.DEPOSIT, at=T0 + 12 * DAY) == Refused(Refusal.CLOSED, State.VOID)


def test_extension_approved_and_declined(roster: Roster) -> None:
    with roster.writer() as uow:
        enrol(uow, telegram_id=400, name="部门经理", roles=frozenset({Role.DEPT_HEAD}), team_name=None, region=None, now=T0)
    first = file(roster, 201)
    assert request_extension(roster.writer, actor_telegram_id=201, registration_id=first.registration_id, reason="", now=T0, rules=RULES) == Refused(Refusal.REASON_REQUIRED)
    asked = request_extension(roster.writer, actor_telegram_id=201, registration_id=first.registration_id, reason="客户出差，下周量尺", now=T0 + 14 * DAY, rules=RULES)
    assert isinstance(asked, Done) and [n.to.telegram_id for n in asked.notices] == [400]
    again = request_extension(roster.writer, actor_telegram_id=201, registration_id=first.registration_id, reason="再问一次", now=T0 + 14 * DAY, rules=RULES)
    assert again == Refused(Refusal.EXTENSION_PENDING)
    request_id = asked.detail["request_id"]
    assert decide_extension(roster.writer, actor_telegram_id=201, request_id=request_id, approve=True, now=T0 + 16 * DAY, rules=RULES) == Refused(Refusal.NOT_ENTITLED)
    approved = decide_extension(roster.writer, actor_telegram_id=400, request_id=request_id, approve=True, now=T0 + 16 * DAY, rules=RULES)
    assert isinstance(approved, Done) and approved.standing.state is State.LAPSED
    assert reg(roster, first.registration_id).expires_at == T0 + 23 * DAY  # the later of expiry and now, + 7
    assert decide_extension(roster.writer, actor_telegram_id=400, request_id=request_id, approve=False, now=T0 + 16 * DAY, rules=RULES) == Refused(Refusal.ALREADY_DECIDED)


def test_no_extension_once_a_colleague_filed_the_expired_customer(roster: Roster) -> None:
    first = file(roster, 201)
    assert isinstance(file(roster, 202, at=T0 + 15 * DAY), Accepted)
    refused = request_extension(roster.writer, actor_telegram_id=201, registration_id=first.registration_id, reason="客户出差", now=T0 + 15 * DAY, rules=RULES)
    assert refused == Refused(Refusal.TAKEN)


def test_refile_cooldown_after_own_expiry(roster: Roster) -> None:
    file(roster, 201)
    cooled = file(roster, 201, at=T0 + 15 * DAY + 6 * DAY)
    assert isinstance(cooled, Rejected) and cooled.reason is Reason.REFILE_COOLDOWN
    assert isinstance(file(roster, 201, at=T0 + 22 * DAY), Accepted)


def test_manager_review_when_required(roster: Roster) -> None:
    rules = Rules(review_required=True)
    pending = file(roster, 101, rules=rules)
    assert isinstance(pending, Accepted) and pending.pending_review
    assert reg(roster, pending.registration_id).review is ReviewState.PENDING
    assert isinstance(file(roster, 102, rules=rules), Rejected)  # it already holds its place
    assert decide_review(roster.writer, actor_telegram_id=302, registration_id=pending.registration_id, approve=True, reason=None, now=T0, rules=rules) == Refused(Refusal.NOT_ENTITLED)  # another team's supervisor
    assert decide_review(roster.writer, actor_telegram_id=301, registration_id=pending.registration_id, approve=False, reason="", now=T0, rules=rules) == Refused(Refusal.REASON_REQUIRED)
    rejected = decide_review(roster.writer, actor_telegram_id=301, registration_id=pending.registration_id, approve=False, reason="资料不实", now=T0, rules=rules)
    assert isinstance(rejected, Done) and rejected.standing.state is State.VOID
    assert [(n.to.telegram_id, n.what) for n in rejected.notices] == [(101, "review_rejected")]
    assert isinstance(file(roster, 102, at=T0 + DAY, rules=rules), Accepted)


def test_arbitration_moves_a_registration_and_a_credit_with_a_reason(roster: Roster) -> None:
    with roster.writer() as uow:
        enrol(uow, telegram_id=400, name="部门经理", roles=frozenset({Role.DEPT_HEAD}), team_name=None, region=None, now=T0)
    first = file(roster, 101)
    kwargs = dict(registration_id=first.registration_id, now=T0 + DAY, rules=RULES)
    assert arbitrate(roster.writer, actor_telegram_id=301, decision=Arbitration.TRANSFER, to_telegram_id=102, reason="x理由", **kwargs) == Refused(Refusal.NOT_ENTITLED)
    assert arbitrate(roster.writer, actor_telegram_id=400, decision=Arbitration.TRANSFER, to_telegram_id=102, reason=" ", **kwargs) == Refused(Refusal.REASON_REQUIRED)
    assert arbitrate(roster.writer, actor_telegram_id=400, decision=Arbitration.CREDIT, to_telegram_id=102, reason="先到店", **kwargs) == Refused(Refusal.NO_CREDIT)
    assert arbitrate(roster.writer, actor_telegram_id=400, decision=Arbitration.TRANSFER, to_telegram_id=301, reason="先到店", **kwargs) == Refused(Refusal.BAD_TARGET)
    moved = arbitrate(roster.writer, actor_telegram_id=400, decision=Arbitration.TRANSFER, to_telegram_id=102, reason="客户先在刘洋处看样", **kwargs)
    assert isinstance(moved, Done) and moved.registration.holder_id == roster.guide2.id
    assert sorted(n.what for n in moved.notices) == ["arbitrated_transfer_from", "arbitrated_transfer_to"]
    assert follow(roster, 101, first.registration_id, at=T0 + 2 * DAY) == Refused(Refusal.NOT_HOLDER)
    follow(roster, 102, first.registration_id, FollowUpKind.DEAL, amount=Decimal("5000"), at=T0 + 2 * DAY)
    credit = arbitrate(roster.writer, actor_telegram_id=400, decision=Arbitration.CREDIT, to_telegram_id=101, reason="共同跟进，业绩归王芳", **kwargs)
    assert isinstance(credit, Done) and reg(roster, first.registration_id).credited_to_id == roster.guide.id
    assert events(roster, first.registration_id) == ["filed", "transferred", "follow_up", "credit_moved"]
