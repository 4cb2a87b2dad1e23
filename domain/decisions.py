"""Decisions on a registration (RULES §4, §3): expiry extensions, manager review, arbitration.

Each runs, like the follow-ups in domain.registrations, in one write transaction that locks the
customer first; each refusal is appended to the action-attempt log.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from domain.customer_details import Invalid, clean_text
from domain.free_text import check_reason
from domain.lifecycle import standing_at
from domain.model import (
    ALL_TEAMS_ROLES,
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
    present,
)
from domain.notices import record_notices
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.registrations import (
    Done,
    Outcome,
    Refusal,
    Refused,
    holders_own,
    locked,
    reason_refusal,
    refuse,
    void_open_challenges,
)
from domain.rules import Rules

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
        found = holders_own(uow, actor_telegram_id, action, registration_id, now)
        if isinstance(found, Refused):
            return found
        actor, registration = found
        if registration.expires_at is None:
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_FIELD, now)
        if not registration.holds_claim or registration.closure is not None:
            refusal = Refusal.TAKEN if registration.closure is Closure.EXPIRED else Refusal.CLOSED
            return refuse(uow, actor_telegram_id, action, registration_id, refusal, now)
        checked = check_reason(reason, rules)
        if isinstance(checked, Invalid):
            return refuse(uow, actor_telegram_id, action, registration_id, reason_refusal(checked), now)
        reason = checked
        if uow.registrations.pending_extension(registration_id) is not None:
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.EXTENSION_PENDING, now)
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
            return refuse(uow, actor_telegram_id, action, None, Refusal.NOT_ENTITLED, now)
        request = uow.registrations.extension_request(request_id)
        if request is None:
            return refuse(uow, actor_telegram_id, action, None, Refusal.NOT_FOUND, now)
        registration_id, decided = request
        if decided is not None:
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.ALREADY_DECIDED, now)
        registration = present(locked(uow, registration_id, now), f"registration {registration_id}")
        expires_at = present(registration.expires_at, f"the expiry of registration {registration_id}")
        if approve and (not registration.holds_claim or registration.closure is not None):
            # RULES §4: not possible once someone else has filed the customer.
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.TAKEN, now)
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
    if actor.roles & ALL_TEAMS_ROLES:
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
        return refuse(
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
        registration = locked(uow, registration_id, now) if actor is not None else None
        refused = _review_refusal(uow, actor, registration, now, rules)
        if refused is not None:
            return refuse(
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
                return refuse(uow, actor_telegram_id, action, registration_id, reason_refusal(checked), now)
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
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOT_ENTITLED, now)
        checked = check_reason(reason, rules)
        if isinstance(checked, Invalid):
            return refuse(uow, actor_telegram_id, action, registration_id, reason_refusal(checked), now)
        reason = checked
        registration = locked(uow, registration_id, now)
        if registration is None:
            return refuse(uow, actor_telegram_id, action, None, Refusal.NOT_FOUND, now)
        target = uow.roster.staff_by_telegram_id(to_telegram_id)
        if target is None or not target.may_file:
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.BAD_TARGET, now)
        previous: Staff | None
        if decision is Arbitration.TRANSFER:
            if not registration.holds_claim or registration.closure is not None:
                return refuse(uow, actor_telegram_id, action, registration_id, Refusal.CLOSED, now)
            previous = uow.roster.staff_by_id(registration.holder_id)
            # The customer follows the new holder into their team (their manager sees it there).
            team_id = present(target.team_id, f"the team of staff {target.id}")
            registration = replace(
                registration, holder_id=target.id, holder_name=target.name, team_id=team_id
            )
            kind = EventKind.TRANSFERRED
        else:
            if registration.credited_to_id is None:
                return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NO_CREDIT, now)
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
