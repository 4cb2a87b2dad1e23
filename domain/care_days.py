"""Care days (客户关怀, RULES §7): the customer's birthday and the main festivals each give the holder
one greeting reminder, the working day before, listing all their after-sale customers of that day.

**Decisions**:

- a birthday is a month and a day, the year optional; one on 29 February is kept on 28 February in
  a year without a 29th;
- a festival's care day is its first day off (domain.working_days.festivals, names from the
  calendar package); every customer whose care runs on that day is listed;
- the reminder goes out on the last working day before the care day (rules.calendar.before), in
  working hours (outside quiet hours), that local day only: a bot down all that day does not
  greet late. The Friday before a holiday week therefore carries every care day up to its end;
- one reminder per (holder, care day, occasion): the delivery key `acd:<occasion>:<day>:s<staff>`
  is claimed in the delivery log before it is sent, so it goes once across restarts and processes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from domain.model import DeliveryClaim, Staff
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.reminders import LEASE, RETRY_BATCH, in_quiet_hours
from domain.rules import Rules
from domain.working_days import festivals

KIND = "care_day"  # the delivery log's kind for every greeting reminder


class Occasion(StrEnum):
    BIRTHDAY = "birthday"
    FESTIVAL = "festival"


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None

    def on(self, year: int) -> date:
        """The birthday in `year`: 29 February is 28 February in a year without it."""
        if self.month == 2 and self.day == 29 and not _leap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)

    def __str__(self) -> str:
        head = f"{self.year:04d}-" if self.year is not None else ""
        return f"{head}{self.month:02d}-{self.day:02d}"


class BirthdayError(StrEnum):
    FORMAT = "format"  # not a date at all
    NO_SUCH_DAY = "no_such_day"  # 2-30, 13-01
    FUTURE = "future"  # a birth year after today


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_PATTERNS = (
    re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"),
    re.compile(r"(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"),
)


def parse_birthday(text: str, today: date) -> Birthday | BirthdayError:
    """3-15, 03-15, 3/15, 3月15日, 3月15号, 1990-03-15, 1990年3月15日 (full-width digits too)."""
    cleaned = text.strip().translate(str.maketrans("０１２３４５６７８９－／．", "0123456789-/."))
    for pattern in _PATTERNS:
        found = pattern.fullmatch(cleaned)
        if found is None:
            continue
        month, day = int(found["m"]), int(found["d"])
        year = int(found["y"]) if "y" in pattern.groupindex else None
        try:
            date(year if year is not None else 2000, month, day)  # 2000 has a 29 February
        except ValueError:
            return BirthdayError.NO_SUCH_DAY
        if year is not None and (year > today.year or date(year, month, day) > today):
            return BirthdayError.FUTURE
        if year is not None and year < 1900:
            return BirthdayError.NO_SUCH_DAY
        return Birthday(month, day, year)
    return BirthdayError.FORMAT


@dataclass(frozen=True)
class CareDay:
    """A day a greeting is owed for: a festival (with its names) or the customers' birthdays."""

    day: date
    occasion: Occasion
    name_zh: str = ""
    name_en: str = ""

    @property
    def reference(self) -> str:
        return f"{self.occasion.value}:{self.day:%Y%m%d}"


def greeting_day(day: date, rules: Rules) -> date:
    """When the greeting for a care day is due: the last working day before it."""
    return rules.calendar.before(day)


def care_days_greeted_on(today: date, rules: Rules) -> list[CareDay]:
    """The care days whose greeting is due on `today`: those after it up to the next working day
    (none if `today` is no working day). Birthdays on each such day; festivals that begin on one."""
    calendar = rules.calendar
    if not calendar.is_working_day(today):
        return []
    last = calendar.after(today, 1)
    days = [today + timedelta(days=i) for i in range(1, (last - today).days + 1)]
    found = [CareDay(f.day, Occasion.FESTIVAL, f.name_zh, f.name_en) for f in festivals(days[0], last)]
    found += [CareDay(day, Occasion.BIRTHDAY) for day in days]
    return sorted(found, key=lambda c: (c.day, c.occasion.value))


def birthdays_on(day: date) -> list[tuple[int, int]]:
    """The stored (month, day) birthdays that fall on `day`: 28 February takes 29 February's in a
    year without it."""
    found = [(day.month, day.day)]
    if day.month == 2 and day.day == 28 and not _leap(day.year):
        found.append((2, 29))
    return found


@dataclass(frozen=True)
class CareCustomer:
    registration_id: int
    holder_id: int
    name: str
    phone: str


@dataclass(frozen=True)
class CareDayOutgoing:
    delivery_id: int | None  # None in a dry run
    care_day: CareDay
    to: Staff
    customers: tuple[CareCustomer, ...]
    attempts: int = 0


def delivery_key(care_day: CareDay, staff_id: int) -> str:
    return f"acd:{care_day.reference}:s{staff_id}"


def parse_key(key: str) -> tuple[Occasion, date, int] | None:
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != "acd" or not parts[3].startswith("s"):
        return None
    try:
        return Occasion(parts[1]), datetime.strptime(parts[2], "%Y%m%d").date(), int(parts[3][1:])
    except ValueError:
        return None


def _day_bounds(day: date, rules: Rules) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=rules.zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=rules.zone).astimezone(UTC)
    return start, end


def _care_day(occasion: Occasion, day: date, rules: Rules) -> CareDay | None:
    """The care day of a stored key, if its greeting is still owed (a festival still begins then)."""
    if occasion is Occasion.BIRTHDAY:
        return CareDay(day, occasion)
    return next(
        (
            c
            for c in care_days_greeted_on(greeting_day(day, rules), rules)
            if c.day == day and c.occasion is occasion
        ),
        None,
    )


def is_due(care_day: CareDay, now: datetime, rules: Rules) -> bool:
    today = now.astimezone(rules.zone).date()
    return greeting_day(care_day.day, rules) == today and not in_quiet_hours(now, rules)


def plan_care_day_batches(
    unit_of_work: UnitOfWorkFactory,
    now: datetime,
    rules: Rules,
    *,
    dry_run: bool = False,
    lease: timedelta = LEASE,
    claimed_at: Callable[[], datetime] | None = None,
) -> Iterator[list[CareDayOutgoing]]:
    """Every greeting reminder due at `now` not recorded yet, one care day at a time, each claimed
    under its unique key before it is sent; then earlier ones whose sending failed."""
    if in_quiet_hours(now, rules):
        return
    today = now.astimezone(rules.zone).date()
    for care_day in care_days_greeted_on(today, rules):
        start, end = _day_bounds(care_day.day, rules)
        with unit_of_work() as uow:
            by_holder = _customers(uow, care_day, start, end)
            keys = {delivery_key(care_day, holder): holder for holder in by_holder}
            known = uow.deliveries.known_delivery_keys(set(keys))
            people = uow.roster.staff_by_ids({h for k, h in keys.items() if k not in known})
            claims = [
                DeliveryClaim(key, KIND, people[h].telegram_id, h, None, people[h].team_id, end)
                for key, h in keys.items()
                if key not in known and h in people and people[h].active
            ]
            if dry_run:
                ids: dict[str, int | None] = {c.key: None for c in claims}
            else:
                lease_until = max(now, claimed_at() if claimed_at else now) + lease
                ids = dict(uow.deliveries.record_deliveries(claims, now=now, lease_until=lease_until))
                uow.commit()
        outgoing = [
            CareDayOutgoing(ids[c.key], care_day, people[keys[c.key]], tuple(by_holder[keys[c.key]]))
            for c in claims
            if c.key in ids
        ]
        if outgoing:
            yield outgoing
    if not dry_run:
        with unit_of_work() as uow:
            retries = _retries(uow, now, rules, lease)
            uow.commit()
        if retries:
            yield retries


def _customers(
    uow: UnitOfWork, care_day: CareDay, start: datetime, end: datetime
) -> dict[int, list[CareCustomer]]:
    birthdays = birthdays_on(care_day.day) if care_day.occasion is Occasion.BIRTHDAY else None
    found: dict[int, list[CareCustomer]] = {}
    for customer in uow.aftersale.care_day_customers(start, end, birthdays):
        found.setdefault(customer.holder_id, []).append(customer)
    return found


def _retries(uow: UnitOfWork, now: datetime, rules: Rules, lease: timedelta) -> list[CareDayOutgoing]:
    outgoing = []
    deliveries = uow.deliveries
    for delivery in deliveries.claim_retries(now, now + lease, RETRY_BATCH, {KIND}):
        parsed = parse_key(delivery.key)
        care_day = _care_day(parsed[0], parsed[1], rules) if parsed is not None else None
        to = uow.roster.staff_by_id(parsed[2]) if parsed is not None else None
        customers: list[CareCustomer] = []
        if care_day is not None and to is not None:
            start, end = _day_bounds(care_day.day, rules)
            customers = _customers(uow, care_day, start, end).get(to.id, [])
        if (
            care_day is None
            or to is None
            or not to.active
            or not customers
            or not is_due(care_day, now, rules)
        ):
            deliveries.mark_delivery(delivery.id, status="dropped", now=now, error="no longer due")
            continue
        outgoing.append(CareDayOutgoing(delivery.id, care_day, to, tuple(customers), delivery.attempts))
    return outgoing
