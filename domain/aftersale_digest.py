"""The after-sale part of a team's daily summary and of the tracking workbook (RULES §7, issue 14):
what after-sale care owes at the digest's moment, and one row per customer in care.

Pure: the clock passed in. The day is the local day containing `now` (domain.digest.day_bounds):

- contacts: first and monthly contacts due by the end of the day, overdue ones (due by `now`) first;
- problems and needs: every open one, overdue marked; a customer's identical ones (same kind, same
  overdue or not) are one line with their count and the earliest deadline;
- satisfaction: the scores recorded in the day by `now`.

Lines keep customers' names and phones in full: the renderer masks them for group chats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from domain.aftersale import Care, DueKind, aftersale_deadlines
from domain.model import Registration
from domain.rules import Rules

CONTACT_KINDS = frozenset({DueKind.FIRST_CONTACT, DueKind.CONTACT})


@dataclass(frozen=True)
class CaredFor:
    """A won registration of the team and its after-sale care (open problems and needs only)."""

    registration: Registration
    care: Care


@dataclass(frozen=True)
class AftersaleLine:
    """One thing owed on one customer: a contact, or the customer's open problems or needs of one
    kind (`count` of them, `due_at` the earliest)."""

    kind: DueKind
    registration_id: int
    holder: str
    customer_name: str
    phone: str  # E.164
    due_at: datetime
    overdue: bool
    count: int = 1
    first_item_id: int | None = None  # a problem's or need's: the earliest of them


@dataclass(frozen=True)
class ScoreLine:
    registration_id: int
    holder: str
    customer_name: str
    phone: str  # E.164
    score: int
    at: datetime


@dataclass(frozen=True)
class AftersaleSection:
    contacts: tuple[AftersaleLine, ...] = ()  # due today or overdue, overdue first
    items: tuple[AftersaleLine, ...] = ()  # open problems and needs, overdue first
    scores: tuple[ScoreLine, ...] = ()  # recorded today

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.items or self.scores)

    @property
    def overdue_contacts(self) -> int:
        return sum(1 for line in self.contacts if line.overdue)

    @property
    def overdue_items(self) -> int:
        return sum(line.count for line in self.items if line.overdue)


def _day_bounds(now: datetime, rules: Rules) -> tuple[datetime, datetime]:
    day: date = now.astimezone(rules.zone).date()
    start = datetime.combine(day, time(), rules.zone)
    return start, datetime.combine(day + timedelta(days=1), time(), rules.zone)


def summarize_aftersale(cared: Sequence[CaredFor], now: datetime, rules: Rules) -> AftersaleSection:
    start, end = _day_bounds(now, rules)
    contacts: list[AftersaleLine] = []
    items: dict[tuple[int, DueKind, bool], AftersaleLine] = {}
    scores: list[ScoreLine] = []
    for c in cared:
        r = c.registration
        for due in aftersale_deadlines(c.care, now):
            if due.kind in CONTACT_KINDS:
                if due.due_at <= end:  # a deadline at midnight ends the day
                    contacts.append(_line(r, due.kind, due.due_at, due.overdue))
                continue
            key = (r.id, due.kind, due.overdue)
            same = items.get(key)
            if same is None:
                items[key] = replace(_line(r, due.kind, due.due_at, due.overdue), first_item_id=due.item_id)
            else:  # deadlines come soonest first: the first is the earliest
                items[key] = replace(same, count=same.count + 1)
        rated = c.care.satisfaction
        if rated is not None and start <= rated.at < end and rated.at <= now:
            scores.append(ScoreLine(r.id, r.holder_name, r.customer_name, r.phone, rated.score, rated.at))
    return AftersaleSection(
        contacts=_ordered(contacts),
        items=_ordered(list(items.values())),
        scores=tuple(sorted(scores, key=lambda s: (s.at, s.registration_id))),
    )


def _line(r: Registration, kind: DueKind, due_at: datetime, overdue: bool) -> AftersaleLine:
    return AftersaleLine(kind, r.id, r.holder_name, r.customer_name, r.phone, due_at, overdue)


def _ordered(lines: list[AftersaleLine]) -> tuple[AftersaleLine, ...]:
    return tuple(sorted(lines, key=lambda x: (not x.overdue, x.due_at, x.registration_id, x.kind.value)))


# --- the workbook's after-sale sheet -----------------------------------------------------------


@dataclass(frozen=True)
class AftersaleRow:
    """One customer in care of the team, as the workbook's after-sale sheet lists them."""

    registration_id: int
    customer_name: str
    phone: str  # E.164
    holder: str
    deal_at: datetime
    first_contact_at: datetime | None  # done at; None: not yet
    first_contact_due_at: datetime
    next_contact_due_at: datetime | None  # None: none owed (care ended, or none left before its end)
    open_items: int
    earliest_item_due_at: datetime | None
    satisfaction: int | None
    overdue: bool  # something owed is past its deadline at the moment read


def aftersale_rows(cared: Sequence[CaredFor], now: datetime) -> list[AftersaleRow]:
    """The sheet's rows, by deal (care start) then registration."""
    rows = []
    for c in sorted(cared, key=lambda c: (c.care.started_at, c.registration.id)):
        care, r = c.care, c.registration
        dues = aftersale_deadlines(care, now)
        open_items = care.open_items()
        rows.append(
            AftersaleRow(
                registration_id=r.id,
                customer_name=r.customer_name,
                phone=r.phone,
                holder=r.holder_name,
                deal_at=care.started_at,
                first_contact_at=care.first_contact_at,
                first_contact_due_at=care.first_contact_due_at,
                next_contact_due_at=None if care.ended(now) else care.next_contact_due_at,
                open_items=len(open_items),
                earliest_item_due_at=min((i.due_at for i in open_items), default=None),
                satisfaction=care.satisfaction.score if care.satisfaction else None,
                overdue=any(d.overdue for d in dues),
            )
        )
    return rows
