"""Reading what people type into the dialog: times in the filer's local zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：.点时]\s*(\d{1,2})?\s*分?\s*$")
_DATE_TIME = re.compile(
    r"^\s*(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*(?:(\d{1,2})\s*[:：.点时]\s*(\d{1,2})?\s*分?)?\s*$"
)
# Nobody types a time a century away on purpose; beyond this a year is a typo (and the edges of
# what datetime holds, years 1 and 9999, would overflow on the way to UTC).
REACH_YEARS = 100


def parse_clock_time(text: str) -> time | None:
    """'15:30', '15：30', '9点', '9点30' → a time of day; anything else → None."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def today_at(clock: time, now: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(now.astimezone(zone).date(), clock, tzinfo=zone)


def yesterday_at(clock: time, now: datetime, zone: ZoneInfo) -> datetime:
    return today_at(clock, now, zone) - timedelta(days=1)


def within_reach(instant: datetime, now: datetime) -> bool:
    """A typed instant no more than REACH_YEARS from now (compared by year: no arithmetic can overflow)."""
    return abs(instant.year - now.year) <= REACH_YEARS


def parse_local_datetime(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """'11-25 15:30', '2026-11-25 9:00', '11月25日' (noon if no time) in the local zone; None if
    it is not a date and time, or not a real one (month 13, 2-30, 25:00).

    Without a year, the nearest such instant is meant: last December's on a January day, this
    year's otherwise; so a date a few days ahead stays in the future (and the question about the
    past can refuse it) instead of silently becoming last year's.
    """
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year_s, month_s, day_s, hour_s, minute_s = match.groups()
    hour, minute = (int(hour_s), int(minute_s or 0)) if hour_s else (12, 0)
    if hour > 23 or minute > 59:
        return None
    clock = time(hour, minute)
    if year_s:
        try:
            return datetime.combine(date(int(year_s), int(month_s), int(day_s)), clock, tzinfo=zone)
        except ValueError:
            return None
    this_year = now.astimezone(zone).year
    candidates = []
    for year in (this_year - 1, this_year, this_year + 1):
        try:
            candidates.append(datetime.combine(date(year, int(month_s), int(day_s)), clock, tzinfo=zone))
        except ValueError:  # no such day (2-30), or 2-29 outside a leap year
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda instant: abs(instant - now))
