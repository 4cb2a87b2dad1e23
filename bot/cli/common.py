"""What every command shares: the typer apps, exit codes, settings and database, and the
parsing of times and ids. Anything wrong is one sentence on stderr, in the configured language,
saying what to do (bot.cli.texts), and the exit code: never a traceback or a usage box."""

from __future__ import annotations

import html
import sys
from datetime import UTC, datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from typer.core import TyperGroup

from bot.chat.parsing import REACH_YEARS
from bot.config import Settings, SettingsError, load_settings
from bot.i18n.keys import Text
from bot.i18n.texts import FALLBACK_LANGUAGE, raw
from bot.services import utc_now
from storage.migrate import DatabaseUnreachable, connect

EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_UNAVAILABLE = 1


def language() -> str:
    """The command line speaks the configured language (LEADBOT_DEFAULT_LANGUAGE)."""
    try:
        return load_settings().default_language
    except SettingsError:
        return FALLBACK_LANGUAGE


def plain(text: str) -> str:
    """A text for the terminal: <code>x</code> as `x`, entities unescaped, on one line."""
    text = text.replace("<code>", "`").replace("</code>", "`")
    return " ".join(html.unescape(text).split())


class OneLineErrors(TyperGroup):
    """Usage errors (a missing option, --role king) as one line with the command's --help to
    read, instead of a usage box; their exit code (2) as typer gives it."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        try:
            done = super().main(*args, **{**kwargs, "standalone_mode": False})
        except typer.TyperException as exc:
            if not standalone:
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":  # the help text, as asked
                getattr(exc, "show")()  # noqa: B009 - shown as typer shows it
            else:
                context = getattr(exc, "ctx", None)
                words = (context.command_path if context else "leadbot").split()[1:]
                problem = exc.format_message().rstrip(".")
                command = " ".join(["leadbot", *words])
                typer.echo(plain(raw(language(), Text.cli_usage, problem=problem, command=command)), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone:
                raise
            sys.exit(1)
        if not standalone:
            return done
        sys.exit(done if isinstance(done, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="leadbot: customer registrations (报备) for sales staff",
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
team_app = typer.Typer(no_args_is_help=True, help="Teams: stores and field sales groups.")
staff_app = typer.Typer(no_args_is_help=True, help="The roster of people who may use the bot.")
app.add_typer(db_app, name="db")
app.add_typer(team_app, name="team")
app.add_typer(staff_app, name="staff")


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr (a text of bot.cli.texts, or a settings error naming its variable)."""
    typer.echo(plain(message), err=True)
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
        fail(raw(language(), Text.cli_bad_time, option=option, value=value))
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
        fail(raw(language(), Text.cli_out_of_reach, option=option, value=value, years=REACH_YEARS))


# Telegram user ids and registration ids are positive and fit the database's 64-bit integers.
_MAX_ID = 2**63 - 1


def record_id(value: int, option: str) -> int:
    if not 0 < value <= _MAX_ID:
        fail(raw(language(), Text.cli_bad_id, option=option, value=value))
    return value


def team_or_exit(uow: Any, name: str) -> Any:
    """The team of that name, or one line naming where the teams are listed (exit 2)."""
    team = uow.roster.team_by_name(name)
    if team is None:
        fail(raw(language(), Text.cli_no_such_team, team=name))
    return team


def staff_or_exit(uow: Any, telegram_id: int) -> Any:
    staff = uow.roster.staff_by_telegram_id(telegram_id)
    if staff is None:
        fail(raw(language(), Text.cli_no_such_staff, telegram_id=telegram_id))
    return staff


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
