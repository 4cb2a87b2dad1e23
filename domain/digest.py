"""A team's daily summary (日报, RULES §6), from facts storage reads; its 《意向客户跟踪表》 rows are
domain.tracking's.

Pure: no I/O and no clock. The day is the local calendar day (`rules.zone`) containing `now`,
[00:00, 24:00); states and deadlines are read at `now`. The scheduled job passes the moment it
runs (20:30); the CLI passes the end of a past day to see that day as it ended.

    facts = storage.repositories.digests.digest_facts(session, team_row, now, rules)
    digest = summarize(facts, now, rules)            # TeamDigest, rendered by bot.digests.render
    last = storage.repositories.digests.last_follow_ups(session, team_id, now)
    rows = domain.tracking.tracking_rows(facts.open_registrations, now, rules, last)  # the workbook's

`uow.reports.team_report(team_id, now, rules)` (domain.ports.Reports) does all three in one call
and returns a TeamReport.

A TeamDigest keeps customers' phones in full (E.164): whoever renders it decides what to mask
(group chats mask them, RULES §2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.aftersale_digest import AftersaleSection, CaredFor, summarize_aftersale
from domain.customer_details import mask_name
from domain.lifecycle import CONTACT_KINDS, Standing, standing_at
from domain.model import Channel, EventKind, FollowUpKind, Registration, State, Team
from domain.reminders import ReminderKind, deadlines
from domain.rules import Rules

CREDIT_KINDS = frozenset({FollowUpKind.DEPOSIT, FollowUpKind.DEAL})


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local calendar day as aware instants [00:00, next 00:00): 24 hours, or not, across DST."""
    return datetime.combine(day, time(), zone), datetime.combine(day + timedelta(days=1), time(), zone)


def local_day(now: datetime, rules: Rules) -> date:
    return now.astimezone(rules.zone).date()


# --- the facts storage reads -------------------------------------------------------------------


@dataclass(frozen=True)
class DayEvent:
    """A filing or a follow-up recorded on one of the team's registrations."""

    registration: Registration
    at: datetime
    kind: EventKind  # FILED or FOLLOW_UP
    actor_id: int | None
    actor_name: str | None
    follow_up_kind: FollowUpKind | None = None
    amount: Decimal | None = None
    credited_name: str | None = None  # deposits and deals: whose figure the registration counts toward


@dataclass(frozen=True)
class RejectedDuplicate:
    """A filing by one of the team's people rejected because a colleague held the customer (撞单).
    The customer is someone else's: the summary names them masked only (DuplicateAttempts)."""

    at: datetime
    filer_name: str
    holder_name: str | None  # None: the holding registration is no longer on record
    customer_name: str = ""  # as the filer typed it
    phone: str = ""  # E.164: the same customer, whatever name was typed
    filer_id: int | None = None  # two colleagues may share a name


@dataclass(frozen=True)
class PendingExtension:
    registration: Registration
    requested_by: str
    requested_at: datetime
    reason: str


@dataclass(frozen=True)
class QuotaCount:
    """A field salesperson of the team and the registrations using a slot of this month's quota."""

    staff_name: str
    used: int


@dataclass(frozen=True)
class DigestFacts:
    team: Team
    open_registrations: list[Registration]  # not closed: holding a customer, or open challenges
    events: list[DayEvent]  # of the day (others are ignored)
    rejected_duplicates: list[RejectedDuplicate]  # of the day (others are ignored)
    pending_extensions: list[PendingExtension]
    quota: list[QuotaCount]  # this month; empty for a store
    similar_holders: dict[int, str]  # possible duplicate's registration id -> holder of the one it resembles
    unreachable: tuple[str, ...] = ()  # the team's people the bot could not reach lately (blocked it)
    aftersale: tuple[CaredFor, ...] = ()  # the team's customers in after-sale care (RULES §7)


# --- the summary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerLine:
    """One customer in a list of the summary, with the moment that matters for that list."""

    registration_id: int
    holder: str
    customer_name: str
    phone: str  # E.164
    at: datetime


@dataclass(frozen=True)
class PersonCount:
    name: str
    count: int


@dataclass(frozen=True)
class PersonDue:
    name: str
    due: int
    lapsed: int


@dataclass(frozen=True)
class CreditLine:
    kind: FollowUpKind  # DEPOSIT or DEAL
    at: datetime
    customer_name: str
    phone: str  # E.164
    recorded_by: str | None
    credited: str | None
    amount: Decimal | None
    provisional: bool = False  # recorded while the registration awaits review: credit not confirmed yet


@dataclass(frozen=True)
class DuplicateAttempts:
    """The rejected duplicate filings of one person on one held customer: one line of the summary
    ("6 duplicate attempts on 张*"), however many times they tried."""

    filer_name: str
    holder_name: str | None
    customer: str  # masked (RULES §2: another person's customer), "" if not on record
    count: int
    first_at: datetime
    last_at: datetime


def group_duplicate_attempts(attempts: Sequence[RejectedDuplicate]) -> tuple[DuplicateAttempts, ...]:
    """Identical attempts (same filer, same customer, same holder) as one entry with their count,
    in the order of each group's first attempt."""
    groups: dict[tuple[object, ...], list[RejectedDuplicate]] = {}
    for a in sorted(attempts, key=lambda a: a.at):
        who = a.filer_id if a.filer_id is not None else a.filer_name
        groups.setdefault((who, a.phone or a.customer_name, a.holder_name), []).append(a)
    return tuple(
        DuplicateAttempts(
            filer_name=same[0].filer_name,
            holder_name=same[0].holder_name,
            customer=mask_name(same[0].customer_name) if same[0].customer_name else "",
            count=len(same),
            first_at=same[0].at,
            last_at=same[-1].at,
        )
        for same in groups.values()
    )


@dataclass(frozen=True)
class PossibleDuplicate:
    line: CustomerLine  # at: filed
    similar_holder: str | None


@dataclass(frozen=True)
class ExtensionLine:
    line: CustomerLine  # at: requested
    reason: str


@dataclass(frozen=True)
class QuotaUse:
    name: str
    used: int
    limit: int

    @property
    def full(self) -> bool:
        return self.used >= self.limit


@dataclass(frozen=True)
class TeamDigest:
    team: Team
    day: date
    at: datetime  # the moment states and deadlines were read
    open_count: int
    new_registrations: tuple[CustomerLine, ...]  # at: filed
    follow_ups: int
    follow_ups_by_person: tuple[PersonCount, ...]
    due_by_person: tuple[PersonDue, ...]
    about_to_lapse: tuple[CustomerLine, ...]  # at: the lapse
    lapsed: tuple[CustomerLine, ...]  # at: lapsed since
    about_to_expire: tuple[CustomerLine, ...]  # at: the expiry
    expired_today: tuple[CustomerLine, ...]  # at: the expiry
    credits: tuple[CreditLine, ...]
    rejected_duplicates: tuple[RejectedDuplicate, ...]
    possible_duplicates: tuple[PossibleDuplicate, ...]
    pending_reviews: tuple[CustomerLine, ...]  # at: filed
    quota: tuple[QuotaUse, ...] | None  # None: a store, no quota (RULES §3.6)
    pending_extensions: tuple[ExtensionLine, ...]
    unreachable: tuple[str, ...]  # reminders refused for good (RULES §5): tell them in person
    lapse_warning_hours: int  # how far ahead "about to lapse" looks
    expiry_warning_hours: int  # how far ahead "about to expire" looks
    aftersale: AftersaleSection = AftersaleSection()  # domain.aftersale_digest

    @property
    def duplicate_attempts(self) -> tuple[DuplicateAttempts, ...]:
        """The day's rejected duplicates, identical ones as one entry with their count."""
        return group_duplicate_attempts(self.rejected_duplicates)


def summarize(facts: DigestFacts, now: datetime, rules: Rules) -> TeamDigest:
    day = local_day(now, rules)
    start, end = day_bounds(day, rules.zone)
    events = sorted((e for e in facts.events if start <= e.at < end), key=lambda e: (e.at, e.registration.id))
    # Follow-ups done are real contacts: a note is no follow-up (RULES §4).
    follow_ups = [e for e in events if e.kind is EventKind.FOLLOW_UP and e.follow_up_kind in CONTACT_KINDS]
    current = [(r, standing_at(r, now, rules)) for r in facts.open_registrations if r.filed_at <= now]
    # Open challenges have no clock of their own to keep (RULES §4): the holder's is the one that counts.
    holding = [(r, s) for r, s in current if not s.challenging]

    about_to_lapse, lapsed, about_to_expire, expired_today = [], [], [], []
    # People are counted by id: two colleagues may share a name.
    names = {r.holder_id: r.holder_name for r, _ in holding}
    due: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for r, standing in holding:
        clocks = deadlines(r, rules)
        lapse_at, expiry_at = clocks[ReminderKind.LAPSE], clocks.get(ReminderKind.EXPIRY)
        if standing.state is State.DUE:
            due[r.holder_id] += 1
        if standing.state is State.LAPSED:
            overdue[r.holder_id] += 1
            lapsed.append(_line(r, lapse_at))
        if _keeps_clock(standing) and now < lapse_at <= now + timedelta(hours=rules.lapse_warning_hours):
            about_to_lapse.append(_line(r, lapse_at))
        if expiry_at is None:
            continue
        if _keeps_clock(standing) and now < expiry_at <= now + timedelta(hours=rules.expiry_warning_hours):
            about_to_expire.append(_line(r, expiry_at))
        if standing.state is State.EXPIRED and start <= expiry_at <= now:
            expired_today.append(_line(r, expiry_at))

    people = sorted(set(due) | set(overdue), key=lambda who: (-overdue[who], -due[who], names[who], who))
    by_person = Counter((e.actor_name or "", e.actor_id) for e in follow_ups)
    open_now = [r for r, _ in current]
    return TeamDigest(
        team=facts.team,
        day=day,
        at=now,
        open_count=len(current),
        new_registrations=tuple(_line(e.registration, e.at) for e in events if e.kind is EventKind.FILED),
        follow_ups=len(follow_ups),
        follow_ups_by_person=tuple(
            PersonCount(name, count)
            for (name, _), count in sorted(
                by_person.items(), key=lambda item: (-item[1], item[0][0], item[0][1] or 0)
            )
        ),
        due_by_person=tuple(PersonDue(names[who], due[who], overdue[who]) for who in people),
        about_to_lapse=_by_time(about_to_lapse),
        lapsed=_by_time(lapsed),
        about_to_expire=_by_time(about_to_expire),
        expired_today=_by_time(expired_today),
        credits=tuple(
            CreditLine(
                kind=e.follow_up_kind,
                at=e.at,
                customer_name=e.registration.customer_name,
                phone=e.registration.phone,
                recorded_by=e.actor_name,
                credited=e.credited_name,
                amount=e.amount,
                provisional=standing_at(e.registration, now, rules).provisional is not None,
            )
            for e in follow_ups
            if e.follow_up_kind in CREDIT_KINDS
        ),
        rejected_duplicates=tuple(
            sorted((c for c in facts.rejected_duplicates if start <= c.at < end), key=lambda c: c.at)
        ),
        possible_duplicates=tuple(
            PossibleDuplicate(_line(r, r.filed_at), facts.similar_holders.get(r.id))
            for r in sorted(open_now, key=_filing_order)
            if r.needs_review
        ),
        pending_reviews=tuple(
            _line(r, r.filed_at)
            for r, s in sorted(current, key=lambda rs: _filing_order(rs[0]))
            if s.state is State.PENDING_REVIEW
        ),
        quota=tuple(
            QuotaUse(q.staff_name, q.used, rules.field_monthly_quota)
            for q in sorted(facts.quota, key=lambda q: (-q.used, q.staff_name))
        )
        if facts.team.channel is Channel.FIELD
        else None,
        unreachable=facts.unreachable,
        pending_extensions=tuple(
            ExtensionLine(replace(_line(p.registration, p.requested_at), holder=p.requested_by), p.reason)
            for p in sorted(facts.pending_extensions, key=lambda p: (p.requested_at, p.registration.id))
        ),
        lapse_warning_hours=rules.lapse_warning_hours,
        expiry_warning_hours=rules.expiry_warning_hours,
        aftersale=summarize_aftersale(facts.aftersale, now, rules),
    )


def _keeps_clock(standing: Standing) -> bool:
    """Registrations whose follow-up and expiry clocks still run: not deposited (even
    provisionally, awaiting review), not expired."""
    return standing.holds_customer and standing.state is not State.DEPOSIT and standing.provisional is None


def _line(r: Registration, at: datetime) -> CustomerLine:
    return CustomerLine(r.id, r.holder_name, r.customer_name, r.phone, at)


def _by_time(lines: list[CustomerLine]) -> tuple[CustomerLine, ...]:
    return tuple(sorted(lines, key=lambda line: (line.at, line.registration_id)))


def _filing_order(r: Registration) -> tuple[datetime, int]:
    return (r.filed_at, r.id)
