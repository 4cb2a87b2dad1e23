"""A registration's state and next deadline at any instant, from its history alone (RULES §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.model import Channel, Closure, Registration, State
from domain.rules import Rules


class DeadlineKind(StrEnum):
    FOLLOW_UP = "follow_up"  # day 3: a follow-up is owed
    LAPSE = "lapse"  # day 10: a colleague may take the customer over
    EXPIRY = "expiry"  # day 15, field channel: invalid without measurement or deposit


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    at: datetime


@dataclass(frozen=True)
class Standing:
    state: State
    deadline: Deadline | None

    @property
    def holds_customer(self) -> bool:
        """Whether the registration still protects its customer against other filings."""
        return self.state in _HOLDING


_HOLDING = frozenset({State.ACTIVE, State.DUE, State.LAPSED, State.DEPOSIT})
_CLOSED = {
    Closure.WON: State.WON,
    Closure.LOST: State.LOST,
    Closure.VOID: State.VOID,
    Closure.EXPIRED: State.EXPIRED,
}


def expires_at(registration: Registration, rules: Rules) -> datetime | None:
    """Field registrations lapse for good 15 days after filing unless measured or deposited."""
    if registration.channel is not Channel.FIELD:
        return None
    return registration.filed_at + rules.field_expiry


def standing_at(registration: Registration, now: datetime, rules: Rules) -> Standing:
    if registration.closure is not None:
        return Standing(_CLOSED[registration.closure], None)
    if registration.deposit_at is not None and registration.deposit_at <= now:
        return Standing(State.DEPOSIT, None)

    expiry = expires_at(registration, rules)
    secured = registration.measured_at is not None and (expiry is None or registration.measured_at < expiry)
    if expiry is not None and not secured and now >= expiry:
        return Standing(State.EXPIRED, None)

    last = max(registration.filed_at, registration.last_follow_up_at or registration.filed_at)
    due_at = last + rules.follow_up_every
    lapse_at = last + rules.lapse_after
    if now >= lapse_at:
        state, deadline = State.LAPSED, None
    elif now >= due_at:
        state, deadline = State.DUE, Deadline(DeadlineKind.LAPSE, lapse_at)
    else:
        state, deadline = State.ACTIVE, Deadline(DeadlineKind.FOLLOW_UP, due_at)
    if expiry is not None and not secured and (deadline is None or expiry < deadline.at):
        deadline = Deadline(DeadlineKind.EXPIRY, expiry)
    return Standing(state, deadline)
