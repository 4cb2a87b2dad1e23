"""What every command shares: the typer apps, exit codes, settings and database, and the
parsing of times and ids (one line on stderr and the exit code for anything wrong)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import typer

from bot.chat.parsing import REACH_YEARS
from bot.config import Settings, SettingsError, load_settings
from bot.services import utc_now
from storage.migrate import DatabaseUnreachable, connect

EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_UNAVAILABLE = 1

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="leadbot: customer registrations (报备) for sales staff"
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
team_app = typer.Typer(no_args_is_help=True, help="Teams: stores and field sales groups.")
staff_app = typer.Typer(no_args_is_help=True, help="The roster of people who may use the bot.")
app.add_typer(db_app, name="db")
app.add_typer(team_app, name="team")
app.add_typer(staff_app, name="staff")


def fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc), EXIT_USAGE)


def engine_or_exit(settings: Settings) -> Any:
    try:
        return connect(settings.database_url, settings.db_connect_attempts)
    except DatabaseUnreachable as exc:
        fail(str(exc), EXIT_UNAVAILABLE)


def parse_time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option}: not an ISO 8601 time, e.g. 2026-11-27T14:30+08:00", EXIT_USAGE)
    within_reach(parsed.year, value, option)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=settings_or_exit().rules.zone)
    return parsed.astimezone(UTC)


def current_time() -> datetime:
    """The commands' clock: now, in UTC (tests set bot.cli.common.utc_now)."""
    return utc_now()


def within_reach(year: int, value: str, option: str) -> None:
    """Years 1 and 9999 are typos (and overflow on the way to UTC): one line, exit 2."""
    if abs(year - utc_now().year) > REACH_YEARS:
        fail(f"{option}: {value} is more than {REACH_YEARS} years from now", EXIT_USAGE)


# Telegram user ids and registration ids are positive and fit the database's 64-bit integers.
_MAX_ID = 2**63 - 1


def record_id(value: int, option: str) -> int:
    if not 0 < value <= _MAX_ID:
        fail(f"{option}: {value} is not an id (a positive whole number)", EXIT_USAGE)
    return value


def make_bot(settings: Settings, token: str) -> Any:
    """The bot as the running application has it (bot.app): paced by the same limiter, or a
    sweep of a thousand reminders is mostly 429s."""
    from bot.app import bot_defaults
    from bot.runtime.outgoing import LeadBot
    from bot.runtime.rate_limits import LaneRateLimiter

    return LeadBot(
        token,
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_file_base_url,
        defaults=bot_defaults(settings),
        rate_limiter=LaneRateLimiter(),
    )


def local_time(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
