"""Working days (RULES §7): the deadlines of after-sale care are counted in them.

Pure functions over dates, no clock. The official Chinese calendar (`cn`, the default) takes
public holidays off and the make-up working days (调休) on, from the chinese-calendar package; its
data covers the years the State Council has announced, so a year it does not know is counted
Monday to Friday (`covers` tells the bot to warn at start-up). `mon-fri` and `every-day` are for
chains that keep their own hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar

# The festivals a greeting is sent for (客户关怀); one-off holidays (a 70th anniversary) are not.
# The package names a holiday by its English name.
_FESTIVALS = {
    h.value: h for h in chinese_calendar.Holiday if h is not chinese_calendar.Holiday.anti_fascist_70th_day
}


class CalendarKind(StrEnum):
    CN = "cn"
    MON_FRI = "mon-fri"
    EVERY_DAY = "every-day"


@dataclass(frozen=True)
class Festival:
    """A festival's first day off, with its names (the calendar package's own)."""

    day: date
    name_zh: str
    name_en: str


def covers(year: int) -> bool:
    """Whether the official calendar knows this year's holidays and 调休 days."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkingDays:
    kind: CalendarKind = CalendarKind.CN

    def is_working_day(self, day: date) -> bool:
        if self.kind is CalendarKind.EVERY_DAY:
            return True
        if self.kind is CalendarKind.CN:
            try:
                return bool(chinese_calendar.is_workday(day))
            except NotImplementedError:
                pass  # a year the package does not know: Monday to Friday
        return day.weekday() < 5

    def after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself not counted): the 3rd working day
        after a deal on a Friday before a holiday week is a week or more later."""
        if count < 1:
            raise ValueError(f"count must be at least 1, not {count}")
        found = 0
        while found < count:
            day += timedelta(days=1)
            found += self.is_working_day(day)
        return day

    def next_from(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def before(self, day: date) -> date:
        """The last working day before `day`."""
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many a deadline counted from `start` has used by `end`."""
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def festivals(start: date, end: date) -> Iterator[Festival]:
    """The festivals whose holiday begins in [start, end], by the official calendar (none for the
    years it does not know)."""
    day, previous = start - timedelta(days=1), None
    while day <= end:
        try:
            off, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            off, name = False, None
        # A make-up working day (调休) carries its festival's name too, but is no day off.
        holiday = _FESTIVALS.get(name) if off and name else None
        if holiday is not None and holiday is not previous and day >= start:
            yield Festival(day=day, name_zh=str(holiday.chinese), name_en=str(holiday.value))
        previous = holiday
        day += timedelta(days=1)
