"""Which after-sale reminder is due when (domain.aftersale_reminders): over National Day and its 调休
Saturday, weekends and quiet hours; misses on the next working day only; none for migrated care."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.aftersale import end_of_working_days, start_care
from domain.aftersale_reminders import AftersaleCandidate, is_due, parse_key, window
from domain.aftersale_reminders import AftersaleReminderKind as K
from domain.model import Channel, Registration
from domain.rules import Rules

SH = ZoneInfo("Asia/Shanghai")
RULES = Rules()
REG = Registration(
    id=7, customer_id=1, phone="13800138000", customer_name="张三", address="北京市朝阳区建国路88号",
    holder_id=3, holder_name="王芳", team_id=1, channel=Channel.STORE,
    filed_at=datetime(2026, 9, 1, tzinfo=SH),
)  # fmt: skip


def local(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def candidate(kind: K, deadline: datetime, started: datetime, recorded: datetime | None = None):
    return AftersaleCandidate(kind, deadline, REG, started, recorded or started, ref=5, note="柜门松动")


DEAL = local(9, 30)  # Wednesday before National Day
CARE = start_care(REG.id, DEAL, RULES)


def test_first_contact_is_reminded_from_the_first_working_day_after_national_day() -> None:
    assert CARE.first_contact_due_at == local(10, 11, 0)  # the 调休 Saturday 10 October is the 3rd
    first = candidate(K.FIRST_CONTACT, CARE.first_contact_due_at, DEAL)
    assert window(first, RULES) == (local(10, 8, 0), local(10, 11, 0))
    assert not is_due(first, local(10, 1), RULES)  # the holiday week
    assert not is_due(first, local(10, 8, 7, 59), RULES)  # quiet hours
    assert is_due(first, local(10, 8, 8, 0), RULES)
    assert is_due(first, local(10, 10, 20, 59), RULES)  # the 调休 Saturday
    assert not is_due(first, local(10, 10, 21, 0), RULES)
    assert not is_due(first, local(10, 11, 10), RULES)  # past the deadline


def test_a_deal_on_friday_is_reminded_on_monday() -> None:
    deal = local(11, 13, 18)
    due = end_of_working_days(deal, 3, RULES)
    first = candidate(K.FIRST_CONTACT, due, deal)
    assert not is_due(first, local(11, 14), RULES) and not is_due(first, local(11, 15), RULES)
    assert is_due(first, local(11, 16, 9), RULES)


def test_a_missed_first_contact_is_told_on_the_next_working_day_only() -> None:
    missed = candidate(K.FIRST_CONTACT_MISSED, CARE.first_contact_due_at, DEAL)
    assert not is_due(missed, local(10, 11), RULES)  # Sunday: wait for Monday
    assert not is_due(missed, local(10, 12, 7), RULES)  # quiet hours
    assert is_due(missed, local(10, 12, 8), RULES)
    assert not is_due(missed, local(10, 13, 10), RULES)


def test_no_miss_is_told_for_a_deadline_earlier_than_the_care_record() -> None:
    migrated = candidate(K.FIRST_CONTACT_MISSED, CARE.first_contact_due_at, DEAL, recorded=local(10, 12, 9))
    assert window(migrated, RULES) is None
    assert not is_due(migrated, local(10, 12, 10), RULES)


def test_a_problem_opened_before_the_调休_saturday_is_reminded_the_day_before_its_due() -> None:
    opened = local(10, 9)  # Friday: 10 (调休), 12, 13 October
    due = end_of_working_days(opened, RULES.problem_solve_workdays, RULES)
    assert due == local(10, 14, 0)
    problem = candidate(K.PROBLEM, due, opened)
    assert not is_due(problem, local(10, 12, 20), RULES)
    assert is_due(problem, local(10, 13, 8), RULES)
    overdue = candidate(K.PROBLEM_MISSED, due, opened)
    assert is_due(overdue, local(10, 14, 9), RULES) and not is_due(overdue, local(10, 15, 9), RULES)


def test_a_need_overdue_before_a_weekend_is_told_on_monday() -> None:
    opened = local(11, 11)  # Wednesday: due by the end of Friday (2 working days)
    due = end_of_working_days(opened, RULES.need_meet_workdays, RULES)
    overdue = candidate(K.NEED_MISSED, due, opened)
    assert not is_due(overdue, local(11, 14), RULES) and is_due(overdue, local(11, 16), RULES)


def test_monthly_contact_in_the_24_hours_before() -> None:
    due = CARE.next_contact_due_at
    assert due is not None
    contact = candidate(K.CONTACT, due, DEAL)
    assert window(contact, RULES) == (due - timedelta(hours=24), due)


@pytest.mark.parametrize(
    ("planned", "start"),
    [
        (local(11, 12, 15), local(11, 12, 0)),  # that day, before the planned time
        (local(11, 12, 7, 30), local(11, 11, 7, 30)),  # before working hours: the evening before
    ],
)
def test_planned_contact_window(planned: datetime, start: datetime) -> None:
    assert window(candidate(K.PLANNED, planned, local(11, 10)), RULES) == (start, planned)


def test_delivery_keys_parse_back() -> None:
    assert parse_key("asr:as_problem:7:i5:s3") == (K.PROBLEM, 7, 5)
    assert parse_key("asr:as_first_contact:7:-:s3") == (K.FIRST_CONTACT, 7, None)
    assert parse_key("reminder:7:follow_up:20261110T020000") is None
    assert parse_key("asr:nonsense:7:-:s3") is None


def test_the_index_ranges_hold_only_what_can_be_due() -> None:
    from domain.aftersale_reminders import candidate_bounds

    assert candidate_bounds(K.FIRST_CONTACT_MISSED, local(10, 11), RULES) is None  # Sunday: no misses
    monday = candidate_bounds(K.PROBLEM_MISSED, local(10, 12, 9), RULES)
    assert monday is not None  # deadlines since the last working day's end (the 调休 Saturday's)
    assert monday.after < local(10, 11, 0) <= monday.until and monday.after >= local(10, 10, 23)
    first = candidate_bounds(K.FIRST_CONTACT, local(10, 4), RULES)  # in the holiday week
    assert first is not None and first.started_before == local(9, 30, 0)  # deals before 30 Sep
    planned = candidate_bounds(K.PLANNED, local(11, 12, 16), RULES)
    assert planned is not None and planned.until == local(11, 13, 8, 0)  # tomorrow before 08:00 only
