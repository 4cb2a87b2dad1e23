"""RULES §4: a registration's state and next deadline at any instant, exactly at each boundary."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.lifecycle import CONTACT_KINDS, DeadlineKind, standing_at
from domain.model import Channel, Closure, FollowUpKind, Registration, ReviewState, State
from domain.rules import Rules

RULES = Rules()
FILED = datetime(2026, 11, 10, 6, 5, tzinfo=UTC)


def registration(channel: Channel = Channel.STORE, **kw: object) -> Registration:
    base = Registration(
        id=1,
        customer_id=1,
        phone="+8613800138000",
        customer_name="张三",
        address="北京市朝阳区建国路88号",
        holder_id=1,
        holder_name="王芳",
        team_id=1,
        channel=channel,
        filed_at=FILED,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("elapsed", "state", "deadline_kind", "deadline_after"),
    [
        (timedelta(0), State.ACTIVE, DeadlineKind.FOLLOW_UP, timedelta(days=3)),
        (timedelta(hours=72) - timedelta(seconds=1), State.ACTIVE, DeadlineKind.FOLLOW_UP, timedelta(days=3)),
        (timedelta(hours=72), State.DUE, DeadlineKind.LAPSE, timedelta(days=10)),
        (timedelta(days=10) - timedelta(seconds=1), State.DUE, DeadlineKind.LAPSE, timedelta(days=10)),
        (timedelta(days=10), State.LAPSED, None, None),
        (timedelta(days=400), State.LAPSED, None, None),
    ],
)
def test_store_registration_clock(elapsed, state, deadline_kind, deadline_after) -> None:
    standing = standing_at(registration(), FILED + elapsed, RULES)
    assert standing.state is state
    if deadline_kind is None:
        assert standing.deadline is None
    else:
        assert standing.deadline is not None
        assert (standing.deadline.kind, standing.deadline.at) == (deadline_kind, FILED + deadline_after)


def test_follow_up_restarts_the_clock() -> None:
    followed = registration(last_follow_up_at=FILED + timedelta(days=2))
    assert standing_at(followed, FILED + timedelta(days=4), RULES).state is State.ACTIVE
    assert standing_at(followed, FILED + timedelta(days=5), RULES).state is State.DUE


def test_field_registration_expires_after_15_days_without_measurement() -> None:
    reg = registration(Channel.FIELD, last_follow_up_at=FILED + timedelta(days=14))
    before = standing_at(reg, FILED + timedelta(days=15) - timedelta(seconds=1), RULES)
    assert before.state is State.ACTIVE
    assert before.deadline is not None and before.deadline.kind is DeadlineKind.EXPIRY
    assert standing_at(reg, FILED + timedelta(days=15), RULES).state is State.EXPIRED
    assert not standing_at(reg, FILED + timedelta(days=15), RULES).holds_customer


def test_measurement_before_expiry_keeps_a_field_registration() -> None:
    measured = registration(
        Channel.FIELD, measured_at=FILED + timedelta(days=5), last_follow_up_at=FILED + timedelta(days=5)
    )
    assert standing_at(measured, FILED + timedelta(days=15), RULES).state is State.LAPSED
    late = registration(Channel.FIELD, measured_at=FILED + timedelta(days=16))
    assert standing_at(late, FILED + timedelta(days=17), RULES).state is State.EXPIRED


def test_deposit_stops_expiry_and_closures_are_final() -> None:
    assert (
        standing_at(
            registration(Channel.FIELD, deposit_at=FILED + timedelta(days=1)),
            FILED + timedelta(days=90),
            RULES,
        ).state
        is State.DEPOSIT
    )
    for closure, state in [(Closure.WON, State.WON), (Closure.LOST, State.LOST), (Closure.VOID, State.VOID)]:
        assert standing_at(registration(closure=closure), FILED, RULES).state is state


def test_store_channel_never_expires() -> None:
    assert standing_at(registration(Channel.STORE), FILED + timedelta(days=30), RULES).state is State.LAPSED


@given(
    channel=st.sampled_from(list(Channel)),
    follow_up=st.one_of(st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))),
    measured=st.one_of(st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))),
    elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
)
def test_state_is_a_function_of_history_and_time(channel, follow_up, measured, elapsed) -> None:
    reg = registration(
        channel,
        last_follow_up_at=FILED + follow_up if follow_up is not None else None,
        measured_at=FILED + measured if measured is not None else None,
    )
    now = FILED + elapsed
    first, second = standing_at(reg, now, RULES), standing_at(reg, now, RULES)
    assert first == second
    # A deadline, when there is one, is always ahead; and expired never holds the customer.
    if first.deadline is not None:
        assert first.deadline.at > now
    if first.state is State.EXPIRED:
        assert channel is Channel.FIELD and not first.holds_customer


# --- issue 10 item 14: review must gate (RULES §3 optional review) ---------------------------------


def test_a_deposit_on_a_pending_registration_is_provisional_and_stays_pending() -> None:
    pending = registration(
        Channel.FIELD, review=ReviewState.PENDING, deposit_at=FILED + timedelta(days=1), credited_to_id=1
    )
    standing = standing_at(pending, FILED + timedelta(days=2), RULES)
    assert (standing.state, standing.provisional, standing.deadline) == (
        State.PENDING_REVIEW,
        State.DEPOSIT,
        None,
    )
    assert standing.holds_customer and standing.may_follow_up
    # No expiry while the (provisional) order stands, as for an approved deposit.
    assert standing_at(pending, FILED + timedelta(days=90), RULES).state is State.PENDING_REVIEW
    # Approved, it is a plain deposit; its credit is no longer provisional.
    approved = standing_at(replace(pending, review=ReviewState.APPROVED), FILED + timedelta(days=2), RULES)
    assert (approved.state, approved.provisional) == (State.DEPOSIT, None)


def test_a_deal_on_a_pending_registration_is_provisional_and_closes_nothing() -> None:
    pending = registration(
        review=ReviewState.PENDING,
        deposit_at=FILED + timedelta(days=1),
        deal_at=FILED + timedelta(days=1),
        credited_to_id=1,
    )
    standing = standing_at(pending, FILED + timedelta(days=2), RULES)
    assert (standing.state, standing.provisional) == (State.PENDING_REVIEW, State.WON)
    # It keeps its customer until a manager decides, but the deal is done: nothing more to record.
    assert standing.holds_customer and not standing.may_follow_up
    assert standing_at(pending, FILED, RULES).provisional is None  # before the deposit/deal was recorded


def test_a_pending_registration_without_money_has_no_provisional_credit() -> None:
    standing = standing_at(registration(review=ReviewState.PENDING), FILED + timedelta(days=1), RULES)
    assert (standing.state, standing.provisional) == (State.PENDING_REVIEW, None)
    assert standing.deadline is not None and standing.deadline.kind is DeadlineKind.FOLLOW_UP


# --- issue 10 item 15: only real contact keeps a claim (RULES §4) -----------------------------------


def test_only_real_contact_resets_the_clocks() -> None:
    assert FollowUpKind.NOTE not in CONTACT_KINDS
    assert CONTACT_KINDS == frozenset(FollowUpKind) - {FollowUpKind.NOTE}
