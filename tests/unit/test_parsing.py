"""Reading times typed into the dialog, in the local zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import parse_clock_time, parse_local_datetime, start_of_today, yesterday_at

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 on 27 Nov in Shanghai


@pytest.mark.parametrize(("text", "expected"), [("15:30", time(15, 30)), ("9：05", time(9, 5)), ("9点", time(9)), ("9点30", time(9, 30)), ("0:00", time(0))])
def test_clock_times(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "12:60", "noon", "15:30:00", "x" * 5000, "１５:３０x"])
def test_bad_clock_times(text: str) -> None:
    assert parse_clock_time(text) is None


def test_yesterday_and_today_are_local_days() -> None:
    assert yesterday_at(time(15, 30), NOW, SHANGHAI) == datetime(2026, 11, 26, 15, 30, tzinfo=SHANGHAI)
    assert start_of_today(NOW, SHANGHAI) == datetime(2026, 11, 27, 0, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11-25 15:30", datetime(2026, 11, 25, 15, 30, tzinfo=SHANGHAI)),
        ("2026-11-20 9:00", datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)),
        ("11月25日 9点", datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)),
        ("11/25", datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)),
        ("12-30 10:00", datetime(2025, 12, 30, 10, 0, tzinfo=SHANGHAI)),  # no year: the last such date
    ],
)
def test_local_dates(text: str, expected: datetime) -> None:
    assert parse_local_datetime(text, NOW, SHANGHAI) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2-30 10:00", "13-01", "11-25 25:00", "<b>&"])
def test_bad_dates(text: str) -> None:
    assert parse_local_datetime(text, NOW, SHANGHAI) is None
