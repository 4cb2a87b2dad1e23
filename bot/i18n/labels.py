"""Texts chosen by a value rather than written at the call: a state, a role, a kind. Each map is
built, and checked complete, when this module is imported — a value without its text stops the
bot at start-up, not in front of a user."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from bot.i18n.keys import Text
from domain.aftersale_reminders import AftersaleReminderKind
from domain.customer_details import Problem
from domain.decisions import Arbitration
from domain.filing import Reason
from domain.history import AttemptKind
from domain.lifecycle import DeadlineKind
from domain.model import EventKind, ExpectedPurchase, FollowUpKind, Role, State
from domain.registrations import Refusal
from domain.reminders import ReminderKind

V = TypeVar("V", bound=StrEnum)


def keyed(prefix: str, values: Iterable[V]) -> dict[V, Text]:
    """`prefix` + value → its text, for every value (ValueError names a value without one)."""
    return {value: Text(f"{prefix}{value}") for value in values}


STATE = keyed("state_", State)
ROLE = keyed("role_", Role)
FOLLOW_UP_KIND = keyed("kind_", FollowUpKind)
PURCHASE = keyed("purchase_", ExpectedPurchase)
DEADLINE = keyed("deadline_", DeadlineKind)
REFUSAL = keyed("refused_", Refusal)
PROBLEM = keyed("", Problem)
REJECTION_REASON = keyed("history_reason_", Reason)
HISTORY_ENTRY = keyed("history_entry_", [*EventKind, *AttemptKind])
ARBITRATION = keyed("arb_", Arbitration)
REMINDER = keyed("reminder_", ReminderKind)
AFTERSALE_REMINDER = keyed("asr_", AftersaleReminderKind)
