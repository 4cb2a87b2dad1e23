"""RULES §4 use cases on a real database: follow-ups, takeover, extension, review, arbitration."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from domain.decisions import Arbitration, arbitrate, decide_extension, decide_review, request_extension
from domain.filing import Accepted, FilingRequest, Reason, Rejected, file_registration, month_bounds
from domain.model import Closure, FollowUpKind, ReviewState, Role, State
from domain.registrations import Done, Refusal, Refused, record_follow_up
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


def follow(
    roster: Roster,
    tid: int,
    reg_id: int,
    kind=FollowUpKind.CALL,
    at=T0,
    amount=None,
    note="打了电话",
    rules=RULES,
):
    return record_follow_up(
        roster.writer,
        actor_telegram_id=tid,
        registration_id=reg_id,
        kind=kind,
        note=note,
        amount=amount,
        next_contact_at=None,
        now=at,
        rules=rules,
    )


def reg(roster: Roster, reg_id: int):
    with SqlUnitOfWork(roster.engine) as uow:
        return uow.registrations.registration(reg_id)


def events(roster: Roster, reg_id: int) -> list[str]:
    with roster.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(RegistrationEventRow.kind)
                .where(RegistrationEventRow.registration_id == reg_id)
                .order_by(RegistrationEventRow.id)
            ).scalars()
        )


def refused_actions(roster: Roster) -> list[tuple[str, str]]:
    with roster.engine.connect() as conn:
        return [
            (a, r)
            for a, r in conn.execute(
                sa.select(ActionAttemptRow.action, ActionAttemptRow.reason).order_by(ActionAttemptRow.id)
            )
        ]


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
    assert refused_actions(roster) == [
        ("follow_up:call", "not_holder"),
        ("follow_up:call", "not_staff"),
        ("follow_up:call", "not_found"),
    ]
    assert events(roster, first.registration_id) == ["filed"]


def test_deal_needs_an_amount_frees_quota_and_blocks_refiling(roster: Roster) -> None:
    first = file(roster, 201)
    assert follow(roster, 201, first.registration_id, FollowUpKind.DEAL) == Refused(Refusal.AMOUNT_REQUIRED)
    assert follow(roster, 201, first.registration_id, FollowUpKind.DEAL, amount=Decimal("-5")) == Refused(
        Refusal.BAD_AMOUNT
    )
    assert follow(roster, 201, first.registration_id, FollowUpKind.CALL, amount=Decimal("5")) == Refused(
        Refusal.BAD_AMOUNT
    )
    too_large = Decimal("10000000.01")
    assert follow(roster, 201, first.registration_id, FollowUpKind.DEAL, amount=too_large) == Refused(
        Refusal.AMOUNT_TOO_LARGE
    )
    done = follow(
        roster, 201, first.registration_id, FollowUpKind.DEAL, amount=Decimal("12800.00"), at=T0 + DAY
    )
    assert isinstance(done, Done) and done.standing.state is State.WON
    won = reg(roster, first.registration_id)
    assert won.credited_to_id == roster.sales.id and won.deal_amount == Decimal("12800.00")
    with SqlUnitOfWork(roster.engine) as uow:
        from domain.filing import month_bounds

        assert uow.registrations.quota_used(roster.sales.id, *month_bounds(T0, RULES)) == 0
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
    done = follow(
        roster, 102, challenge.registration_id, FollowUpKind.DEPOSIT, amount=Decimal("2000"), at=T0 + 11 * DAY
    )
    assert isinstance(done, Done) and done.standing.state is State.DEPOSIT
    assert [(n.to.telegram_id, n.kind) for n in done.notices] == [(101, "taken_over")]
    old, new = reg(roster, original.registration_id), reg(roster, challenge.registration_id)
    assert (old.closure, old.closure_reason, old.holds_claim) == (Closure.VOID, "lapsed_takeover", False)
    assert new.holds_claim and new.credited_to_id == roster.guide2.id
    assert events(roster, original.registration_id) == ["filed", "challenged", "taken_over"]
    assert follow(roster, 101, original.registration_id, at=T0 + 12 * DAY) == Refused(
        Refusal.CLOSED, State.VOID
    )


def test_lapse_takeover_holder_resumes_first(roster: Roster) -> None:
    original = file(roster, 201)  # field
    challenge = file(roster, 202, at=T0 + 10 * DAY)
    assert isinstance(challenge, Accepted) and challenge.challenge_of is not None
    done = follow(roster, 201, original.registration_id, at=T0 + 11 * DAY)
    assert isinstance(done, Done) and done.standing.state is State.ACTIVE
    assert [(n.to.telegram_id, n.kind) for n in done.notices] == [(202, "challenge_dropped")]
    dropped = reg(roster, challenge.registration_id)
    assert (dropped.closure, dropped.closure_reason, dropped.quota_exempt) == (
        Closure.VOID,
        "holder_resumed",
        True,
    )
    with SqlUnitOfWork(roster.engine) as uow:
        from domain.filing import month_bounds

        assert (
            uow.registrations.quota_used(roster.sales2.id, *month_bounds(T0, RULES)) == 0
        )  # not their fault
    assert follow(roster, 202, challenge.registration_id, FollowUpKind.DEPOSIT, at=T0 + 12 * DAY) == Refused(
        Refusal.CLOSED, State.VOID
    )


def test_extension_approved_and_declined(roster: Roster) -> None:
    with roster.writer() as uow:
        enrol(
            uow,
            telegram_id=400,
            name="部门经理",
            roles=frozenset({Role.DEPT_HEAD}),
            team_name=None,
            region=None,
            now=T0,
        )
    first = file(roster, 201)
    assert request_extension(
        roster.writer,
        actor_telegram_id=201,
        registration_id=first.registration_id,
        reason="",
        now=T0,
        rules=RULES,
    ) == Refused(Refusal.REASON_REQUIRED)
    asked = request_extension(
        roster.writer,
        actor_telegram_id=201,
        registration_id=first.registration_id,
        reason="客户出差，下周量尺",
        now=T0 + 14 * DAY,
        rules=RULES,
    )
    assert isinstance(asked, Done) and [n.to.telegram_id for n in asked.notices] == [400]
    again = request_extension(
        roster.writer,
        actor_telegram_id=201,
        registration_id=first.registration_id,
        reason="再问一次",
        now=T0 + 14 * DAY,
        rules=RULES,
    )
    assert again == Refused(Refusal.EXTENSION_PENDING)
    request_id = asked.detail["request_id"]
    assert decide_extension(
        roster.writer,
        actor_telegram_id=201,
        request_id=request_id,
        approve=True,
        now=T0 + 16 * DAY,
        rules=RULES,
    ) == Refused(Refusal.NOT_ENTITLED)
    approved = decide_extension(
        roster.writer,
        actor_telegram_id=400,
        request_id=request_id,
        approve=True,
        now=T0 + 16 * DAY,
        rules=RULES,
    )
    assert isinstance(approved, Done) and approved.standing.state is State.LAPSED
    assert reg(roster, first.registration_id).expires_at == T0 + 23 * DAY  # the later of expiry and now, + 7
    assert decide_extension(
        roster.writer,
        actor_telegram_id=400,
        request_id=request_id,
        approve=False,
        now=T0 + 16 * DAY,
        rules=RULES,
    ) == Refused(Refusal.ALREADY_DECIDED)


def test_no_extension_once_a_colleague_filed_the_expired_customer(roster: Roster) -> None:
    first = file(roster, 201)
    assert isinstance(file(roster, 202, at=T0 + 15 * DAY), Accepted)
    refused = request_extension(
        roster.writer,
        actor_telegram_id=201,
        registration_id=first.registration_id,
        reason="客户出差",
        now=T0 + 15 * DAY,
        rules=RULES,
    )
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
    assert decide_review(
        roster.writer,
        actor_telegram_id=302,
        registration_id=pending.registration_id,
        approve=True,
        reason=None,
        now=T0,
        rules=rules,
    ) == Refused(Refusal.NOT_ENTITLED)  # another team's supervisor
    assert decide_review(
        roster.writer,
        actor_telegram_id=301,
        registration_id=pending.registration_id,
        approve=False,
        reason="",
        now=T0,
        rules=rules,
    ) == Refused(Refusal.REASON_REQUIRED)
    rejected = decide_review(
        roster.writer,
        actor_telegram_id=301,
        registration_id=pending.registration_id,
        approve=False,
        reason="资料不实",
        now=T0,
        rules=rules,
    )
    assert isinstance(rejected, Done) and rejected.standing.state is State.VOID
    assert [(n.to.telegram_id, n.kind) for n in rejected.notices] == [(101, "review_rejected")]
    assert isinstance(file(roster, 102, at=T0 + DAY, rules=rules), Accepted)


def test_arbitration_moves_a_registration_and_a_credit_with_a_reason(roster: Roster) -> None:
    with roster.writer() as uow:
        enrol(
            uow,
            telegram_id=400,
            name="部门经理",
            roles=frozenset({Role.DEPT_HEAD}),
            team_name=None,
            region=None,
            now=T0,
        )
    first = file(roster, 101)
    kwargs = dict(registration_id=first.registration_id, now=T0 + DAY, rules=RULES)
    assert arbitrate(
        roster.writer,
        actor_telegram_id=301,
        decision=Arbitration.TRANSFER,
        to_telegram_id=102,
        reason="x理由",
        **kwargs,
    ) == Refused(Refusal.NOT_ENTITLED)
    assert arbitrate(
        roster.writer,
        actor_telegram_id=400,
        decision=Arbitration.TRANSFER,
        to_telegram_id=102,
        reason=" ",
        **kwargs,
    ) == Refused(Refusal.REASON_REQUIRED)
    assert arbitrate(
        roster.writer,
        actor_telegram_id=400,
        decision=Arbitration.CREDIT,
        to_telegram_id=102,
        reason="先到店",
        **kwargs,
    ) == Refused(Refusal.NO_CREDIT)
    assert arbitrate(
        roster.writer,
        actor_telegram_id=400,
        decision=Arbitration.TRANSFER,
        to_telegram_id=301,
        reason="先到店",
        **kwargs,
    ) == Refused(Refusal.BAD_TARGET)
    moved = arbitrate(
        roster.writer,
        actor_telegram_id=400,
        decision=Arbitration.TRANSFER,
        to_telegram_id=102,
        reason="客户先在刘洋处看样",
        **kwargs,
    )
    assert isinstance(moved, Done) and moved.registration.holder_id == roster.guide2.id
    assert sorted(n.kind for n in moved.notices) == ["arbitrated_transfer_from", "arbitrated_transfer_to"]
    assert follow(roster, 101, first.registration_id, at=T0 + 2 * DAY) == Refused(Refusal.NOT_HOLDER)
    follow(roster, 102, first.registration_id, FollowUpKind.DEAL, amount=Decimal("5000"), at=T0 + 2 * DAY)
    credit = arbitrate(
        roster.writer,
        actor_telegram_id=400,
        decision=Arbitration.CREDIT,
        to_telegram_id=101,
        reason="共同跟进，业绩归王芳",
        **kwargs,
    )
    assert isinstance(credit, Done) and reg(roster, first.registration_id).credited_to_id == roster.guide.id
    assert events(roster, first.registration_id) == ["filed", "transferred", "follow_up", "credit_moved"]


# --- issue 10 item 14: review must gate (RULES §3 optional review) ---------------------------------


def pending_reviews(roster: Roster, team_id: int, at, rules: Rules) -> list[int]:
    """The registrations on the team's review list (the daily summary's pending reviews)."""
    with SqlUnitOfWork(roster.engine) as uow:
        report = uow.reports.team_report(team_id, at, rules)
    assert report is not None
    return [line.registration_id for line in report.digest.pending_reviews]


def quota(roster: Roster, at) -> int:
    with SqlUnitOfWork(roster.engine) as uow:
        return uow.registrations.quota_used(roster.sales.id, *month_bounds(at, RULES))


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "rejected"])
def test_a_deposit_and_a_deal_do_not_skip_review(roster: Roster, approve: bool) -> None:
    rules = Rules(review_required=True)
    filed = file(roster, 201, rules=rules)  # 李强, field: the quota is counted too
    assert isinstance(filed, Accepted) and filed.pending_review
    reg_id = filed.registration_id

    deposit = follow(
        roster, 201, reg_id, FollowUpKind.DEPOSIT, at=T0 + DAY, amount=Decimal("2000"), rules=rules
    )
    assert isinstance(deposit, Done)
    assert (deposit.standing.state, deposit.standing.provisional) == (State.PENDING_REVIEW, State.DEPOSIT)
    assert pending_reviews(roster, roster.field.id, T0 + DAY, rules) == [reg_id]

    deal = follow(
        roster, 201, reg_id, FollowUpKind.DEAL, at=T0 + 2 * DAY, amount=Decimal("12800"), rules=rules
    )
    assert isinstance(deal, Done)
    assert (deal.standing.state, deal.standing.provisional) == (State.PENDING_REVIEW, State.WON)
    stored = reg(roster, reg_id)
    assert (stored.closure, stored.holds_claim, stored.review) == (None, True, ReviewState.PENDING)
    assert (stored.deal_amount, stored.credited_to_id) == (Decimal("12800.00"), roster.sales.id)
    assert pending_reviews(roster, roster.field.id, T0 + 2 * DAY, rules) == [reg_id]
    # Decision: a provisional deal does not free its quota slot; approval does.
    assert quota(roster, T0 + 2 * DAY) == 1
    # The deal is done, awaiting approval: nothing more is recorded; nobody else may file the customer.
    assert follow(roster, 201, reg_id, FollowUpKind.LOST, at=T0 + 2 * DAY, rules=rules) == Refused(
        Refusal.CLOSED, State.PENDING_REVIEW
    )
    assert file(roster, 202, at=T0 + 2 * DAY, rules=rules).reason is Reason.DUPLICATE

    decided = decide_review(
        roster.writer,
        actor_telegram_id=302,
        registration_id=reg_id,
        approve=approve,
        reason=None if approve else "资料不实",
        now=T0 + 3 * DAY,
        rules=rules,
    )
    assert isinstance(decided, Done)
    after = reg(roster, reg_id)
    assert pending_reviews(roster, roster.field.id, T0 + 3 * DAY, rules) == []
    if approve:
        assert (decided.standing.state, decided.standing.provisional) == (State.WON, None)
        assert (after.closure, after.holds_claim, after.credited_to_id) == (
            Closure.WON,
            False,
            roster.sales.id,
        )
        assert quota(roster, T0 + 3 * DAY) == 0
        assert file(roster, 202, at=T0 + 3 * DAY, rules=rules).reason is Reason.ALREADY_SOLD
    else:
        assert decided.standing.state is State.VOID
        assert (after.closure, after.closure_reason, after.credited_to_id) == (
            Closure.VOID,
            "review_rejected",
            None,
        )
        assert quota(roster, T0 + 3 * DAY) == 1  # voided ones still count (RULES §3.6)
        # The voided deal is no sale on record: the customer is free.
        assert isinstance(file(roster, 202, at=T0 + 3 * DAY, rules=rules), Accepted)


def test_a_deposit_approved_in_review_becomes_a_deposit(roster: Roster) -> None:
    rules = Rules(review_required=True)
    filed = file(roster, 101, rules=rules)
    follow(
        roster,
        101,
        filed.registration_id,
        FollowUpKind.DEPOSIT,
        at=T0 + DAY,
        amount=Decimal("500"),
        rules=rules,
    )
    approved = decide_review(
        roster.writer,
        actor_telegram_id=301,
        registration_id=filed.registration_id,
        approve=True,
        reason=None,
        now=T0 + 2 * DAY,
        rules=rules,
    )
    assert isinstance(approved, Done) and (approved.standing.state, approved.standing.provisional) == (
        State.DEPOSIT,
        None,
    )
    assert reg(roster, filed.registration_id).credited_to_id == roster.guide.id


# --- issue 10 item 15: only real contact keeps a claim (RULES §4) -----------------------------------


def test_a_note_keeps_no_claim(roster: Roster) -> None:
    first = file(roster, 101)
    reg_id = first.registration_id
    noted = follow(roster, 101, reg_id, FollowUpKind.NOTE, at=T0 + 2 * DAY, note="客户说下周再看")
    assert isinstance(noted, Done) and noted.standing.deadline.at == T0 + 3 * DAY  # unchanged
    assert reg(roster, reg_id).last_follow_up_at is None
    assert events(roster, reg_id) == ["filed", "follow_up"]  # kept in the history
    # Notes every day do not keep it from lapsing: a colleague may challenge on day 10.
    for day in range(3, 10):
        follow(roster, 101, reg_id, FollowUpKind.NOTE, at=T0 + day * DAY)
    challenge = file(roster, 102, at=T0 + 10 * DAY)
    assert isinstance(challenge, Accepted) and challenge.challenge_of is not None
    # A note on the lapsed registration neither restores it nor drops the challenge.
    late_note = follow(roster, 101, reg_id, FollowUpKind.NOTE, at=T0 + 10 * DAY + timedelta(hours=1))
    assert (
        isinstance(late_note, Done) and late_note.standing.state is State.LAPSED and late_note.notices == ()
    )
    assert reg(roster, challenge.registration_id).closure is None
    # A call does both.
    called = follow(roster, 101, reg_id, FollowUpKind.CALL, at=T0 + 10 * DAY + timedelta(hours=2))
    assert isinstance(called, Done) and called.standing.state is State.ACTIVE
    assert called.standing.deadline.at == T0 + 13 * DAY + timedelta(hours=2)
    assert [(n.to.telegram_id, n.kind) for n in called.notices] == [(102, "challenge_dropped")]


# --- issue 10 item 16: the refile cooldown looks at the filer's own last registration ----------------


@pytest.mark.parametrize("colleague_claim", ["lost", "expired", "lapsed"])
def test_refile_cooldown_whoever_holds_the_customer_now(roster: Roster, colleague_claim: str) -> None:
    # A cooldown longer than a colleague's claim can last, so that it can end (or lapse) meanwhile.
    rules = Rules(refile_cooldown_days=30) if colleague_claim != "lost" else RULES
    mine = file(roster, 201, rules=rules)  # 李强, field: expires on day 15
    colleague = 202 if colleague_claim != "lapsed" else 102  # 赵磊 (field) or 刘洋 (store, never expires)
    theirs = file(roster, colleague, at=T0 + 15 * DAY, rules=rules)
    assert isinstance(theirs, Accepted)
    assert reg(roster, mine.registration_id).closure is Closure.EXPIRED
    # While the colleague holds the customer, 李强 is told who holds it.
    assert file(roster, 201, at=T0 + 16 * DAY, rules=rules).reason is Reason.DUPLICATE
    at = {"lost": T0 + 17 * DAY, "expired": T0 + 30 * DAY, "lapsed": T0 + 25 * DAY}[colleague_claim]
    if colleague_claim == "lost":
        follow(roster, colleague, theirs.registration_id, FollowUpKind.LOST, at=T0 + 16 * DAY, rules=rules)

    again = file(roster, 201, at=at, rules=rules)

    assert isinstance(again, Rejected) and again.reason is Reason.REFILE_COOLDOWN
    assert (again.registration_id, again.expired_at) == (mine.registration_id, T0 + 15 * DAY)
    # Someone who never held the customer may file at once (a challenge, when the claim lapsed).
    never_held = file(roster, 101, at=at, rules=rules)
    assert isinstance(never_held, Accepted)
    assert (never_held.challenge_of is not None) is (colleague_claim == "lapsed")
