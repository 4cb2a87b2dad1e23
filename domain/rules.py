"""Every number of RULES.md, as one immutable value handed to the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from domain.working_days import CalendarKind, WorkingDays


@dataclass(frozen=True)
class Rules:
    timezone: str = "Asia/Shanghai"
    phone_region: str = "CN"
    min_address_chars: int = 8
    max_name_chars: int = 40
    max_address_chars: int = 200
    max_needs_chars: int = 500
    # What people type besides the customer's details: every message quoting it must still fit
    # Telegram's 4,096 characters.
    max_note_chars: int = 500
    max_reason_chars: int = 500
    max_team_name_chars: int = 80
    max_staff_name_chars: int = 80
    filing_window_hours: int = 24
    resale_window_days: int = 365
    field_monthly_quota: int = 20
    follow_up_every_days: int = 3
    lapse_after_days: int = 10
    field_expiry_days: int = 15
    extension_days: int = 7
    refile_cooldown_days: int = 7
    review_required: bool = False
    remind_before_hours: int = 24
    lapse_warning_hours: int = 24
    expiry_warning_hours: int = 48
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    working_days: CalendarKind = CalendarKind.CN

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def calendar(self) -> WorkingDays:
        return WorkingDays(self.working_days)

    @property
    def filing_window(self) -> timedelta:
        return timedelta(hours=self.filing_window_hours)

    @property
    def resale_window(self) -> timedelta:
        return timedelta(days=self.resale_window_days)

    @property
    def follow_up_every(self) -> timedelta:
        return timedelta(days=self.follow_up_every_days)

    @property
    def lapse_after(self) -> timedelta:
        return timedelta(days=self.lapse_after_days)

    @property
    def field_expiry(self) -> timedelta:
        return timedelta(days=self.field_expiry_days)
