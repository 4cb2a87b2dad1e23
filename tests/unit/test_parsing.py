"""Reading times typed into the dialog, in the local zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.chat.parsing import parse_clock_time, parse_local_datetime, today_at, within_reach, yesterday_at

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 on 27 Nov in Shanghai


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15:30", time(15, 30)),
        ("9：05", time(9, 5)),
        ("9点", time(9)),
        ("9点30", time(9, 30)),
        ("0:00", time(0)),
    ],
)
def test_clock_times(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "12:60", "noon", "15:30:00", "x" * 5000, "１５:３０x"])
def test_bad_clock_times(text: str) -> None:
    assert parse_clock_time(text) is None


def test_yesterday_and_today_are_local_days() -> None:
    assert yesterday_at(time(15, 30), NOW, SHANGHAI) == datetime(2026, 11, 26, 15, 30, tzinfo=SHANGHAI)
    assert today_at(time(9, 30), NOW, SHANGHAI) == datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
    late_evening = datetime(
        2026, 11, 27, 15, 30, tzinfo=UTC
    )  # 23:30 in Shanghai, already the 27th in UTC too
    assert yesterday_at(time(0, 5), late_evening, SHANGHAI) == datetime(2026, 11, 26, 0, 5, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11-25 15:30", datetime(2026, 11, 25, 15, 30, tzinfo=SHANGHAI)),
        ("2026-11-20 9:00", datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)),
        ("11月25日 9点", datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)),
        ("11/25", datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)),
        (
            "2027-02-01 9:00",
            datetime(2027, 2, 1, 9, 0, tzinfo=SHANGHAI),
        ),  # a year typed is kept, future or not
    ],
)
def test_local_dates(text: str, expected: datetime) -> None:
    assert parse_local_datetime(text, NOW, SHANGHAI) == expected


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        # Tomorrow's date stays tomorrow (the "obtained" question refuses it) - it was read as
        # last year's and the filing rejected as late.
        ("11-28 9:00", NOW, datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI)),
        # Today's date with an hour still to come is today, not last year.
        ("11-27 15:30", NOW, datetime(2026, 11, 27, 15, 30, tzinfo=SHANGHAI)),
        ("12-30 10:00", NOW, datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI)),
        # Around New Year the nearest date is across it, either way.
        (
            "12-30 10:00",
            datetime(2027, 1, 2, 2, 0, tzinfo=UTC),
            datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI),
        ),
        ("1-5 10:00", datetime(2026, 12, 30, 2, 0, tzinfo=UTC), datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI)),
        # 2-29 exists only in the leap year nearby.
        ("2-29 10:00", datetime(2028, 3, 1, 2, 0, tzinfo=UTC), datetime(2028, 2, 29, 10, 0, tzinfo=SHANGHAI)),
    ],
)
def test_a_date_without_a_year_is_the_nearest_such_instant(
    text: str, now: datetime, expected: datetime
) -> None:
    assert parse_local_datetime(text, now, SHANGHAI) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2-30 10:00",
        "2026-02-30 10:00",
        "13-01",
        "11-25 25:00",
        "11-25 99:00",
        "11-25 10:99",
        "<b>&",
        "0000-01-01 10:00",
        "99999999999999999999-01-01",
        "11-99999999999999999999",
        "2-29 10:00",
    ],
)
def test_bad_dates(text: str) -> None:
    assert parse_local_datetime(text, NOW, SHANGHAI) is None


@pytest.mark.parametrize("text", ["0001-01-01 00:00", "9999-12-31 23:59", "1900-01-01", "2200-06-01 10:00"])
def test_absurd_years_are_read_but_out_of_reach(text: str) -> None:
    parsed = parse_local_datetime(text, NOW, SHANGHAI)
    assert parsed is not None and not within_reach(parsed, NOW)


def test_reach_is_a_century_either_way() -> None:
    assert within_reach(datetime(2020, 1, 1, tzinfo=SHANGHAI), NOW)
    assert within_reach(datetime(2126, 1, 1, tzinfo=SHANGHAI), NOW)
    assert not within_reach(datetime(2127, 1, 1, tzinfo=SHANGHAI), NOW)
