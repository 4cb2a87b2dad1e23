"""Reminders before day 3, day 10 and day 15 (RULES §5), as pure functions of a registration and T."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from domain.lifecycle import standing_at
from domain.model import DeliveryClaim, Registration, Staff, State
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.rules import Rules


class ReminderKind(StrEnum):
    FOLLOW_UP = "follow_up"  # a follow-up falls due within 24 hours
    LAPSE = "lapse"  # the registration lapses within 24 hours: a colleague could take over
    EXPIRY = "expiry"  # a field registration expires within 48 hours


@dataclass(frozen=True)
class Reminder:
    registration: Registration
    kind: ReminderKind
    deadline: datetime  # with the registration and kind, the reminder's identity: sent once

    @property
    def key(self) -> tuple[int, str, datetime]:
        return (self.registration.id, self.kind.value, self.deadline)


def deadlines(registration: Registration, rules: Rules) -> dict[ReminderKind, datetime]:
    """The instants each reminder warns about, from the registration's history."""
    last = max(registration.filed_at, registration.last_follow_up_at or registration.filed_at)
    found = {
        ReminderKind.FOLLOW_UP: last + rules.follow_up_every,
        ReminderKind.LAPSE: last + rules.lapse_after,
    }
    expiry = registration.expires_at
    secured = (
        registration.measured_at is not None and expiry is not None and registration.measured_at < expiry
    )
    if expiry is not None and not secured and registration.deposit_at is None:
        found[ReminderKind.EXPIRY] = expiry
    return found


def warning_before(kind: ReminderKind, rules: Rules) -> timedelta:
    return {
        ReminderKind.FOLLOW_UP: timedelta(hours=rules.remind_before_hours),
        ReminderKind.LAPSE: timedelta(hours=rules.lapse_warning_hours),
        ReminderKind.EXPIRY: timedelta(hours=rules.expiry_warning_hours),
    }[kind]


def due_reminders(registration: Registration, now: datetime, rules: Rules) -> list[Reminder]:
    """Reminders whose warning time has come and whose deadline has not passed yet.

    A reminder missed while the bot was down is still sent as long as it can help; one whose
    deadline passed is not (the next deadline has its own reminder).
    """
    standing = standing_at(registration, now, rules)
    if standing.challenging or standing.state not in _REMINDED:
        return []
    return [
        Reminder(registration, kind, at)
        for kind, at in deadlines(registration, rules).items()
        if at - warning_before(kind, rules) <= now < at
    ]


_REMINDED = frozenset({State.PENDING_REVIEW, State.ACTIVE, State.DUE, State.LAPSED})


def in_quiet_hours(now: datetime, rules: Rules) -> bool:
    """21:00–08:00 local by default: reminders wait for the next working hour."""
    local = now.astimezone(rules.zone).time()
    start, end = rules.quiet_start, rules.quiet_end
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def next_working_time(now: datetime, rules: Rules) -> datetime:
    if not in_quiet_hours(now, rules):
        return now
    local = now.astimezone(rules.zone)
    candidate = local.replace(
        hour=rules.quiet_end.hour, minute=rules.quiet_end.minute, second=0, microsecond=0
    )
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


# --- planning the sweep: which reminders go out now, each claimed once -----------------------------

LEASE = timedelta(minutes=2)  # a claimed delivery not confirmed within this is retried
RETRY_BATCH = 200
BATCH = 1_000  # due reminders read, recorded and handed to the sender at a time


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int | None  # None in a dry run: nothing was recorded
    reminder: Reminder
    to: Staff
    attempts: int = 0


def delivery_key(reminder: Reminder) -> str:
    deadline = reminder.deadline.astimezone(UTC)
    return f"reminder:{reminder.registration.id}:{reminder.kind.value}:{deadline:%Y%m%dT%H%M%S}"


def plan_reminders(
    unit_of_work: UnitOfWorkFactory,
    now: datetime,
    rules: Rules,
    *,
    dry_run: bool = False,
    lease: timedelta = LEASE,
) -> list[Outgoing]:
    """The whole pass of plan_reminder_batches in one list."""
    batches = plan_reminder_batches(unit_of_work, now, rules, dry_run=dry_run, lease=lease)
    return [o for batch in batches for o in batch]


def plan_reminder_batches(
    unit_of_work: UnitOfWorkFactory,
    now: datetime,
    rules: Rules,
    *,
    dry_run: bool = False,
    batch: int = BATCH,
    lease: timedelta = LEASE,
    claimed_at: Callable[[], datetime] | None = None,
) -> Iterator[list[Outgoing]]:
    """RULES §5: every reminder due at `now` that nobody has recorded yet, recorded (claimed)
    before it is sent, soonest deadline first; then earlier ones whose sending failed or was
    interrupted. Quiet hours hold everything back until the next working hour.

    In batches, each read and recorded in a transaction of its own: a catch-up after a long stop
    (tens of thousands due) neither holds them all in memory nor the write lock for the whole
    pass, and a batch not asked for yet (the bot stopping) is left for the next sweep. Each
    batch's lease runs from `claimed_at()` (the clock when it is recorded) if that is later than `now`, so a
    batch recorded minutes into a long catch-up is not at once free for another process to resend."""
    if in_quiet_hours(now, rules):
        return
    # Each kind's deadlines are read a page at a time in (deadline, id) order, and the three are
    # merged so that the soonest deadline goes first whatever its kind. A page read in one batch's
    # transaction may be recorded in the next one: the unique key still records each reminder once.
    pages: dict[ReminderKind, deque[tuple[datetime, Registration]]] = {k: deque() for k in ReminderKind}
    after: dict[ReminderKind, tuple[datetime, int] | None] = dict.fromkeys(ReminderKind)
    exhausted: set[ReminderKind] = set()
    holders: dict[int, Staff] = {}
    while True:
        with unit_of_work() as uow:
            for kind, page in pages.items():
                if not page and kind not in exhausted:
                    page.extend(
                        uow.registrations.reminder_candidates(now, rules, kind.value, after[kind], batch)
                    )
                    if len(page) < batch:
                        exhausted.add(kind)
                    if page:
                        after[kind] = (page[-1][0], page[-1][1].id)
            taken: list[tuple[ReminderKind, Registration]] = []
            # Only while every kind not read to its end has a page: its next row could come first.
            while len(taken) < batch and (live := [k for k, page in pages.items() if page]):
                kind = min(live, key=lambda k: (pages[k][0][0], pages[k][0][1].id))
                taken.append((kind, pages[kind].popleft()[1]))
                if not pages[kind] and kind not in exhausted:
                    break
            if not taken:
                break
            due = [
                reminder
                for kind, registration in taken
                for reminder in due_reminders(registration, now, rules)
                if reminder.kind is kind
            ]
            known = uow.deliveries.known_delivery_keys({delivery_key(r) for r in due})
            planned: list[tuple[Reminder, Staff, DeliveryClaim]] = []
            holders.update(uow.roster.staff_by_ids({r.registration.holder_id for r in due} - holders.keys()))
            for reminder in due:
                key = delivery_key(reminder)
                holder = holders.get(reminder.registration.holder_id)
                if key in known or holder is None or not holder.active:
                    continue
                claim = DeliveryClaim(
                    key=key,
                    kind=reminder.kind.value,
                    chat_id=holder.telegram_id,
                    staff_id=holder.id,
                    registration_id=reminder.registration.id,
                    team_id=reminder.registration.team_id,
                    deadline_at=reminder.deadline,
                )
                planned.append((reminder, holder, claim))
            if dry_run:
                outgoing = [Outgoing(None, reminder, holder) for reminder, holder, _ in planned]
            else:
                # A key missing from the result: another process claimed it a moment ago.
                claimed = uow.deliveries.record_deliveries(
                    [claim for _, _, claim in planned],
                    now=now,
                    lease_until=max(now, claimed_at() if claimed_at else now) + lease,
                )
                outgoing = [
                    Outgoing(claimed[claim.key], reminder, holder)
                    for reminder, holder, claim in planned
                    if claim.key in claimed
                ]
                uow.commit()
        if outgoing:
            yield outgoing
    if not dry_run:
        with unit_of_work() as uow:
            retries = _retries(uow, now, rules, lease)
            uow.commit()
        if retries:
            yield retries


def _retries(uow: UnitOfWork, now: datetime, rules: Rules, lease: timedelta) -> list[Outgoing]:
    """Deliveries recorded earlier but not confirmed: resent while still useful, else dropped."""
    outgoing = []
    for delivery in uow.deliveries.claim_retries(
        now, now + lease, RETRY_BATCH, {k.value for k in ReminderKind}
    ):
        # A reminder's delivery always names its registration, holder and deadline.
        registration = (
            uow.registrations.registration(delivery.registration_id)
            if delivery.registration_id is not None
            else None
        )
        holder = uow.roster.staff_by_id(delivery.staff_id) if delivery.staff_id is not None else None
        reminder = (
            Reminder(registration, ReminderKind(delivery.kind), delivery.deadline_at)
            if registration and delivery.deadline_at is not None
            else None
        )
        if (
            reminder is None
            or holder is None
            or not holder.active
            or reminder not in due_reminders(reminder.registration, now, rules)
        ):
            uow.deliveries.mark_delivery(delivery.id, status="dropped", now=now, error="no longer due")
            continue
        outgoing.append(Outgoing(delivery.id, reminder, holder, delivery.attempts))
    return outgoing


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between retries, at most an hour."""
    return timedelta(minutes=min(2**attempts, 60))
