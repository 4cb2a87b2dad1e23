"""A registration's state and next deadline at any instant, from its history alone (RULES §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.model import Channel, Closure, FollowUpKind, Registration, ReviewState, State
from domain.rules import Rules

# RULES §4: a real contact resets the 3- and 10-day clocks; a note is kept in the history but
# does not, or a claim could be held forever by typing notes.
CONTACT_KINDS = frozenset(FollowUpKind) - {FollowUpKind.NOTE}


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
    challenging: bool = False  # an open lapse-takeover challenge: filed, but not (yet) the holder
    # A deposit or deal recorded while review is pending: the state (DEPOSIT or WON) and credit
    # it becomes on approval; until then the registration stays PENDING_REVIEW (RULES §3).
    provisional: State | None = None

    @property
    def holds_customer(self) -> bool:
        """Whether the registration protects its customer against other filings right now."""
        return self.state in _HOLDING and not self.challenging

    @property
    def may_follow_up(self) -> bool:
        # A provisional deal is done, like a won one: nothing more to record until the decision.
        return self.state in _HOLDING and self.provisional is not State.WON


_HOLDING = frozenset({State.PENDING_REVIEW, State.ACTIVE, State.DUE, State.LAPSED, State.DEPOSIT})
_CLOSED = {
    Closure.WON: State.WON,
    Closure.LOST: State.LOST,
    Closure.VOID: State.VOID,
    Closure.EXPIRED: State.EXPIRED,
}


def initial_expiry(channel: Channel, filed_at: datetime, rules: Rules) -> datetime | None:
    """Field registrations become invalid 15 days after filing unless measured or deposited."""
    return filed_at + rules.field_expiry if channel is Channel.FIELD else None


def standing_at(registration: Registration, now: datetime, rules: Rules) -> Standing:
    challenging = registration.is_open_challenge
    if registration.closure is not None:
        return Standing(_CLOSED[registration.closure], None)
    if registration.deposit_at is not None and registration.deposit_at <= now:
        # The order stops the clocks and the expiry; under review, it awaits the manager's decision.
        if registration.review is ReviewState.PENDING:
            done = (
                State.WON
                if registration.deal_at is not None and registration.deal_at <= now
                else State.DEPOSIT
            )
            return Standing(State.PENDING_REVIEW, None, challenging, provisional=done)
        return Standing(State.DEPOSIT, None, challenging)

    expiry = registration.expires_at
    if expiry is None and registration.channel is Channel.FIELD:
        expiry = initial_expiry(registration.channel, registration.filed_at, rules)
    secured = registration.measured_at is not None and (expiry is None or registration.measured_at < expiry)
    if expiry is not None and not secured and now >= expiry:
        return Standing(State.EXPIRED, None, challenging)

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
    if registration.review is ReviewState.PENDING:
        state = State.PENDING_REVIEW
    return Standing(state, deadline, challenging)
