"""RULES §5: the exact instants reminders come due, and quiet hours, in Asia/Shanghai."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.model import Channel, Closure, Registration
from domain.reminders import ReminderKind, due_reminders, in_quiet_hours, next_working_time
from domain.rules import Rules

RULES = Rules()
SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 local
H = timedelta(hours=1)
D = timedelta(days=1)


def registration(channel: Channel = Channel.STORE, **kw: object) -> Registration:
    base = Registration(
        id=7,
        customer_id=1,
        phone="+8613800138000",
        customer_name="张三",
        address="北京市朝阳区建国路88号",
        holder_id=1,
        holder_name="王芳",
        team_id=1,
        channel=channel,
        filed_at=FILED,
        expires_at=FILED + 15 * D if channel is Channel.FIELD else None,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def kinds(reg: Registration, at: datetime) -> set[ReminderKind]:
    return {r.kind for r in due_reminders(reg, at, RULES)}


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (FILED + 2 * D - timedelta(seconds=1), set()),
        (FILED + 2 * D, {ReminderKind.FOLLOW_UP}),  # 24 h before day 3
        (FILED + 3 * D - timedelta(seconds=1), {ReminderKind.FOLLOW_UP}),
        (FILED + 3 * D, set()),  # due now: the follow-up reminder's moment has passed
        (FILED + 9 * D - timedelta(seconds=1), set()),
        (FILED + 9 * D, {ReminderKind.LAPSE}),  # 24 h before day 10
        (FILED + 10 * D, set()),
    ],
)
def test_store_reminder_windows(at: datetime, expected: set[ReminderKind]) -> None:
    assert kinds(registration(), at) == expected


def test_field_expiry_warning_48_hours_before_day_15() -> None:
    field = registration(Channel.FIELD, last_follow_up_at=FILED + 12 * D)
    assert ReminderKind.EXPIRY not in kinds(field, FILED + 13 * D - timedelta(seconds=1))
    assert ReminderKind.EXPIRY in kinds(field, FILED + 13 * D)
    assert kinds(field, FILED + 15 * D) == set()  # expired: nothing left to remind


def test_measurement_or_deposit_cancels_the_expiry_warning() -> None:
    measured = registration(Channel.FIELD, measured_at=FILED + D, last_follow_up_at=FILED + 12 * D)
    assert ReminderKind.EXPIRY not in kinds(measured, FILED + 13 * D)
    deposited = registration(Channel.FIELD, deposit_at=FILED + D)
    assert kinds(deposited, FILED + 13 * D) == set()


def test_follow_up_moves_the_deadlines_and_each_reminder_names_its_deadline() -> None:
    followed = registration(last_follow_up_at=FILED + 2 * D + 5 * H)
    [reminder] = due_reminders(followed, FILED + 4 * D + 5 * H, RULES)
    assert reminder.kind is ReminderKind.FOLLOW_UP and reminder.deadline == FILED + 5 * D + 5 * H


def test_closed_and_challenging_registrations_are_not_reminded() -> None:
    assert kinds(registration(closure=Closure.WON), FILED + 2 * D) == set()
    assert kinds(registration(challenge_of_id=3, holds_claim=False), FILED + 2 * D) == set()


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        ((20, 59), False),
        ((21, 0), True),
        ((23, 30), True),
        ((0, 0), True),
        ((7, 59), True),
        ((8, 0), False),
        ((12, 0), False),
    ],
)
def test_quiet_hours(local: tuple[int, int], quiet: bool) -> None:
    at = datetime(2026, 11, 27, *local, tzinfo=SHANGHAI)
    assert in_quiet_hours(at, RULES) is quiet


def test_next_working_time_is_eight_in_the_morning() -> None:
    assert next_working_time(datetime(2026, 11, 27, 22, 15, tzinfo=SHANGHAI), RULES) == datetime(
        2026, 11, 28, 8, 0, tzinfo=SHANGHAI
    )
    assert next_working_time(datetime(2026, 11, 28, 6, 0, tzinfo=SHANGHAI), RULES) == datetime(
        2026, 11, 28, 8, 0, tzinfo=SHANGHAI
    )
    noon = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
    assert next_working_time(noon, RULES) == noon
