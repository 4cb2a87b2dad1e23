"""Settings from the environment (prefix LEADBOT_) or a .env file; every rule number of RULES.md."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.rules import Rules
from domain.working_days import CalendarKind


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LEADBOT_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    database_url: str = "sqlite:///leadbot.db"
    timezone: str = "Asia/Shanghai"
    default_language: Literal["zh", "en"] = "zh"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    invite_valid_hours: int = Field(default=72, ge=1, le=24 * 30)

    phone_region: str = "CN"
    min_address_chars: int = Field(default=8, ge=1, le=100)
    # Length caps on what people type (issue 10 item 5): every message quoting one must still fit
    # Telegram's 4,096 characters, hence the upper bounds.
    max_name_chars: int = Field(default=40, ge=2, le=200)
    max_address_chars: int = Field(default=200, ge=10, le=1000)
    max_needs_chars: int = Field(default=500, ge=1, le=1000)
    max_note_chars: int = Field(default=500, ge=1, le=1000)
    max_reason_chars: int = Field(default=500, ge=2, le=1000)
    max_team_name_chars: int = Field(default=80, ge=1, le=200)
    max_staff_name_chars: int = Field(default=80, ge=1, le=200)
    filing_window_hours: int = Field(default=24, ge=1)
    resale_window_days: int = Field(default=365, ge=0)
    field_monthly_quota: int = Field(default=20, ge=0)
    follow_up_every_days: int = Field(default=3, ge=1)
    lapse_after_days: int = Field(default=10, ge=1)
    field_expiry_days: int = Field(default=15, ge=1)
    extension_days: int = Field(default=7, ge=1)
    refile_cooldown_days: int = Field(default=7, ge=0)
    review_required: bool = False
    remind_before_hours: int = Field(default=24, ge=1)
    lapse_warning_hours: int = Field(default=24, ge=1)
    expiry_warning_hours: int = Field(default=48, ge=1)
    quiet_hours: str = "21:00-08:00"
    working_days: CalendarKind = CalendarKind.CN
    sweep_interval_seconds: int = Field(default=60, ge=0)
    # How long a claimed reminder, summary or notice is one process's to send before another may
    # claim it again (a crash, a kill). Above the rate limiter's longest wait on a 429 (60 s).
    delivery_lease_seconds: int = Field(default=120, ge=1, le=24 * 3600)
    digest_time: str = "20:30"
    digest_mask_phones: bool = True

    # Running in production (README: "Running it for real").
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    log_format: Literal["text", "json"] = "text"
    admin_chat_id: int | None = None
    processed_update_hours: int = Field(default=48, ge=1)
    standby_check_seconds: float = Field(default=2.0, gt=0, le=60)
    db_connect_attempts: int = Field(default=5, ge=1, le=100)
    # Inbound limits (bot.runtime.inbound_guard): one sender cannot starve the others.
    stranger_refusal_minutes: int = Field(default=5, ge=1, le=24 * 60)
    user_rate_limit: int = Field(default=20, ge=1)
    user_rate_window_seconds: int = Field(default=10, ge=1, le=3600)
    roster_refresh_seconds: int = Field(default=30, ge=1, le=3600)

    @field_validator("digest_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"a time of day like 20:30, not {value!r}") from exc
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_range(cls, value: str) -> str:
        _quiet(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}, e.g. Asia/Shanghai") from exc
        return value

    @field_validator("phone_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {value!r}, e.g. CN")
        return value.upper()

    @property
    def delivery_lease(self) -> timedelta:
        return timedelta(seconds=self.delivery_lease_seconds)

    @property
    def rules(self) -> Rules:
        return Rules(
            timezone=self.timezone,
            phone_region=self.phone_region,
            min_address_chars=self.min_address_chars,
            max_name_chars=self.max_name_chars,
            max_address_chars=self.max_address_chars,
            max_needs_chars=self.max_needs_chars,
            max_note_chars=self.max_note_chars,
            max_reason_chars=self.max_reason_chars,
            max_team_name_chars=self.max_team_name_chars,
            max_staff_name_chars=self.max_staff_name_chars,
            filing_window_hours=self.filing_window_hours,
            resale_window_days=self.resale_window_days,
            field_monthly_quota=self.field_monthly_quota,
            follow_up_every_days=self.follow_up_every_days,
            lapse_after_days=self.lapse_after_days,
            field_expiry_days=self.field_expiry_days,
            extension_days=self.extension_days,
            refile_cooldown_days=self.refile_cooldown_days,
            review_required=self.review_required,
            remind_before_hours=self.remind_before_hours,
            lapse_warning_hours=self.lapse_warning_hours,
            expiry_warning_hours=self.expiry_warning_hours,
            quiet_start=_quiet(self.quiet_hours)[0],
            quiet_end=_quiet(self.quiet_hours)[1],
            working_days=self.working_days,
        )

    def required_token(self) -> str:
        """The bot token, for what talks to Telegram (the CLI checks it first, with its own words)."""
        if not self.telegram_token:
            raise SettingsError("LEADBOT_TELEGRAM_TOKEN: required to talk to Telegram")
        return self.telegram_token

    def required_webhook(self) -> tuple[str, str]:
        """The webhook's URL and secret, for a bot taking its updates on a webhook."""
        if not self.webhook_url or not self.webhook_secret:
            raise SettingsError("LEADBOT_WEBHOOK_URL and LEADBOT_WEBHOOK_SECRET: required for --webhook")
        return self.webhook_url, self.webhook_secret


def _quiet(value: str) -> tuple[time, time]:
    """'21:00-08:00' → (21:00, 08:00); an empty range ('08:00-08:00') means no quiet hours."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as exc:
        raise ValueError(f"quiet hours like 21:00-08:00, not {value!r}") from exc
    return start, end


class SettingsError(Exception):
    """One line naming the variable that is wrong."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        raise SettingsError(f"LEADBOT_{field.upper()}: {error['msg']}") from None
