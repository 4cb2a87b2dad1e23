"""Reading what people type into the dialog: times in the filer's local zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：.点时]\s*(\d{1,2})?\s*分?\s*$")
_DATE_TIME = re.compile(
    r"^\s*(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*(?:(\d{1,2})\s*[:：.点时]\s*(\d{1,2})?\s*分?)?\s*$"
)


def parse_clock_time(text: str) -> time | None:
    """'15:30', '15：30', '9点', '9点30' → a time of day; anything else → None."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def yesterday_at(clock: time, now: datetime, zone: ZoneInfo) -> datetime:
    day = now.astimezone(zone).date() - timedelta(days=1)
    return datetime.combine(day, clock, tzinfo=zone)


def start_of_today(now: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(now.astimezone(zone).date(), time(0, 0), tzinfo=zone)


def parse_local_datetime(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """'11-25 15:30', '2026-11-25 9:00', '11月25日' (noon if no time) in the local zone.

    Without a year, the most recent such date that is not in the future is meant.
    """
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year_s, month_s, day_s, hour_s, minute_s = match.groups()
    hour, minute = (int(hour_s), int(minute_s or 0)) if hour_s else (12, 0)
    if hour > 23 or minute > 59:
        return None
    today = now.astimezone(zone).date()
    year = int(year_s) if year_s else today.year
    try:
        day = date(year, int(month_s), int(day_s))
        if not year_s and day > today:
            day = date(year - 1, int(month_s), int(day_s))
    except ValueError:
        return None
    return datetime.combine(day, time(hour, minute), tzinfo=zone)
