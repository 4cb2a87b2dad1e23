"""Whose after-sale customers a person sees (RULES §7, /aftersale): the holder their won
registrations in care, customer service (客服) their team's; each with what care owes next.

Pure apart from reading the unit of work; who may act is domain.aftersale_care.may_care, the one
rule the use cases apply too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.aftersale import Care, Due, aftersale_deadlines, care_start, is_won, start_care
from domain.aftersale_care import may_care
from domain.lifecycle import standing_at
from domain.model import Registration, Role, Staff
from domain.ports import UnitOfWork
from domain.registrations import Refusal, Refused
from domain.rules import Rules


@dataclass(frozen=True)
class Cared:
    """One after-sale customer: the won registration, its care and what it owes now (soonest first)."""

    registration: Registration
    care: Care
    dues: tuple[Due, ...]

    @property
    def next_due(self) -> Due | None:
        return self.dues[0] if self.dues else None


def in_care(care: Care, now: datetime) -> bool:
    """Listed while care runs, and after it while a problem or need opened during it is open."""
    return not care.ended(now) or bool(care.open_items())


def aftersale_customers(uow: UnitOfWork, staff: Staff, now: datetime) -> list[Cared]:
    """The person's after-sale customers, the most pressing first: overdue, then by next due date;
    those owing nothing last."""
    team_id = staff.team_id if staff.has(Role.SERVICE) else None
    found = uow.aftersale.cared_for(staff.id, team_id, now)
    cared = [
        Cared(r, c, tuple(aftersale_deadlines(c, now)))
        for r, c in found
        if is_won(r) and may_care(staff, r) and in_care(c, now)
    ]

    def urgency(c: Cared) -> tuple[int, float, int]:
        due = c.next_due
        if due is None:
            return (2, 0.0, c.registration.id)
        return (0 if due.overdue else 1, due.due_at.timestamp(), c.registration.id)

    return sorted(cared, key=urgency)


def one_cared(
    uow: UnitOfWork, staff: Staff | None, registration_id: int, now: datetime, rules: Rules
) -> Cared | Refused:
    """One after-sale customer this person may act on now, or why not (a button into the dialog);
    the use cases check again when recording."""
    if staff is None or not staff.active:
        return Refused(Refusal.NOT_STAFF)
    registration = uow.registrations.registration(registration_id)
    if registration is None:
        return Refused(Refusal.NOT_FOUND)
    if not may_care(staff, registration):
        return Refused(Refusal.NOT_CARER)
    if not is_won(registration):
        return Refused(Refusal.NOT_WON, standing_at(registration, now, rules).state)
    # Won before care was kept: the care it starts with when first recorded (begin_care).
    care = uow.aftersale.care(registration_id) or start_care(registration.id, care_start(registration), rules)
    if not in_care(care, now):
        return Refused(Refusal.CARE_ENDED)
    return Cared(registration, care, tuple(aftersale_deadlines(care, now)))
