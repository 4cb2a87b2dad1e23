"""Keeping a registration (RULES §4): follow-ups, lapse takeover, extensions, review, arbitration.

Every use case runs in one write transaction that first locks the customer (the same lock filings
take), so a follow-up, a takeover and a colleague's filing of the same customer are serialized.
Nothing is deleted: each change appends an event to the registration's log; each refusal is
appended to the action-attempt log.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from domain.customer_details import Invalid, Problem, clean_text
from domain.free_text import check_note, check_reason
from domain.lifecycle import CONTACT_KINDS, Standing, standing_at
from domain.model import (
    TEAM_MANAGER_ROLES,
    BrokenInvariant,
    Closure,
    EventKind,
    FollowUpKind,
    Notice,
    NoticeKind,
    Registration,
    ReviewState,
    Role,
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
CROSS_TEAM_ROLES = frozenset({Role.DEPT_HEAD, Role.OPS_MANAGER})


class Refusal(StrEnum):
    NOT_STAFF = "not_staff"
    NOT_FOUND = "not_found"
    NOT_HOLDER = "not_holder"
    CLOSED = "closed"  # expired, void, won or lost meanwhile
    BAD_AMOUNT = "bad_amount"
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
    """A deposit or deal amount in yuan: '1200', '1,200.50', '¥3000'. At most two decimals."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip().replace(",", "").replace("，", "").lstrip("¥￥").removesuffix("元").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return Refusal.BAD_AMOUNT
    if (
        not amount.is_finite()
        or amount <= 0
        or amount > MAX_AMOUNT
        or amount != amount.quantize(Decimal("0.01"))
    ):
        return Refusal.BAD_AMOUNT
    return amount.quantize(Decimal("0.01"))


def _refuse(
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


def _reason_refusal(problem: Invalid) -> Refusal:
    """domain.free_text's verdict on a reason, as the use cases' refusal."""
    return Refusal.REASON_REQUIRED if problem.problem is Problem.REASON_TOO_SHORT else Refusal.NOTE_TOO_LONG


def _locked(uow: UnitOfWork, registration_id: int, now: datetime) -> Registration | None:
    """The registration, read after taking its customer's lock (so nothing changes under us)."""
    registration = uow.registrations.registration(registration_id)
    if registration is None:
        return None
    uow.registrations.lock_customer(registration.phone, now)
    return uow.registrations.registration(registration_id)


def _holders_own(
    uow: UnitOfWork, actor_telegram_id: int, action: str, registration_id: int, now: datetime
) -> tuple[Staff, Registration] | Refused:
    """The acting staff member and their registration, locked; or the logged refusal."""
    actor = uow.roster.staff_by_telegram_id(actor_telegram_id)
    if actor is None or not actor.active:
        return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_STAFF, now)
    registration = _locked(uow, registration_id, now)
    if registration is None:
        return _refuse(uow, actor_telegram_id, action, None, Refusal.NOT_FOUND, now)
    if registration.holder_id != actor.id:
        return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_HOLDER, now)
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
        found = _holders_own(uow, actor_telegram_id, action, registration_id, now)
        if isinstance(found, Refused):
            return found
        actor, registration = found
        standing = standing_at(registration, now, rules)
        if not standing.may_follow_up:
            return _refuse(
                uow, actor_telegram_id, action, registration_id, Refusal.CLOSED, now, standing.state
            )
        checked_note = check_note(note, rules)
        if isinstance(checked_note, Invalid):
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOTE_TOO_LONG, now)
        if kind is FollowUpKind.DEAL and amount is None:
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.AMOUNT_REQUIRED, now)
        if amount is not None and (kind not in CREDIT_KINDS or amount <= 0 or amount > MAX_AMOUNT):
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.BAD_AMOUNT, now)

        notices: list[Notice] = []
        if standing.challenging and kind in CREDIT_KINDS:
            registration, taken = _take_over(uow, registration, actor, now)
            notices.append(taken)
        elif standing.state is State.LAPSED and not standing.challenging and kind in CONTACT_KINDS:
            notices += _drop_challenges(uow, registration, actor, now)

        updated = _apply(registration, kind, amount, actor, now)
        uow.registrations.save_registration(updated)
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


# --- expiry extension (RULES §4, [3.3.3]) --------------------------------------------------------


def request_extension(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    reason: str,
    now: datetime,
    rules: Rules,
) -> Outcome:
    action = "extension_request"
    with unit_of_work() as uow:
        found = _holders_own(uow, actor_telegram_id, action, registration_id, now)
        if isinstance(found, Refused):
            return found
        actor, registration = found
        if registration.expires_at is None:
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_FIELD, now)
        if not registration.holds_claim or registration.closure is not None:
            refusal = Refusal.TAKEN if registration.closure is Closure.EXPIRED else Refusal.CLOSED
            return _refuse(uow, actor_telegram_id, action, registration_id, refusal, now)
        checked = check_reason(reason, rules)
        if isinstance(checked, Invalid):
            return _refuse(uow, actor_telegram_id, action, registration_id, _reason_refusal(checked), now)
        reason = checked
        if uow.registrations.pending_extension(registration_id) is not None:
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.EXTENSION_PENDING, now)
        request_id = uow.registrations.add_extension_request(registration_id, actor.id, reason, now)
        uow.registrations.add_event(
            registration_id, now, actor.id, EventKind.EXTENSION_REQUESTED, reason=reason
        )
        detail = {"request_id": request_id, "reason": reason}
        heads = tuple(
            Notice(h, NoticeKind.EXTENSION_REQUESTED, registration, actor, detail)
            for h in uow.roster.staff_with_role(Role.DEPT_HEAD)
        )
        record_notices(uow, heads, now)
        uow.commit()
        return Done(
            registration,
            standing_at(registration, now, rules),
            heads,
            {"request_id": request_id, "reason": reason},
        )


def decide_extension(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    request_id: int,
    approve: bool,
    now: datetime,
    rules: Rules,
) -> Outcome:
    """The department head's decision: new expiry = the later of (expiry, now) + extension days."""
    action = "extension_decision"
    with unit_of_work() as uow:
        actor = uow.roster.staff_by_telegram_id(actor_telegram_id)
        if actor is None or not actor.active or not actor.has(Role.DEPT_HEAD):
            return _refuse(uow, actor_telegram_id, action, None, Refusal.NOT_ENTITLED, now)
        request = uow.registrations.extension_request(request_id)
        if request is None:
            return _refuse(uow, actor_telegram_id, action, None, Refusal.NOT_FOUND, now)
        registration_id, decided = request
        if decided is not None:
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.ALREADY_DECIDED, now)
        registration = present(_locked(uow, registration_id, now), f"registration {registration_id}")
        expires_at = present(registration.expires_at, f"the expiry of registration {registration_id}")
        if approve and (not registration.holds_claim or registration.closure is not None):
            # RULES §4: not possible once someone else has filed the customer.
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.TAKEN, now)
        uow.registrations.decide_extension_request(request_id, actor.id, approve, now)
        if approve:
            new_expiry = max(expires_at, now) + timedelta(days=rules.extension_days)
            registration = replace(registration, expires_at=new_expiry)
            uow.registrations.save_registration(registration)
            uow.registrations.add_event(
                registration_id, now, actor.id, EventKind.EXTENSION_APPROVED, until=new_expiry
            )
        else:
            uow.registrations.add_event(registration_id, now, actor.id, EventKind.EXTENSION_DECLINED)
        holder = uow.roster.staff_by_id(registration.holder_id)
        kind = NoticeKind.EXTENSION_APPROVED if approve else NoticeKind.EXTENSION_DECLINED
        notices = (Notice(holder, kind, registration, actor),) if holder else ()
        record_notices(uow, notices, now)
        uow.commit()
        return Done(registration, standing_at(registration, now, rules), notices)


# --- manager review (RULES §3 optional review, §3.7 possible duplicates) ----------------------------


def may_review(actor: Staff, registration: Registration, other_team_id: int | None = None) -> bool:
    if not actor.active:
        return False
    if actor.roles & CROSS_TEAM_ROLES:
        return True
    return bool(actor.roles & TEAM_MANAGER_ROLES) and actor.team_id in {registration.team_id, other_team_id}


def _review_refusal(
    uow: UnitOfWork,
    actor: Staff | None,
    registration: Registration | None,
    now: datetime,
    rules: Rules,
) -> Refused | None:
    """Why this person may not decide this review now (None: they may)."""
    if actor is None:
        return Refused(Refusal.NOT_ENTITLED)
    if registration is None:
        return Refused(Refusal.NOT_FOUND)
    other_team = None
    if registration.similar_to_id is not None:
        similar = uow.registrations.registration(registration.similar_to_id)
        other_team = similar.team_id if similar else None
    if not may_review(actor, registration, other_team):
        return Refused(Refusal.NOT_ENTITLED)
    state = standing_at(registration, now, rules).state
    if registration.review is not ReviewState.PENDING and not registration.needs_review:
        return Refused(Refusal.NOT_PENDING, state)
    if registration.closure is not None:
        return Refused(Refusal.CLOSED, state)
    return None


def check_review(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    now: datetime,
    rules: Rules,
) -> Refused | None:
    """Whether this person may decide this review now — asked before they are asked for a
    rejection reason, so nobody types a reason for a decision that is not theirs or is taken."""
    with unit_of_work() as uow:
        actor = uow.roster.staff_by_telegram_id(actor_telegram_id)
        registration = uow.registrations.registration(registration_id) if actor is not None else None
        refused = _review_refusal(uow, actor, registration, now, rules)
        if refused is None:
            return None
        return _refuse(
            uow,
            actor_telegram_id,
            "review",
            registration.id if registration else None,
            refused.refusal,
            now,
            refused.state,
        )


def decide_review(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    approve: bool,
    reason: str | None,
    now: datetime,
    rules: Rules,
) -> Outcome:
    """A team manager approves or rejects a pending filing, or confirms/voids a possible duplicate."""
    action = "review"
    with unit_of_work() as uow:
        actor = uow.roster.staff_by_telegram_id(actor_telegram_id)
        registration = _locked(uow, registration_id, now) if actor is not None else None
        refused = _review_refusal(uow, actor, registration, now, rules)
        if refused is not None:
            return _refuse(
                uow,
                actor_telegram_id,
                action,
                registration.id if registration else None,
                refused.refusal,
                now,
                refused.state,
            )
        if actor is None or registration is None:
            raise BrokenInvariant("a review passed its checks without an actor or a registration")
        reason = clean_text(reason or "") or None
        if not approve:
            checked = check_reason(reason, rules)
            if isinstance(checked, Invalid):
                return _refuse(uow, actor_telegram_id, action, registration_id, _reason_refusal(checked), now)
        if approve:
            registration = replace(
                registration, review=ReviewState.APPROVED if registration.review else None, needs_review=False
            )
            if registration.deal_at is not None:
                # A deal recorded while pending (provisional) is confirmed: now it is won.
                registration = replace(
                    registration,
                    closure=Closure.WON,
                    closed_at=now,
                    closure_reason=FollowUpKind.DEAL.value,
                    holds_claim=False,
                )
            kind = EventKind.REVIEW_APPROVED
        else:
            registration = replace(
                registration,
                review=ReviewState.REJECTED if registration.review else None,
                needs_review=False,
                closure=Closure.VOID,
                closed_at=now,
                closure_reason="review_rejected",
                holds_claim=False,
                credited_to_id=None,  # RULES §3: a rejection voids the registration with its credit
            )
            kind = EventKind.REVIEW_REJECTED
        uow.registrations.save_registration(registration)
        uow.registrations.add_event(registration_id, now, actor.id, kind, reason=reason)
        if not approve:
            void_open_challenges(uow, registration, actor.id, now)
        filer = uow.roster.staff_by_id(registration.holder_id)
        told = NoticeKind.REVIEW_APPROVED if approve else NoticeKind.REVIEW_REJECTED
        notices = (Notice(filer, told, registration, actor, {"reason": reason or ""}),) if filer else ()
        record_notices(uow, notices, now)
        uow.commit()
        return Done(registration, standing_at(registration, now, rules), notices, {"reason": reason})


# --- arbitration (RULES §4, [3.3.2]) ----------------------------------------------------------------


class Arbitration(StrEnum):
    TRANSFER = "transfer"  # the registration (and the customer) moves to another holder
    CREDIT = "credit"  # the deposit/deal credit moves to another staff member


def arbitrate(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    decision: Arbitration,
    to_telegram_id: int,
    reason: str,
    now: datetime,
    rules: Rules,
) -> Outcome:
    """The department head's special-case decision; it adds to the log and never deletes."""
    action = f"arbitrate:{decision.value}"
    with unit_of_work() as uow:
        actor = uow.roster.staff_by_telegram_id(actor_telegram_id)
        if actor is None or not actor.active or not actor.has(Role.DEPT_HEAD):
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_ENTITLED, now)
        checked = check_reason(reason, rules)
        if isinstance(checked, Invalid):
            return _refuse(uow, actor_telegram_id, action, registration_id, _reason_refusal(checked), now)
        reason = checked
        registration = _locked(uow, registration_id, now)
        if registration is None:
            return _refuse(uow, actor_telegram_id, action, None, Refusal.NOT_FOUND, now)
        target = uow.roster.staff_by_telegram_id(to_telegram_id)
        if target is None or not target.may_file:
            return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.BAD_TARGET, now)
        previous: Staff | None
        if decision is Arbitration.TRANSFER:
            if not registration.holds_claim or registration.closure is not None:
                return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.CLOSED, now)
            previous = uow.roster.staff_by_id(registration.holder_id)
            # The customer follows the new holder into their team (their manager sees it there).
            team_id = present(target.team_id, f"the team of staff {target.id}")
            registration = replace(
                registration, holder_id=target.id, holder_name=target.name, team_id=team_id
            )
            kind = EventKind.TRANSFERRED
        else:
            if registration.credited_to_id is None:
                return _refuse(uow, actor_telegram_id, action, registration_id, Refusal.NO_CREDIT, now)
            previous = uow.roster.staff_by_id(registration.credited_to_id)
            registration = replace(registration, credited_to_id=target.id)
            kind = EventKind.CREDIT_MOVED
        uow.registrations.save_registration(registration)
        uow.registrations.add_event(
            registration_id, now, actor.id, kind, reason=reason, other_staff_id=target.id
        )
        to_kind, from_kind = _ARBITRATION_NOTICES[decision]
        detail = {"reason": reason}
        notices = [Notice(target, to_kind, registration, actor, detail)]
        if previous is not None and previous.id != target.id:
            notices.append(Notice(previous, from_kind, registration, actor, detail))
        record_notices(uow, notices, now)
        uow.commit()
        return Done(registration, standing_at(registration, now, rules), tuple(notices), {"reason": reason})


_ARBITRATION_NOTICES = {
    Arbitration.TRANSFER: (NoticeKind.TRANSFERRED_TO, NoticeKind.TRANSFERRED_FROM),
    Arbitration.CREDIT: (NoticeKind.CREDIT_MOVED_TO, NoticeKind.CREDIT_MOVED_FROM),
}
