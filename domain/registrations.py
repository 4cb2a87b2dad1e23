"""Keeping a registration (RULES §4): follow-ups and lapse takeover (decisions on a registration —
extensions, review, arbitration — are in domain.decisions).

Every use case runs in one write transaction that first locks the customer (the same lock filings
take), so a follow-up, a takeover and a colleague's filing of the same customer are serialized.
Nothing is deleted: each change appends an event to the registration's log; each refusal is
appended to the action-attempt log.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from domain.aftersale import begin_care
from domain.customer_details import Invalid, Problem
from domain.free_text import check_note
from domain.lifecycle import CONTACT_KINDS, Standing, standing_at
from domain.model import (
    Closure,
    EventKind,
    FollowUpKind,
    Notice,
    NoticeKind,
    Registration,
    ReviewState,
    Staff,
    State,
    present,
)
from domain.notices import record_notices
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.rules import Rules

MAX_AMOUNT = Decimal("10000000")  # ¥10M: beyond any one furniture order; a typo
CLOSING_KINDS = frozenset({FollowUpKind.DEAL, FollowUpKind.LOST})
CREDIT_KINDS = frozenset({FollowUpKind.DEPOSIT, FollowUpKind.DEAL})


class Refusal(StrEnum):
    NOT_STAFF = "not_staff"
    NOT_FOUND = "not_found"
    NOT_HOLDER = "not_holder"
    CLOSED = "closed"  # expired, void, won or lost meanwhile
    BAD_AMOUNT = "bad_amount"
    AMOUNT_TOO_LARGE = "amount_too_large"  # above MAX_AMOUNT: a typo, said with the maximum
    AMOUNT_REQUIRED = "amount_required"
    NOTE_TOO_LONG = "note_too_long"
    NOT_FIELD = "not_field"
    EXTENSION_PENDING = "extension_pending"
    TAKEN = "taken"  # someone else holds the customer now
    NOT_ENTITLED = "not_entitled"
    ALREADY_DECIDED = "already_decided"
    REASON_REQUIRED = "reason_required"
    NO_CREDIT = "no_credit"
    BAD_TARGET = "bad_target"
    NOT_PENDING = "not_pending"
    # After-sale care (domain.aftersale_care)
    NOT_CARER = "not_carer"  # neither the holder nor customer service of the registration's team
    NOT_WON = "not_won"
    CARE_ENDED = "care_ended"
    NOTE_REQUIRED = "note_required"
    BAD_SCORE = "bad_score"
    ALREADY_RATED = "already_rated"
    NO_OPEN_ITEM = "no_open_item"  # no open problem (need) to close
    NO_SUCH_ITEM = "no_such_item"  # not a problem (need) of this registration
    ITEM_CLOSED = "item_closed"  # solved (met) already
    WHICH_ITEM = "which_item"  # several are open: say which
    # Repeat purchase (domain.resale)
    RESALE_NOT_ENTITLED = "resale_not_entitled"  # neither the holder nor, the holder gone, their manager
    RESALE_WINDOW_OVER = "resale_window_over"  # the deal is older than resale_window_days
    CUSTOMER_OPEN = "customer_open"  # a registration of the customer holds it already
    HOLDER_NEEDED = "holder_needed"  # the holder left: the manager names the colleague
    BAD_HOLDER = "bad_holder"  # not an active guide / salesperson of the team (or the holder is still here)
    QUOTA_FULL = "quota_full"  # the new holder's monthly quota is used up


@dataclass(frozen=True)
class Refused:
    refusal: Refusal
    state: State | None = None


@dataclass(frozen=True)
class Done:
    registration: Registration
    standing: Standing
    notices: tuple[Notice, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


Outcome = Done | Refused


def parse_amount(raw: str | None) -> Decimal | None | Refusal:
    """A deposit or deal amount in yuan: '1200', '1,200.50', '¥3000'. At most two decimals, and at
    most MAX_AMOUNT (AMOUNT_TOO_LARGE, told apart so the reply can name the maximum)."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip().replace(",", "").replace("，", "").lstrip("¥￥").removesuffix("元").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return Refusal.BAD_AMOUNT
    if not amount.is_finite() or amount <= 0:
        return Refusal.BAD_AMOUNT
    if amount > MAX_AMOUNT:
        return Refusal.AMOUNT_TOO_LARGE
    if amount != amount.quantize(Decimal("0.01")):
        return Refusal.BAD_AMOUNT
    return amount.quantize(Decimal("0.01"))


def refuse(
    uow: UnitOfWork,
    tid: int,
    action: str,
    reg_id: int | None,
    refusal: Refusal,
    now: datetime,
    state: State | None = None,
) -> Refused:
    uow.attempts.log_action(
        at=now,
        telegram_id=tid,
        action=action,
        registration_id=reg_id,
        outcome="refused",
        reason=refusal.value,
    )
    uow.commit()
    return Refused(refusal, state)


def reason_refusal(problem: Invalid) -> Refusal:
    """domain.free_text's verdict on a reason, as the use cases' refusal."""
    return Refusal.REASON_REQUIRED if problem.problem is Problem.REASON_TOO_SHORT else Refusal.NOTE_TOO_LONG


def locked(uow: UnitOfWork, registration_id: int, now: datetime) -> Registration | None:
    """The registration, read after taking its customer's lock (so nothing changes under us)."""
    registration = uow.registrations.registration(registration_id)
    if registration is None:
        return None
    uow.registrations.lock_customer(registration.phone, now)
    return uow.registrations.registration(registration_id)


def holders_own(
    uow: UnitOfWork, actor_telegram_id: int, action: str, registration_id: int, now: datetime
) -> tuple[Staff, Registration] | Refused:
    """The acting staff member and their registration, locked; or the logged refusal."""
    actor = uow.roster.staff_by_telegram_id(actor_telegram_id)
    if actor is None or not actor.active:
        return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_STAFF, now)
    registration = locked(uow, registration_id, now)
    if registration is None:
        return refuse(uow, actor_telegram_id, action, None, Refusal.NOT_FOUND, now)
    if registration.holder_id != actor.id:
        return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_HOLDER, now)
    return actor, registration


def record_follow_up(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    kind: FollowUpKind,
    note: str | None,
    amount: Decimal | None,
    next_contact_at: datetime | None,
    now: datetime,
    rules: Rules,
) -> Outcome:
    """A follow-up by the valid holder (or the challenger of a lapsed registration)."""
    action = f"follow_up:{kind.value}"
    with unit_of_work() as uow:
        found = holders_own(uow, actor_telegram_id, action, registration_id, now)
        if isinstance(found, Refused):
            return found
        actor, registration = found
        standing = standing_at(registration, now, rules)
        if not standing.may_follow_up:
            return refuse(
                uow, actor_telegram_id, action, registration_id, Refusal.CLOSED, now, standing.state
            )
        checked_note = check_note(note, rules)
        if isinstance(checked_note, Invalid):
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOTE_TOO_LONG, now)
        if kind is FollowUpKind.DEAL and amount is None:
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.AMOUNT_REQUIRED, now)
        if amount is not None and (kind not in CREDIT_KINDS or amount <= 0):
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.BAD_AMOUNT, now)
        if amount is not None and amount > MAX_AMOUNT:
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.AMOUNT_TOO_LARGE, now)

        notices: list[Notice] = []
        if standing.challenging and kind in CREDIT_KINDS:
            registration, taken = _take_over(uow, registration, actor, now)
            notices.append(taken)
        elif standing.state is State.LAPSED and not standing.challenging and kind in CONTACT_KINDS:
            notices += _drop_challenges(uow, registration, actor, now)

        updated = _apply(registration, kind, amount, actor, now)
        uow.registrations.save_registration(updated)
        if updated.closure is Closure.WON:
            begin_care(uow, updated, rules)  # RULES §7: after-sale care starts with the deal
        uow.registrations.add_event(
            registration.id,
            now,
            actor.id,
            EventKind.FOLLOW_UP,
            follow_up_kind=kind.value,
            note=checked_note,
            amount=amount,
            next_contact_at=next_contact_at,
        )
        record_notices(uow, notices, now)
        uow.commit()
        return Done(updated, standing_at(updated, now, rules), tuple(notices))


def _apply(
    registration: Registration, kind: FollowUpKind, amount: Decimal | None, actor: Staff, now: datetime
) -> Registration:
    """What one follow-up changes; a real contact resets the 3- and 10-day clocks, a note does not."""
    changes: dict[str, Any] = {"last_follow_up_at": now} if kind in CONTACT_KINDS else {}
    pending = registration.review is ReviewState.PENDING
    if kind is FollowUpKind.MEASUREMENT and registration.measured_at is None:
        changes["measured_at"] = now
    if kind in CREDIT_KINDS:
        # RULES §4: the credit belongs to the valid holder at the time of the deposit/deal.
        changes["credited_to_id"] = actor.id
    if kind is FollowUpKind.DEPOSIT:
        changes["deposit_at"] = registration.deposit_at or now
        changes["deposit_amount"] = amount if amount is not None else registration.deposit_amount
    if kind is FollowUpKind.DEAL:
        changes.update(deal_at=now, deal_amount=amount, deposit_at=registration.deposit_at or now)
    if kind is FollowUpKind.DEAL and pending:
        # RULES §3: review cannot be skipped. The deal is recorded, its credit provisional; the
        # registration stays open on the review list, and the approval closes it as won.
        return replace(registration, **changes)
    if kind in CLOSING_KINDS:
        closure = Closure.WON if kind is FollowUpKind.DEAL else Closure.LOST
        changes.update(closure=closure, closed_at=now, closure_reason=kind.value, holds_claim=False)
    if kind is FollowUpKind.LOST and pending:
        changes["credited_to_id"] = None  # a provisional deposit's credit, never approved, ends with it
    return replace(registration, **changes)


def _take_over(
    uow: UnitOfWork, challenge: Registration, actor: Staff, now: datetime
) -> tuple[Registration, Notice]:
    """RULES §4: the challenger's deposit or deal before the holder resumed voids the original."""
    original_id = present(challenge.challenge_of_id, f"the registration challenge {challenge.id} challenges")
    original = present(uow.registrations.registration(original_id), f"registration {original_id}")
    voided = replace(
        original, closure=Closure.VOID, closed_at=now, closure_reason="lapsed_takeover", holds_claim=False
    )
    uow.registrations.save_registration(voided)
    uow.registrations.add_event(
        original.id, now, actor.id, EventKind.TAKEN_OVER, reason="lapsed_takeover", other_staff_id=actor.id
    )
    uow.registrations.add_event(
        challenge.id, now, actor.id, EventKind.TOOK_OVER, other_staff_id=original.holder_id
    )
    holder = uow.roster.staff_by_id(original.holder_id)
    if holder is None:
        raise LookupError(f"the holder of registration {original.id} is not on the roster")
    return replace(challenge, holds_claim=True), Notice(holder, NoticeKind.TAKEN_OVER, voided, actor)


def void_open_challenges(
    uow: UnitOfWork, original: Registration, actor_id: int | None, now: datetime
) -> None:
    """A challenge lives only while the registration it challenges is lapsed: when that one is
    released (expired) or voided, the customer is free, and the challenge ends with it. The
    challenger may file the customer anew at once."""
    for challenge in uow.registrations.open_challenges_of(original.id):
        ended = replace(
            challenge,
            closure=Closure.VOID,
            closed_at=now,
            closure_reason="original_released",
            quota_exempt=True,
        )
        uow.registrations.save_registration(ended)
        uow.registrations.add_event(
            challenge.id, now, actor_id, EventKind.CHALLENGE_DROPPED, reason="original_released"
        )


def _drop_challenges(
    uow: UnitOfWork, registration: Registration, holder: Staff, now: datetime
) -> list[Notice]:
    """RULES §4: the holder followed up first, so open challenges are dropped (holder_resumed)."""
    notices = []
    for challenge in uow.registrations.open_challenges_of(registration.id):
        dropped = replace(
            challenge, closure=Closure.VOID, closed_at=now, closure_reason="holder_resumed", quota_exempt=True
        )
        uow.registrations.save_registration(dropped)
        uow.registrations.add_event(
            challenge.id, now, holder.id, EventKind.CHALLENGE_DROPPED, reason="holder_resumed"
        )
        challenger = uow.roster.staff_by_id(challenge.holder_id)
        if challenger is not None:
            notices.append(Notice(challenger, NoticeKind.CHALLENGE_DROPPED, dropped, holder))
    return notices
