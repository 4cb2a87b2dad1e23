"""Repeat purchase (RULES §7): within `resale_window_days` of the deal a customer is the holder's
after-sale customer; when they come back for something new, a new registration is opened from the
won one instead of being filed (filing refuses the customer as `already_sold`, naming the holder).

Who may open it, and who holds it:
- the won registration's holder, while active: the new registration is theirs;
- **Decision**: if that holder is no longer active (left the chain), a manager of the won
  registration's team (store manager / supervisor) opens it for a colleague they name, an active
  store guide or salesperson of that team (`holder_id`); there is no default, as the manager is
  the one who knows who takes the customer over. Nobody else (customer service records care but
  does not sell: `resale_not_entitled`).

The new registration is filed now (the usual clocks, the field expiry and quota, manager review when
on), with the customer's name and address from the won one, the needs given, and `resale_of_id`
pointing at the won one. The won registration and its after-sale care stay as they are.

Refusals: `not_won` (not won, or a deal awaiting review), `resale_window_over` (the deal is older than
the window), `customer_open` (a registration of the customer holds it already), `resale_not_entitled`,
`bad_holder` / `holder_needed` (a manager's choice of colleague), `quota_full` (the new holder is a
field salesperson with this month's quota used), `note_too_long` (the needs). Every refusal is logged
as an action attempt; a success appends `filed` (by whoever opened it) to the new registration's log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.aftersale import is_won
from domain.customer_details import Invalid, check_needs
from domain.filing import month_bounds
from domain.lifecycle import Deadline, initial_expiry, standing_at
from domain.matching import stored_keys
from domain.model import (
    Closure,
    EventKind,
    ExpectedPurchase,
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
from domain.registrations import Refusal, Refused, locked, refuse, void_open_challenges
from domain.rules import Rules

ACTION = "resale"


@dataclass(frozen=True)
class ResaleOpened:
    """The new registration, opened from `won`."""

    registration: Registration
    won: Registration
    deadline: Deadline | None
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class ResaleRefused(Refused):
    holder_name: str | None = None  # customer_open: who holds the customer now


ResaleOutcome = ResaleOpened | Refused


def _manages(actor: Staff, won: Registration) -> bool:
    return actor.team_id == won.team_id and bool(actor.roles & {Role.STORE_MANAGER, Role.SUPERVISOR})


def _new_holder(uow: UnitOfWork, actor: Staff, won: Registration, holder_id: int | None) -> Staff | Refusal:
    """Who holds the repeat purchase: the won one's holder, or the colleague the manager names."""
    holder = uow.roster.staff_by_id(won.holder_id)
    if holder is not None and holder.active:
        if actor.id != holder.id:
            return Refusal.RESALE_NOT_ENTITLED
        if holder_id is not None and holder_id != holder.id:
            return Refusal.BAD_HOLDER  # a holder still here keeps their customer
        return holder
    if not _manages(actor, won):
        return Refusal.RESALE_NOT_ENTITLED
    if holder_id is None:
        return Refusal.HOLDER_NEEDED
    chosen = uow.roster.staff_by_id(holder_id)
    if chosen is None or not chosen.may_file or chosen.team_id != won.team_id:
        return Refusal.BAD_HOLDER
    return chosen


def open_resale(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    now: datetime,
    rules: Rules,
    holder_id: int | None = None,
    needs: str | None = None,
    expected_purchase: ExpectedPurchase | None = None,
) -> ResaleOutcome:
    """Open a new registration of the won registration's customer (see the module's text)."""
    tid = actor_telegram_id
    with unit_of_work() as uow:
        actor = uow.roster.staff_by_telegram_id(tid)
        if actor is None or not actor.active:
            return refuse(uow, tid, ACTION, registration_id, Refusal.NOT_STAFF, now)
        won = locked(uow, registration_id, now)
        if won is None:
            return refuse(uow, tid, ACTION, None, Refusal.NOT_FOUND, now)
        if not is_won(won) or won.deal_at is None:
            state = standing_at(won, now, rules).state
            return refuse(uow, tid, ACTION, registration_id, Refusal.NOT_WON, now, state)
        holder = _new_holder(uow, actor, won, holder_id)
        if isinstance(holder, Refusal):
            return refuse(uow, tid, ACTION, registration_id, holder, now)
        if now - won.deal_at > rules.resale_window:
            return refuse(uow, tid, ACTION, registration_id, Refusal.RESALE_WINDOW_OVER, now)
        checked = check_needs(needs, rules)
        if isinstance(checked, Invalid):
            return refuse(uow, tid, ACTION, registration_id, Refusal.NOTE_TOO_LONG, now)
        claim = uow.registrations.claim_for(won.customer_id)
        if claim is not None and standing_at(claim, now, rules).holds_customer:
            uow.attempts.log_action(
                at=now,
                telegram_id=tid,
                action=ACTION,
                registration_id=registration_id,
                outcome="refused",
                reason=Refusal.CUSTOMER_OPEN.value,
            )
            uow.commit()
            return ResaleRefused(Refusal.CUSTOMER_OPEN, holder_name=claim.holder_name)
        uow.roster.lock_staff(holder.id)
        if holder.has_quota:
            used = uow.registrations.quota_used(holder.id, *month_bounds(now, rules))
            if used >= rules.field_monthly_quota:
                return refuse(uow, tid, ACTION, registration_id, Refusal.QUOTA_FULL, now)
        if claim is not None:  # an expired claim steps aside for good, as at a filing
            uow.registrations.release_claim(claim.id, Closure.EXPIRED, now)
            uow.registrations.add_event(claim.id, now, actor.id, EventKind.RELEASED, reason="expired")
            void_open_challenges(uow, claim, actor.id, now)
        opened = _add(uow, actor, holder, won, checked, expected_purchase, now, rules)
        notices: list[Notice] = []
        if opened.review is ReviewState.PENDING:
            notices = [
                Notice(m, NoticeKind.REVIEW_REQUESTED, opened, holder)
                for m in uow.roster.team_managers({opened.team_id})
            ]
        record_notices(uow, notices, now)
        uow.commit()
    return ResaleOpened(opened, won, standing_at(opened, now, rules).deadline, tuple(notices))


def _add(
    uow: UnitOfWork,
    actor: Staff,
    holder: Staff,
    won: Registration,
    needs: str | None,
    expected_purchase: ExpectedPurchase | None,
    now: datetime,
    rules: Rules,
) -> Registration:
    if holder.channel is None:
        raise LookupError(f"staff {holder.id} holds a registration without a team channel")
    new_id = uow.registrations.add_registration(
        customer_id=won.customer_id,
        filer=holder,
        customer_name=won.customer_name,
        address=won.address,
        needs=needs,
        expected_purchase=expected_purchase,
        obtained_at=now,
        filed_at=now,
        needs_review=False,
        similar_to_id=None,
        expires_at=initial_expiry(holder.channel, now, rules),
        review=ReviewState.PENDING if rules.review_required else None,
        challenge_of_id=None,
        keys=stored_keys(won.customer_name, won.address),
        resale_of_id=won.id,
    )
    uow.registrations.add_event(new_id, now, actor.id, EventKind.FILED)
    return present(uow.registrations.registration(new_id), f"registration {new_id}")
