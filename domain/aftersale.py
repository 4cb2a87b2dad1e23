"""After-sale care of a won registration (RULES §7, 销售客户跟踪绩效方案 三): what is owed and by when.

Pure: no storage, the clock passed in. The care of a registration starts when it is won (the deal on
record) and runs `aftersale_months` (12) after it:

- first contact (主动联系): by the end of the `aftersale_first_contact_workdays` (3rd) working day
  after the deal, in local time (rules.zone), by the working-day calendar (rules.calendar);
- monthly contact (定期沟通): `aftersale_contact_every_days` (30) after the last after-sale contact,
  or, before any, after the first-contact deadline; none is owed past the end of care;
- problems (问题解决率) and needs (需求满足率): each opened with a note, due by the end of the
  `problem_solve_workdays` (3rd) / `need_meet_workdays` (2nd) working day after it was opened,
  closed when recorded solved / met;
- satisfaction (满意度调查): one score 1–5 (and a comment) per care, asked at the first contact.

**Decision**: a deadline is fixed when it is set, as a registration's expiry is: the first-contact
deadline, the end of care and the first month's contact when the registration is won; the next
monthly contact when a contact is recorded; a problem's or need's deadline when it is opened. They are
stored, so the sweep finds what is due by index, and a later change of a setting applies to the
deadlines set after it. `aftersale_deadlines` reads them: it is what reminders, views and reports use.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from domain.model import Closure, Registration
from domain.rules import Rules

if TYPE_CHECKING:
    from domain.ports import UnitOfWork

MIN_SCORE, MAX_SCORE = 1, 5


class CareItemKind(StrEnum):
    PROBLEM = "problem"  # 问题: solved within problem_solve_workdays
    NEED = "need"  # 需求: met within need_meet_workdays


class DueKind(StrEnum):
    """What after-sale care owes next."""

    FIRST_CONTACT = "first_contact"
    CONTACT = "contact"  # the monthly contact
    PROBLEM = "problem"
    NEED = "need"


@dataclass(frozen=True)
class CareItem:
    """A customer's problem or need, open until recorded solved / met."""

    id: int
    registration_id: int
    kind: CareItemKind
    note: str
    opened_at: datetime
    opened_by: int
    due_at: datetime
    closed_at: datetime | None = None
    closed_by: int | None = None
    close_note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Satisfaction:
    score: int
    comment: str | None
    at: datetime
    by: int


@dataclass(frozen=True)
class Care:
    """The after-sale record of one won registration: its stored deadlines, its contacts so far,
    its satisfaction score and its problems and needs (open and closed)."""

    registration_id: int
    started_at: datetime  # the deal on record
    first_contact_due_at: datetime
    ends_at: datetime
    next_contact_due_at: datetime | None  # None: no more contact owed before the end of care
    first_contact_at: datetime | None = None
    last_contact_at: datetime | None = None
    contacts: int = 0
    satisfaction: Satisfaction | None = None
    items: tuple[CareItem, ...] = ()

    def ended(self, now: datetime) -> bool:
        return now >= self.ends_at

    def open_items(self, kind: CareItemKind | None = None) -> tuple[CareItem, ...]:
        return tuple(i for i in self.items if i.is_open and (kind is None or i.kind is kind))


@dataclass(frozen=True)
class Due:
    """One thing after-sale care owes, by when, and whether that has passed at the instant asked."""

    kind: DueKind
    due_at: datetime
    overdue: bool
    item_id: int | None = None  # a problem's or need's id


# --- deadlines -------------------------------------------------------------------------------------


def end_of_working_days(start: datetime, count: int, rules: Rules) -> datetime:
    """The end (local midnight, as a UTC instant) of the `count`-th working day after `start`'s
    local day, which itself does not count: a deal on Wednesday 30 September 2026 owes its first
    contact by the end of Saturday 10 October (8, 9 and the 调休 10 October after National Day)."""
    zone = rules.zone
    day = rules.calendar.after(start.astimezone(zone).date(), count)
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def months_after(start: datetime, months: int, rules: Rules) -> datetime:
    """The same local time `months` calendar months later (the 31st → the month's last day)."""
    local = start.astimezone(rules.zone)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, month_calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(UTC)


def item_due(kind: CareItemKind, opened_at: datetime, rules: Rules) -> datetime:
    count = rules.problem_solve_workdays if kind is CareItemKind.PROBLEM else rules.need_meet_workdays
    return end_of_working_days(opened_at, count, rules)


def _within(due: datetime, ends_at: datetime) -> datetime | None:
    return due if due < ends_at else None


def start_care(registration_id: int, won_at: datetime, rules: Rules) -> Care:
    """The care a registration won at `won_at` starts with."""
    first_due = end_of_working_days(won_at, rules.aftersale_first_contact_workdays, rules)
    ends_at = months_after(won_at, rules.aftersale_months, rules)
    return Care(
        registration_id=registration_id,
        started_at=won_at,
        first_contact_due_at=first_due,
        ends_at=ends_at,
        next_contact_due_at=_within(first_due + rules.aftersale_contact_every, ends_at),
    )


def with_contact(care: Care, at: datetime, rules: Rules) -> Care:
    """The care after an after-sale contact at `at`: the next one is due a month of days later."""
    last = max(at, care.last_contact_at or at)
    return replace(
        care,
        first_contact_at=care.first_contact_at or at,
        last_contact_at=last,
        contacts=care.contacts + 1,
        next_contact_due_at=_within(last + rules.aftersale_contact_every, care.ends_at),
    )


def aftersale_deadlines(care: Care, now: datetime) -> list[Due]:
    """What the care owes at `now`, soonest first: the first contact until it is done, the next
    monthly contact, every open problem and need. Past the end of care no contact is owed (care
    ends quietly); a problem or need still open then stays owed until it is closed."""
    dues: list[Due] = []
    if not care.ended(now):
        if care.first_contact_at is None:
            dues.append(
                Due(DueKind.FIRST_CONTACT, care.first_contact_due_at, now >= care.first_contact_due_at)
            )
        if care.next_contact_due_at is not None:
            dues.append(Due(DueKind.CONTACT, care.next_contact_due_at, now >= care.next_contact_due_at))
    for item in care.open_items():
        kind = DueKind.PROBLEM if item.kind is CareItemKind.PROBLEM else DueKind.NEED
        dues.append(Due(kind, item.due_at, now >= item.due_at, item.id))
    return sorted(dues, key=lambda d: (d.due_at, d.kind.value, d.item_id or 0))


def is_won(registration: Registration) -> bool:
    """After-sale care is for won registrations only: a deal still awaiting review is no sale yet."""
    return registration.closure is Closure.WON and registration.closed_at is not None


def care_start(registration: Registration) -> datetime:
    """**Decision**: care starts when the registration was won — the deal, or, for a deal recorded
    while review was pending, its approval — so no after-sale deadline runs before there is a sale."""
    if registration.closed_at is None:
        raise ValueError(f"registration {registration.id} is not closed")
    return registration.closed_at


def begin_care(uow: UnitOfWork, registration: Registration, rules: Rules) -> Care:
    """Start (store) the care of a registration just won, in the transaction that won it; the care
    it already has, if any."""
    existing = uow.aftersale.care(registration.id)
    if existing is not None:
        return existing
    care = start_care(registration.id, care_start(registration), rules)
    uow.aftersale.add_care(care)
    return care
