"""Working days (RULES §7): the official calendar with holidays and 调休, Monday–Friday, every day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.working_days import CalendarKind, WorkingDays, covers, festivals

CN = WorkingDays(CalendarKind.CN)
MON_FRI = WorkingDays(CalendarKind.MON_FRI)
EVERY_DAY = WorkingDays(CalendarKind.EVERY_DAY)

# Years the calendar package knows (2004–2026 in chinese-calendar 1.11) and one it does not.
known_days = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 11, 30))
any_days = st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 12, 31))
counts = st.integers(min_value=1, max_value=15)
calendars = st.sampled_from([CN, MON_FRI, EVERY_DAY])


@given(calendars, any_days, counts)
def test_the_nth_working_day_after_is_a_working_day_with_n_working_days_up_to_it(
    calendar: WorkingDays, day: date, count: int
) -> None:
    due = calendar.after(day, count)
    assert calendar.is_working_day(due)
    assert calendar.between(day, due) == count
    assert calendar.between(day, due - timedelta(days=1)) == count - 1  # none skipped, none extra


@given(calendars, any_days)
def test_before_and_next_from_are_the_nearest_working_days(calendar: WorkingDays, day: date) -> None:
    previous, following = calendar.before(day), calendar.next_from(day)
    assert previous < day <= following
    assert calendar.is_working_day(previous) and calendar.is_working_day(following)
    assert calendar.between(previous, day - timedelta(days=1)) == 0
    assert following == day or calendar.between(day, following - timedelta(days=1)) == 0


@given(any_days, counts)
def test_every_day_counts_calendar_days_and_mon_fri_skips_weekends(day: date, count: int) -> None:
    assert EVERY_DAY.after(day, count) == day + timedelta(days=count)
    assert MON_FRI.is_working_day(day) == (day.weekday() < 5)


@given(known_days)
def test_the_official_calendar_differs_from_mon_fri_only_on_holidays_and_make_up_days(day: date) -> None:
    import chinese_calendar

    if CN.is_working_day(day) != MON_FRI.is_working_day(day):
        _, name = chinese_calendar.get_holiday_detail(day)
        assert name is not None  # a named holiday off, or its 调休 working day


def test_national_day_week_is_off_and_the_deadline_moves_past_it() -> None:
    # 2026: 1–7 October off. A deal on Wednesday 30 September: first contact due by the 3rd
    # working day after it, Saturday 10 October (a 调休 working day), not Saturday 3 October.
    deal = date(2026, 9, 30)
    assert [CN.is_working_day(date(2026, 10, d)) for d in range(1, 8)] == [False] * 7
    assert CN.after(deal, 1) == date(2026, 10, 8)
    assert CN.after(deal, 3) == date(2026, 10, 10)
    assert MON_FRI.after(deal, 3) == date(2026, 10, 5)
    assert CN.before(date(2026, 10, 8)) == deal


def test_make_up_working_days_are_working_days() -> None:
    assert date(2026, 9, 20).weekday() == 6 and CN.is_working_day(date(2026, 9, 20))  # Sunday 调休
    assert date(2026, 2, 28).weekday() == 5 and CN.is_working_day(date(2026, 2, 28))  # Saturday 调休
    assert not MON_FRI.is_working_day(date(2026, 2, 28))


def test_a_year_the_calendar_does_not_know_is_counted_monday_to_friday() -> None:
    assert covers(2026) and not covers(2027)
    new_years_day = date(2027, 1, 1)  # a Friday: off by law, but the package has no 2027 data yet
    assert CN.is_working_day(new_years_day) == MON_FRI.is_working_day(new_years_day)
    assert CN.after(date(2027, 1, 1), 1) == date(2027, 1, 4)


def test_festivals_are_the_first_days_off_of_each_festival_not_its_make_up_days() -> None:
    found = [(f.day, f.name_zh, f.name_en) for f in festivals(date(2026, 1, 1), date(2026, 12, 31))]
    assert found == [
        (date(2026, 1, 1), "元旦", "New Year's Day"),
        (date(2026, 2, 15), "春节", "Spring Festival"),
        (date(2026, 4, 4), "清明", "Tomb-sweeping Day"),
        (date(2026, 5, 1), "劳动节", "Labour Day"),
        (date(2026, 6, 19), "端午", "Dragon Boat Festival"),
        (date(2026, 9, 25), "中秋", "Mid-autumn Festival"),
        (date(2026, 10, 1), "国庆节", "National Day"),
    ]
    # A window starting inside a holiday does not report it again; an unknown year has none.
    assert [f.day for f in festivals(date(2026, 10, 2), date(2026, 10, 31))] == []
    assert list(festivals(date(2027, 1, 1), date(2027, 12, 31))) == []


@pytest.mark.parametrize("count", [0, -1])
def test_a_count_below_one_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CN.after(date(2026, 12, 7), count)


def test_start_up_warns_when_the_calendar_does_not_know_the_year(caplog: pytest.LogCaptureFixture) -> None:
    from datetime import UTC, datetime

    from bot.app import warn_if_the_calendar_ends
    from domain.rules import Rules

    with caplog.at_level("WARNING", logger="leadbot"):
        warn_if_the_calendar_ends(Rules(), datetime(2026, 12, 31, 12, tzinfo=UTC))
        assert caplog.records == []
        # 2026-12-31 16:30 UTC is already 2027 in Shanghai.
        warn_if_the_calendar_ends(Rules(), datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
        warn_if_the_calendar_ends(Rules(working_days=CalendarKind.MON_FRI), datetime(2027, 3, 1, tzinfo=UTC))
    assert [r.getMessage() for r in caplog.records] == [
        "the official holiday calendar has no data for 2027: working days are counted Monday to "
        "Friday; update the chinese-calendar package or set LEADBOT_WORKING_DAYS"
    ]


def test_the_setting_chooses_the_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import SettingsError, load_settings

    monkeypatch.setenv("LEADBOT_WORKING_DAYS", "mon-fri")
    assert load_settings().rules.calendar == MON_FRI
    monkeypatch.setenv("LEADBOT_WORKING_DAYS", "weekends")
    with pytest.raises(SettingsError, match="LEADBOT_WORKING_DAYS"):
        load_settings()
