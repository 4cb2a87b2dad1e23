"""Reminders before day 3, day 10 and day 15 (RULES §5), as pure functions of a registration and T."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.lifecycle import standing_at
from domain.model import Registration, State
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
    found = {ReminderKind.FOLLOW_UP: last + rules.follow_up_every, ReminderKind.LAPSE: last + rules.lapse_after}
    expiry = registration.expires_at
    secured = registration.measured_at is not None and expiry is not None and registration.measured_at < expiry
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
    candidate = local.replace(hour=rules.quiet_end.hour, minute=rules.quiet_end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate
