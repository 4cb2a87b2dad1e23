"""After-sale deadlines (RULES §7, domain.aftersale) over holidays and 调休 days, and their invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from domain.aftersale import (
    CareItem,
    CareItemKind,
    DueKind,
    aftersale_deadlines,
    end_of_working_days,
    item_due,
    months_after,
    start_care,
    with_contact,
)
from domain.rules import Rules
from domain.working_days import CalendarKind

RULES = Rules()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int = 15, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def end_of(day: date) -> datetime:
    """Local midnight after `day`: the instant its end is reached."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


# --- the first contact over holidays and 调休 ---------------------------------------------------


def test_a_deal_before_national_day_owes_its_first_contact_by_the_make_up_saturday() -> None:
    # 2026: 1–7 October off; 8, 9 October and Saturday 10 October (调休) are working days.
    care = start_care(1, local(date(2026, 9, 30)), RULES)
    assert care.first_contact_due_at == end_of(date(2026, 10, 10))


def test_the_deal_day_itself_does_not_count_even_late_at_night() -> None:
    # Tuesday 10 November 2026, 23:30 local (15:30 UTC): the 3 working days are Wed, Thu, Fri.
    late = datetime(2026, 11, 10, 15, 30, tzinfo=UTC)
    assert start_care(1, late, RULES).first_contact_due_at == end_of(date(2026, 11, 13))
    # 00:30 local on Wednesday is still "Wednesday" though UTC says Tuesday.
    early = datetime(2026, 11, 10, 16, 30, tzinfo=UTC)
    assert start_care(1, early, RULES).first_contact_due_at == end_of(date(2026, 11, 16))


def test_spring_festival_and_its_make_up_days() -> None:
    # 2026 Spring Festival: 15–23 February off; Saturday 14 and Saturday 28 February are 调休 working days.
    care = start_care(1, local(date(2026, 2, 13)), RULES)  # Friday
    assert care.first_contact_due_at == end_of(date(2026, 2, 25))  # 14 (调休), 24, 25
    assert start_care(1, local(date(2026, 2, 26)), RULES).first_contact_due_at == end_of(date(2026, 3, 2))


def test_a_weekend_deal_and_other_calendars() -> None:
    saturday = local(date(2026, 11, 14))
    assert start_care(1, saturday, RULES).first_contact_due_at == end_of(date(2026, 11, 18))
    every_day = replace(RULES, working_days=CalendarKind.EVERY_DAY)
    assert start_care(1, saturday, every_day).first_contact_due_at == end_of(date(2026, 11, 17))


def test_problems_and_needs_over_labour_day() -> None:
    # 2026 Labour Day: 1–5 May off, Saturday 9 May a 调休 working day.
    opened = local(date(2026, 4, 30))
    assert item_due(CareItemKind.PROBLEM, opened, RULES) == end_of(date(2026, 5, 8))  # 6, 7, 8
    assert item_due(CareItemKind.NEED, opened, RULES) == end_of(date(2026, 5, 7))  # 6, 7
    three_for_needs = replace(RULES, need_meet_workdays=3)
    # From Thursday 7 May: Friday 8, the 调休 Saturday 9, Monday 11.
    assert item_due(CareItemKind.NEED, local(date(2026, 5, 7)), three_for_needs) == end_of(date(2026, 5, 11))


# --- the monthly contact and the end of care ------------------------------------------------------


def test_monthly_contact_is_due_30_days_after_the_last_contact_or_the_first_contact_deadline() -> None:
    won = local(date(2026, 11, 10))
    care = start_care(1, won, RULES)
    assert care.next_contact_due_at == care.first_contact_due_at + timedelta(days=30)
    contacted = with_contact(care, won + timedelta(days=1), RULES)
    assert contacted.first_contact_at == won + timedelta(days=1) and contacted.contacts == 1
    assert contacted.next_contact_due_at == won + timedelta(days=31)
    again = with_contact(contacted, won + timedelta(days=20), RULES)
    assert again.first_contact_at == won + timedelta(days=1)
    assert again.next_contact_due_at == won + timedelta(days=50)


def test_care_ends_twelve_months_after_the_deal_and_no_contact_is_owed_past_it() -> None:
    won = local(date(2026, 1, 31), 10)
    assert months_after(won, 1, RULES) == local(date(2026, 2, 28), 10)  # the month's last day
    care = start_care(1, won, RULES)
    assert care.ends_at == local(date(2027, 1, 31), 10)
    near_end = with_contact(care, care.ends_at - timedelta(days=10), RULES)
    assert near_end.next_contact_due_at is None  # 30 days later is after the end
    assert aftersale_deadlines(near_end, care.ends_at - timedelta(days=1)) == []
    assert aftersale_deadlines(care, care.ends_at) == []  # not even the missed first contact


def test_deadlines_soonest_first_with_overdue_and_open_items_only() -> None:
    won = local(date(2026, 11, 10))
    care = start_care(7, won, RULES)
    problem = CareItem(
        1, 7, CareItemKind.PROBLEM, "柜门松动", won, 1, item_due(CareItemKind.PROBLEM, won, RULES)
    )
    need = CareItem(2, 7, CareItemKind.NEED, "加一个床头柜", won, 1, won + timedelta(days=1))
    solved = replace(problem, id=3, closed_at=won + timedelta(hours=1))
    care = replace(care, items=(problem, need, solved))
    at = won + timedelta(days=2)
    dues = aftersale_deadlines(care, at)
    assert [(d.kind, d.item_id, d.overdue) for d in dues] == [
        (DueKind.NEED, 2, True),
        (DueKind.FIRST_CONTACT, None, False),
        (DueKind.PROBLEM, 1, False),
        (DueKind.CONTACT, None, False),
    ]
    assert dues[1].due_at == end_of(date(2026, 11, 13)) == dues[2].due_at
    # Right at the deadline it is overdue; just before, not.
    assert aftersale_deadlines(care, dues[1].due_at)[1].overdue
    assert not aftersale_deadlines(care, dues[1].due_at - timedelta(microseconds=1))[1].overdue
    # The first contact done: only the monthly contact remains of the contacts.
    contacted = with_contact(care, at, RULES)
    assert [d.kind for d in aftersale_deadlines(contacted, at)].count(DueKind.FIRST_CONTACT) == 0
    # Past the end of care an open problem is still owed.
    assert [d.item_id for d in aftersale_deadlines(care, care.ends_at)] == [2, 1]


# --- invariants over random deal dates -----------------------------------------------------------

deal_times = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
rule_sets = st.sampled_from(
    [
        RULES,
        replace(RULES, working_days=CalendarKind.MON_FRI),
        replace(RULES, working_days=CalendarKind.EVERY_DAY),
    ]
)
counts = st.integers(min_value=1, max_value=10)


@given(deal_times, rule_sets, counts)
def test_a_working_day_deadline_is_after_the_start_at_the_end_of_the_nth_working_day(
    start: datetime, rules: Rules, count: int
) -> None:
    due = end_of_working_days(start, count, rules)
    assert due > start
    due_local = due.astimezone(rules.zone)
    assert due_local.time() == time(0)  # the end of a local day
    last_day = due_local.date() - timedelta(days=1)
    calendar = rules.calendar
    assert calendar.is_working_day(last_day)
    assert calendar.between(start.astimezone(rules.zone).date(), last_day) == count


@given(deal_times, rule_sets)
def test_care_started_at_any_deal_holds_together(won: datetime, rules: Rules) -> None:
    care = start_care(1, won, rules)
    assert won < care.first_contact_due_at < care.ends_at
    assert care.first_contact_due_at == end_of_working_days(
        won, rules.aftersale_first_contact_workdays, rules
    )
    assert care.next_contact_due_at == care.first_contact_due_at + timedelta(days=30)
    assert care.ends_at - won >= timedelta(days=365 - 4)  # twelve months, whatever the month lengths
    dues = aftersale_deadlines(care, won)
    assert [d.kind for d in dues] == [DueKind.FIRST_CONTACT, DueKind.CONTACT]
    assert not any(d.overdue for d in dues)


@given(deal_times, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_a_contact_owes_the_next_thirty_days_later_within_care(won: datetime, after: timedelta) -> None:
    care = start_care(1, won, RULES)
    at = won + after
    contacted = with_contact(care, at, RULES)
    expected = at + timedelta(days=30)
    assert contacted.next_contact_due_at == (expected if expected < care.ends_at else None)
