"""After-sale reminders and misses (RULES §7), and planned-contact reminders: which are due when, as
pure functions of a candidate read from the stored deadlines and the instant; and the sweep's plan,
each recorded (claimed) in the delivery log under a unique key before it is sent, exactly like the
follow-up reminders (domain.reminders).

**Decisions**:

- first contact: the holder is reminded from the start of the first working day after the deal
  (rules.calendar: weekends, holidays and 调休 working days) until its deadline;
- the monthly contact, a problem and a need: in the 24 hours before their due time;
- a planned contact (a follow-up's "next contact"): on the planned day before the planned time; one
  planned before working hours begin (08:00) is reminded in the 24 hours before it instead, or it
  could never go out; a planned contact is dropped once a later follow-up is recorded;
- misses: a first contact or a problem/need still not done at its deadline is told to the team's
  managers on the next working day from the deadline (the whole of that local day; a bot down all
  that day does not tell it later). No miss is told for a deadline that had passed when the care
  was recorded (`recorded_at`: migration 0012 started care for old deals, whose deadlines are long
  gone — migration 0013 stamps those rows with the time it ran);
- quiet hours (21:00–08:00) hold everything back, as for the follow-up reminders;
- the problems of care have no assignee in the core: no reminder goes to customer service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from domain.model import DeliveryClaim, Registration, Staff
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.reminders import BATCH, LEASE, RETRY_BATCH, in_quiet_hours
from domain.rules import Rules

WARNING = timedelta(hours=24)  # the monthly contact, a problem, a need: reminded a day before
LOOKAHEAD = timedelta(days=40)  # longest first-contact window (3 working days past Spring Festival)


class AftersaleReminderKind(StrEnum):
    FIRST_CONTACT = "as_first_contact"
    CONTACT = "as_contact"
    PROBLEM = "as_problem"
    NEED = "as_need"
    PLANNED = "planned_contact"
    FIRST_CONTACT_MISSED = "as_first_contact_missed"  # to the team's managers
    PROBLEM_MISSED = "as_problem_missed"
    NEED_MISSED = "as_need_missed"

    @property
    def to_managers(self) -> bool:
        return self.value.endswith("_missed")


@dataclass(frozen=True)
class AftersaleCandidate:
    """One stored deadline the sweep read: with the kind, the reference and the deadline, the
    reminder's identity (each sent once to each recipient)."""

    kind: AftersaleReminderKind
    deadline: datetime
    registration: Registration
    started_at: datetime  # the care's start (the deal); for a planned contact, the follow-up's time
    recorded_at: datetime  # when the care (or the item, or the follow-up) was recorded
    ref: int | None = None  # the problem's / need's id, or the planning follow-up event's id
    note: str | None = None  # the problem's or need's note

    @property
    def reference(self) -> str:
        if self.kind in (AftersaleReminderKind.FIRST_CONTACT, AftersaleReminderKind.FIRST_CONTACT_MISSED):
            return "-"
        if self.kind is AftersaleReminderKind.CONTACT:
            return f"{self.deadline.astimezone(UTC):%Y%m%dT%H%M%S}"
        prefix = "e" if self.kind is AftersaleReminderKind.PLANNED else "i"
        return f"{prefix}{self.ref}"


def key_prefix(kind: AftersaleReminderKind, registration_id: int, reference: str) -> str:
    return f"asr:{kind.value}:{registration_id}:{reference}:"


def delivery_key(candidate: AftersaleCandidate, to: Staff) -> str:
    prefix = key_prefix(candidate.kind, candidate.registration.id, candidate.reference)
    return f"{prefix}s{to.id}"


def day_start(day: date, rules: Rules) -> datetime:
    return datetime.combine(day, time(0), tzinfo=rules.zone).astimezone(UTC)


def window(candidate: AftersaleCandidate, rules: Rules) -> tuple[datetime, datetime] | None:
    """When the reminder may go out (quiet hours aside): [start, end); None: never."""
    kind, deadline, zone = candidate.kind, candidate.deadline, rules.zone
    if kind is AftersaleReminderKind.FIRST_CONTACT:
        first_day = rules.calendar.after(candidate.started_at.astimezone(zone).date(), 1)
        return day_start(first_day, rules), deadline
    if kind is AftersaleReminderKind.PLANNED:
        local = deadline.astimezone(zone)
        if local.time() <= rules.quiet_end:
            return deadline - WARNING, deadline
        return day_start(local.date(), rules), deadline
    if kind.to_managers:
        if deadline <= candidate.recorded_at:
            return None  # passed before the care was recorded: nobody could have done it
        day = rules.calendar.next_from(deadline.astimezone(zone).date())
        return max(day_start(day, rules), deadline), day_start(day + timedelta(days=1), rules)
    return deadline - WARNING, deadline


@dataclass(frozen=True)
class Bounds:
    """The stored deadlines a kind's reminders can be due for at an instant — after < deadline <=
    until, and the care started before `started_before` — so that the sweep's index range reads
    what `window` will let out, not a day's worth of rows again every minute."""

    after: datetime
    until: datetime
    started_before: datetime | None = None


def candidate_bounds(kind: AftersaleReminderKind, now: datetime, rules: Rules) -> Bounds | None:
    """None: nothing of this kind can be due at `now` (a miss on a day off)."""
    calendar, today = rules.calendar, now.astimezone(rules.zone).date()
    tomorrow = day_start(today + timedelta(days=1), rules)
    if kind.to_managers:  # told on the next working day from the deadline: today, if it is one
        if not calendar.is_working_day(today):
            return None
        since = day_start(calendar.before(today) + timedelta(days=1), rules)
        return Bounds(since - timedelta(microseconds=1), now)
    if kind is AftersaleReminderKind.FIRST_CONTACT:  # the first working day after the deal has come
        last_working = today if calendar.is_working_day(today) else calendar.before(today)
        return Bounds(now, now + LOOKAHEAD, day_start(last_working, rules))
    if kind is AftersaleReminderKind.PLANNED:  # today's, or tomorrow's before working hours
        early = datetime.combine(today + timedelta(days=1), rules.quiet_end, tzinfo=rules.zone)
        return Bounds(now, min(now + WARNING, max(tomorrow, early.astimezone(UTC))))
    return Bounds(now, now + WARNING)


def is_due(candidate: AftersaleCandidate, now: datetime, rules: Rules) -> bool:
    span = window(candidate, rules)
    return span is not None and span[0] <= now < span[1] and not in_quiet_hours(now, rules)


@dataclass(frozen=True)
class AftersaleOutgoing:
    delivery_id: int | None  # None in a dry run: nothing was recorded
    reminder: AftersaleCandidate
    to: Staff
    attempts: int = 0


def _claim(candidate: AftersaleCandidate, to: Staff) -> DeliveryClaim:
    return DeliveryClaim(
        key=delivery_key(candidate, to),
        kind=candidate.kind.value,
        chat_id=to.telegram_id,
        staff_id=to.id,
        registration_id=candidate.registration.id,
        team_id=candidate.registration.team_id,
        deadline_at=candidate.deadline,
    )


def _recipients(uow: UnitOfWork, due: list[AftersaleCandidate]) -> dict[int, list[Staff]]:
    """Who hears of each candidate: the holder, or the holder's team's managers for a miss."""
    holders = uow.roster.staff_by_ids({c.registration.holder_id for c in due if not c.kind.to_managers})
    teams = {c.registration.team_id for c in due if c.kind.to_managers}
    managers: dict[int, list[Staff]] = {}
    for manager in uow.roster.team_managers(teams) if teams else []:
        if manager.team_id is not None:
            managers.setdefault(manager.team_id, []).append(manager)
    found: dict[int, list[Staff]] = {}
    for index, candidate in enumerate(due):
        if candidate.kind.to_managers:
            found[index] = managers.get(candidate.registration.team_id, [])
        else:
            holder = holders.get(candidate.registration.holder_id)
            found[index] = [holder] if holder is not None else []
    return {i: [s for s in people if s.active] for i, people in found.items()}


def plan_aftersale_batches(
    unit_of_work: UnitOfWorkFactory,
    now: datetime,
    rules: Rules,
    *,
    dry_run: bool = False,
    batch: int = BATCH,
    lease: timedelta = LEASE,
    claimed_at: Callable[[], datetime] | None = None,
) -> Iterator[list[AftersaleOutgoing]]:
    """Every after-sale reminder and miss due at `now` not recorded yet, recorded (claimed) before
    it is sent, kind by kind in (deadline, id) pages read by index; then earlier ones whose sending
    failed or was interrupted. Nothing in quiet hours."""
    if in_quiet_hours(now, rules):
        return
    for kind in AftersaleReminderKind:
        after: tuple[datetime, int] | None = None
        while True:
            with unit_of_work() as uow:
                bounds = candidate_bounds(kind, now, rules)
                page = uow.aftersale.reminder_candidates(kind.value, bounds, after, batch) if bounds else []
                if not page:
                    break
                after = (page[-1].deadline, page[-1].ref or page[-1].registration.id)
                due = [c for c in page if is_due(c, now, rules)]
                recipients = _recipients(uow, due)
                planned = [
                    (candidate, to, _claim(candidate, to))
                    for index, candidate in enumerate(due)
                    for to in recipients[index]
                ]
                known = uow.deliveries.known_delivery_keys({claim.key for _, _, claim in planned})
                planned = [p for p in planned if p[2].key not in known]
                if dry_run:
                    outgoing = [AftersaleOutgoing(None, c, to) for c, to, _ in planned]
                else:
                    claimed = uow.deliveries.record_deliveries(
                        [claim for _, _, claim in planned],
                        now=now,
                        lease_until=max(now, claimed_at() if claimed_at else now) + lease,
                    )
                    outgoing = [
                        AftersaleOutgoing(claimed[claim.key], c, to)
                        for c, to, claim in planned
                        if claim.key in claimed
                    ]
                    _nobody_to_tell(uow, [c for i, c in enumerate(due) if not recipients[i]], now)
                    uow.commit()
            if outgoing:
                yield outgoing
            if len(page) < batch:
                break
    if not dry_run:
        with unit_of_work() as uow:
            retries = _retries(uow, now, rules, lease)
            uow.commit()
        if retries:
            yield retries


def _nobody_to_tell(uow: UnitOfWork, unheard: list[AftersaleCandidate], now: datetime) -> None:
    """A reminder due with nobody to hear it (a team without a manager, a holder who left) is
    recorded as dropped, once, so the next sweeps do not read it again."""
    claims = [
        DeliveryClaim(
            key=key_prefix(c.kind, c.registration.id, c.reference) + "nobody",
            kind=c.kind.value,
            chat_id=0,
            staff_id=None,
            registration_id=c.registration.id,
            team_id=c.registration.team_id,
            deadline_at=c.deadline,
        )
        for c in unheard
    ]
    for delivery_id in uow.deliveries.record_deliveries(claims, now=now, lease_until=now).values():
        uow.deliveries.mark_delivery(delivery_id, status="dropped", now=now, error="nobody to tell")


def parse_key(key: str) -> tuple[AftersaleReminderKind, int, int | None] | None:
    """(kind, registration id, item or event id) from a delivery key; None if it is not one of ours."""
    parts = key.split(":")
    if len(parts) != 5 or parts[0] != "asr":
        return None
    try:
        kind, registration_id = AftersaleReminderKind(parts[1]), int(parts[2])
        ref = int(parts[3][1:]) if parts[3][:1] in ("i", "e") else None
    except ValueError:
        return None
    return kind, registration_id, ref


def _retries(uow: UnitOfWork, now: datetime, rules: Rules, lease: timedelta) -> list[AftersaleOutgoing]:
    """Deliveries recorded earlier but not confirmed: resent while still due, else dropped."""
    outgoing = []
    kinds = {k.value for k in AftersaleReminderKind}
    for delivery in uow.deliveries.claim_retries(now, now + lease, RETRY_BATCH, kinds):
        parsed = parse_key(delivery.key)
        candidate = (
            uow.aftersale.reminder_candidate(parsed[0].value, parsed[1], parsed[2], delivery.deadline_at)
            if parsed is not None and delivery.deadline_at is not None
            else None
        )
        to = uow.roster.staff_by_id(delivery.staff_id) if delivery.staff_id is not None else None
        if candidate is None or to is None or not to.active or not is_due(candidate, now, rules):
            uow.deliveries.mark_delivery(delivery.id, status="dropped", now=now, error="no longer due")
            continue
        outgoing.append(AftersaleOutgoing(delivery.id, candidate, to, delivery.attempts))
    return outgoing
