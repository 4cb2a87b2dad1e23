"""Care days (domain.care_days): which day each greeting is due over holidays and 调休, birthdays
typed every way (and refused with a reason), 29 February in a year without it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.care_days import (
    Birthday,
    BirthdayError,
    CareDay,
    Occasion,
    birthdays_on,
    care_days_greeted_on,
    delivery_key,
    greeting_day,
    is_due,
    parse_birthday,
    parse_key,
)
from domain.rules import Rules
from domain.working_days import CalendarKind

CN = Rules()
MON_FRI = Rules(working_days=CalendarKind.MON_FRI)
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-15", Birthday(3, 15)),
        ("03-15", Birthday(3, 15)),
        ("3/15", Birthday(3, 15)),
        ("3月15日", Birthday(3, 15)),
        ("3月15号", Birthday(3, 15)),
        (" ３月１５日 ", Birthday(3, 15)),
        ("1990-03-15", Birthday(3, 15, 1990)),
        ("1990年3月15日", Birthday(3, 15, 1990)),
        ("2-29", Birthday(2, 29)),
        ("2000-02-29", Birthday(2, 29, 2000)),
    ],
)
def test_birthdays_typed_every_way(text: str, expected: Birthday) -> None:
    assert parse_birthday(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("2-30", BirthdayError.NO_SUCH_DAY),
        ("13-01", BirthdayError.NO_SUCH_DAY),
        ("0-10", BirthdayError.NO_SUCH_DAY),
        ("1991-02-29", BirthdayError.NO_SUCH_DAY),
        ("1800-01-01", BirthdayError.NO_SUCH_DAY),
        ("2030-01-01", BirthdayError.FUTURE),
        ("", BirthdayError.FORMAT),
        ("next tuesday", BirthdayError.FORMAT),
        ("315", BirthdayError.FORMAT),
        ("3-15-", BirthdayError.FORMAT),
    ],
)
def test_bad_birthdays_say_why(text: str, error: BirthdayError) -> None:
    assert parse_birthday(text, TODAY) is error


def test_29_february_is_28_february_in_a_year_without_it() -> None:
    assert Birthday(2, 29).on(2027) == date(2027, 2, 28)
    assert Birthday(2, 29).on(2028) == date(2028, 2, 29)
    assert birthdays_on(date(2027, 2, 28)) == [(2, 28), (2, 29)]
    assert birthdays_on(date(2028, 2, 28)) == [(2, 28)]
    assert birthdays_on(date(2028, 2, 29)) == [(2, 29)]


def test_a_birthday_on_monday_is_greeted_on_friday() -> None:
    assert greeting_day(date(2026, 12, 14), CN) == date(2026, 12, 11)
    friday = care_days_greeted_on(date(2026, 12, 11), CN)
    assert [c.day for c in friday] == [date(2026, 12, 12), date(2026, 12, 13), date(2026, 12, 14)]
    assert care_days_greeted_on(date(2026, 12, 12), CN) == []  # a Saturday greets nothing


def test_national_day_week_is_greeted_before_it() -> None:
    """2026: 1–7 October off; the last working day before is Wednesday 30 September, which carries
    the festival and every birthday to Thursday 8 October; Saturday 10 October is a 调休 working day."""
    days = care_days_greeted_on(date(2026, 9, 30), CN)
    festival = [c for c in days if c.occasion is Occasion.FESTIVAL]
    assert festival == [CareDay(date(2026, 10, 1), Occasion.FESTIVAL, "国庆节", "National Day")]
    birthdays = [c.day for c in days if c.occasion is Occasion.BIRTHDAY]
    assert birthdays == [date(2026, 10, 1) + timedelta(days=i) for i in range(8)]
    assert greeting_day(date(2026, 10, 11), CN) == date(2026, 10, 10)  # the make-up Saturday


def test_spring_festival_greeted_on_a_make_up_saturday_or_the_friday() -> None:
    """2026's Spring Festival holiday begins Sunday 15 February; Saturday 14 is a 调休 working day."""
    assert greeting_day(date(2026, 2, 15), CN) == date(2026, 2, 14)
    assert [c.name_zh for c in care_days_greeted_on(date(2026, 2, 14), CN) if c.name_zh] == ["春节"]
    assert greeting_day(date(2026, 2, 15), MON_FRI) == date(2026, 2, 13)  # its day before is a weekend
    assert [c.name_en for c in care_days_greeted_on(date(2026, 2, 13), MON_FRI) if c.name_en] == [
        "Spring Festival"
    ]


def test_due_on_that_day_in_working_hours_only() -> None:
    day = CareDay(date(2026, 12, 14), Occasion.BIRTHDAY)
    assert is_due(day, datetime(2026, 12, 11, 8, 0, tzinfo=SH), CN)
    assert is_due(day, datetime(2026, 12, 11, 20, 59, tzinfo=SH), CN)
    assert not is_due(day, datetime(2026, 12, 11, 7, 59, tzinfo=SH), CN)  # quiet hours
    assert not is_due(day, datetime(2026, 12, 11, 21, 0, tzinfo=SH), CN)
    assert not is_due(day, datetime(2026, 12, 12, 10, 0, tzinfo=SH), CN)  # no late greeting
    assert not is_due(day, datetime(2026, 12, 10, 10, 0, tzinfo=SH), CN)


def test_keys_name_holder_day_and_occasion() -> None:
    day = CareDay(date(2026, 10, 1), Occasion.FESTIVAL, "国庆节", "National Day")
    assert delivery_key(day, 7) == "acd:festival:20261001:s7"
    assert parse_key("acd:festival:20261001:s7") == (Occasion.FESTIVAL, date(2026, 10, 1), 7)
    assert parse_key("asr:as_contact:1:-:s7") is None
    assert parse_key("acd:party:20261001:s7") is None


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), st.sampled_from([CN, MON_FRI]))
def test_every_care_day_is_greeted_on_exactly_the_working_day_before(day: date, rules: Rules) -> None:
    greeted = greeting_day(day, rules)
    assert rules.calendar.is_working_day(greeted) and greeted < day
    assert all(
        not rules.calendar.is_working_day(greeted + timedelta(days=i)) for i in range(1, (day - greeted).days)
    )
    assert CareDay(day, Occasion.BIRTHDAY) in care_days_greeted_on(greeted, rules)
