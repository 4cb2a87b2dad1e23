"""`leadbot`: the command line. Every command runs the same use cases as the chat.

Exit codes: 0 done, 1 the database is unreachable (or `run` lost the active-server lock),
2 bad usage or settings, 3 refused by a rule.
"""

from __future__ import annotations

import html
import json
import logging
import re
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo

import typer

from bot.chat.parsing import REACH_YEARS
from bot.chat.render import problem_hint
from bot.config import Settings, SettingsError, load_settings
from bot.digests.render import render_digest, tracking_workbook
from bot.services import utc_now
from domain.customer_details import Invalid, mask_phone
from domain.digest import TeamReport, day_bounds, local_day
from domain.filing import Accepted, FilingRequest, check_obtained_at, file_registration
from domain.lifecycle import standing_at
from domain.model import Channel, ExpectedPurchase, FollowUpKind, Role
from domain.registrations import Refusal, Refused, parse_amount, record_follow_up
from domain.roster import Held, RosterRefusal, add_team, deactivate, enrol
from storage.migrate import DatabaseUnreachable, connect
from storage.uow import SqlUnitOfWork

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


class ChannelOption(StrEnum):
    store = "store"
    field = "field"


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc), EXIT_USAGE)


def _engine(settings: Settings) -> Any:
    try:
        return connect(settings.database_url, settings.db_connect_attempts)
    except DatabaseUnreachable as exc:
        _fail(str(exc), EXIT_UNAVAILABLE)


def _parse_time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: not an ISO 8601 time, e.g. 2026-11-27T14:30+08:00", EXIT_USAGE)
    _within_reach(parsed.year, value, option)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_settings().rules.zone)
    return parsed.astimezone(UTC)


def _within_reach(year: int, value: str, option: str) -> None:
    """Years 1 and 9999 are typos (and overflow on the way to UTC): one line, exit 2."""
    if abs(year - utc_now().year) > REACH_YEARS:
        _fail(f"{option}: {value} is more than {REACH_YEARS} years from now", EXIT_USAGE)


# Telegram user ids and registration ids are positive and fit the database's 64-bit integers.
_MAX_ID = 2**63 - 1


def _id(value: int, option: str) -> int:
    if not 0 < value <= _MAX_ID:
        _fail(f"{option}: {value} is not an id (a positive whole number)", EXIT_USAGE)
    return value


@app.command()
def run(
    webhook: Annotated[
        bool, typer.Option("--webhook", help="take updates on LEADBOT_WEBHOOK_URL instead of polling")
    ] = False,
) -> None:
    """Start the bot: long polling, or a webhook. With several servers on one database, one is
    active and the others wait to take over. Needs LEADBOT_TELEGRAM_TOKEN."""
    settings = _settings()
    if not settings.telegram_token:
        _fail("LEADBOT_TELEGRAM_TOKEN: missing; set it to the token @BotFather gave you", EXIT_USAGE)
    if webhook and not settings.webhook_url:
        _fail(
            "LEADBOT_WEBHOOK_URL: missing; --webhook needs the public HTTPS URL Telegram posts to", EXIT_USAGE
        )
    if webhook and not settings.webhook_secret:
        _fail(
            "LEADBOT_WEBHOOK_SECRET: missing; --webhook needs a secret token (1-256 of A-Z a-z 0-9 _ -)",
            EXIT_USAGE,
        )
    import asyncio

    from bot.runtime.logs import configure_logging
    from bot.runtime.runner import serve

    configure_logging(settings.log_format)
    try:
        engine = connect(settings.database_url, settings.db_connect_attempts)
    except DatabaseUnreachable as exc:
        logging.getLogger("leadbot").error("%s; giving up", exc)
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    raise typer.Exit(asyncio.run(serve(settings, engine, webhook=webhook)))


def _bot(settings: Settings, token: str) -> Any:
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


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest revision."""
    _engine(_settings())
    typer.echo("database is up to date")


@team_app.command("add")
def team_add(
    name: str,
    channel: Annotated[ChannelOption, typer.Option(help="store (商场) or field (业务部)")],
    region: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Add a team."""
    settings = _settings()
    with SqlUnitOfWork(_engine(settings), write=True) as uow:
        try:
            team = add_team(
                uow,
                name=name,
                channel=Channel(channel.value),
                region=region,
                now=utc_now(),
                rules=settings.rules,
            )
        except RosterRefusal as exc:
            _fail(str(exc), EXIT_REFUSED)
    typer.echo(f"team {team.name} ({team.channel.value}) added")


@team_app.command("list")
def team_list() -> None:
    """List the teams."""
    with SqlUnitOfWork(_engine(_settings())) as uow:
        for team in uow.roster.teams():
            typer.echo(f"{team.name}\t{team.channel.value}\t{team.region or ''}")


@staff_app.command("add")
def staff_add(
    telegram_id: Annotated[int, typer.Option("--telegram-id", help="the person's numeric Telegram user id")],
    name: Annotated[str, typer.Option()],
    role: Annotated[list[Role], typer.Option(help="repeat for several roles")],
    team: Annotated[str | None, typer.Option(help="team name")] = None,
    region: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Put someone on the roster (or update and reactivate them)."""
    settings = _settings()
    _id(telegram_id, "--telegram-id")
    with SqlUnitOfWork(_engine(settings), write=True) as uow:
        try:
            staff = enrol(
                uow,
                telegram_id=telegram_id,
                name=name,
                roles=frozenset(role),
                team_name=team,
                region=region,
                now=utc_now(),
                rules=settings.rules,
            )
        except RosterRefusal as exc:
            _fail(str(exc), EXIT_REFUSED)
    typer.echo(f"{staff.name} ({staff.telegram_id}) is on the roster")


@staff_app.command("list")
def staff_list() -> None:
    """List everyone on the roster."""
    with SqlUnitOfWork(_engine(_settings())) as uow:
        teams = {t.id: t.name for t in uow.roster.teams()}
        for s in uow.roster.all_staff():
            status = "active" if s.active else "deactivated"
            roles = ",".join(sorted(r.value for r in s.roles))
            typer.echo(
                f"{s.telegram_id}\t{s.name}\t{roles}\t{teams.get(s.team_id, '') if s.team_id else ''}\t{status}"
            )


@staff_app.command("deactivate")
def staff_deactivate(telegram_id: int) -> None:
    """Take someone's access away at once (their history stays)."""
    _id(telegram_id, "TELEGRAM_ID")
    with SqlUnitOfWork(_engine(_settings()), write=True) as uow:
        try:
            deactivate(uow, telegram_id=telegram_id, now=utc_now())
        except RosterRefusal as exc:
            _fail(str(exc), EXIT_REFUSED)
    typer.echo(f"{telegram_id} deactivated")


@app.command("file")
def file_command(
    staff: Annotated[int, typer.Option("--staff", help="the filer's Telegram user id")],
    name: Annotated[str, typer.Option()],
    phone: Annotated[str, typer.Option()],
    address: Annotated[str, typer.Option()],
    needs: Annotated[str | None, typer.Option()] = None,
    expected_purchase: Annotated[ExpectedPurchase | None, typer.Option()] = None,
    obtained_at: Annotated[str | None, typer.Option(help="ISO 8601; default now")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the verdict as JSON")] = False,
) -> None:
    """File a registration, exactly as the chat does. Exit 0 accepted, 3 rejected."""
    settings = _settings()
    now = utc_now()
    obtained = _parse_time(obtained_at, "--obtained-at")
    if obtained is not None and isinstance(check_obtained_at(obtained, now, settings.rules), Invalid):
        _fail(f"--obtained-at: {obtained_at} has not come yet", EXIT_USAGE)
    engine = _engine(settings)
    request = FilingRequest(
        filer_telegram_id=_id(staff, "--staff"),
        customer_name=name,
        phone=phone,
        address=address,
        needs=needs,
        expected_purchase=expected_purchase,
        obtained_at=obtained,
        source="cli",
    )
    outcome = file_registration(lambda: SqlUnitOfWork(engine, write=True), request, now, settings.rules)
    accepted = isinstance(outcome, Accepted)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "outcome": "accepted" if accepted else "rejected",
                    "reason": None if accepted else outcome.reason.value,
                    "registration_id": outcome.registration_id,
                    "needs_review": outcome.needs_review if accepted else False,
                }
            )
        )
    elif accepted:
        assert outcome.details is not None
        review = " (needs review: possible duplicate)" if outcome.needs_review else ""
        typer.echo(
            f"accepted: registration {outcome.registration_id}, {mask_phone(outcome.details.phone)}{review}"
        )
    else:
        detail = "; ".join(problem_hint("en", p, settings.rules) for p in outcome.problems)
        typer.echo(f"rejected: {outcome.reason.value}" + (f" ({detail})" if detail else ""))
    if not accepted:
        raise typer.Exit(EXIT_REFUSED)


@app.command("registrations")
def registrations_command(
    team: Annotated[str | None, typer.Option(help="only this team (its name)")] = None,
    staff: Annotated[int | None, typer.Option("--staff", help="only this holder (Telegram user id)")] = None,
    at: Annotated[
        str | None, typer.Option(help="ISO 8601 instant for states and deadlines; default now")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print as JSON")] = False,
) -> None:
    """Open registrations (and open challenges) with their state and next deadline at that instant.

    The registrations as they are now, their clocks read at --at: a what-if, not a replay of history.
    Phones are masked: terminals and logs never show a customer's full number.
    """
    settings = _settings()
    instant = _parse_time(at, "--at") or utc_now()
    with SqlUnitOfWork(_engine(settings)) as uow:
        team_id = holder_id = None
        if team is not None:
            found = uow.roster.team_by_name(team)
            if found is None:
                _fail(f"--team: no team named {team}", EXIT_USAGE)
            team_id = found.id
        if staff is not None:
            holder = uow.roster.staff_by_telegram_id(_id(staff, "--staff"))
            if holder is None:
                _fail(f"--staff: nobody on the roster has Telegram id {staff}", EXIT_USAGE)
            holder_id = holder.id
        teams = {t.id: t.name for t in uow.roster.teams()}
        listing = [
            Held(r, standing_at(r, instant, settings.rules))
            for r in uow.reports.registrations_listing(team_id=team_id, holder_id=holder_id, filed_by=instant)
        ]
    if as_json:
        rows = [_listing_row(h, teams) for h in listing]
        typer.echo(json.dumps({"at": instant.isoformat(), "registrations": rows}, ensure_ascii=False))
        return
    zone = settings.rules.zone
    for held in listing:
        r, standing = held.registration, held.standing
        state = standing.state.value + (
            f" (challenging #{r.challenge_of_id})" if standing.challenging else ""
        )
        deadline = (
            f"{standing.deadline.kind.value} {_local(standing.deadline.at, zone)}"
            if standing.deadline
            else ""
        )
        fields = [
            str(r.id),
            mask_phone(r.phone),
            r.customer_name,
            r.holder_name,
            teams.get(r.team_id, "?"),
            _local(r.filed_at, zone),
            state,
            deadline,
        ]
        typer.echo("\t".join(fields))


def _listing_row(held: Held, teams: dict[int, str]) -> dict[str, Any]:
    r, standing = held.registration, held.standing
    return {
        "id": r.id,
        "phone": mask_phone(r.phone),
        "customer_name": r.customer_name,
        "holder": r.holder_name,
        "team": teams.get(r.team_id),
        "filed_at": r.filed_at.isoformat(),
        "state": standing.state.value,
        "challenging": standing.challenging,
        "deadline_kind": standing.deadline.kind.value if standing.deadline else None,
        "deadline_at": standing.deadline.at.isoformat() if standing.deadline else None,
    }


def _local(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@app.command("follow-up")
def follow_up_command(
    registration_id: Annotated[
        int, typer.Argument(help="the registration's id (see `leadbot registrations`)")
    ],
    staff: Annotated[int, typer.Option("--staff", help="the holder's Telegram user id")],
    kind: Annotated[FollowUpKind, typer.Option(help="what happened")],
    note: Annotated[str | None, typer.Option()] = None,
    amount: Annotated[str | None, typer.Option(help="yuan, for a deposit or deal: 12800 or 3500.50")] = None,
    next_contact: Annotated[str | None, typer.Option("--next-contact", help="ISO 8601")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the outcome as JSON")] = False,
) -> None:
    """Record a follow-up, exactly as the chat does. Exit 0 done, 3 refused."""
    settings = _settings()
    parsed_amount = parse_amount(amount)
    if isinstance(parsed_amount, Refusal):
        _fail("--amount: not an amount in yuan, e.g. 12800 or 3500.50", EXIT_USAGE)
    now = utc_now()
    next_contact_at = _parse_time(next_contact, "--next-contact")
    if next_contact_at is not None and next_contact_at <= now:
        _fail(f"--next-contact: {next_contact} has passed; the next contact is planned ahead", EXIT_USAGE)
    engine = _engine(settings)
    outcome = record_follow_up(
        lambda: SqlUnitOfWork(engine, write=True),
        actor_telegram_id=_id(staff, "--staff"),
        registration_id=_id(registration_id, "REGISTRATION_ID"),
        kind=kind,
        note=note,
        amount=parsed_amount,
        next_contact_at=next_contact_at,
        now=now,
        rules=settings.rules,
    )
    if isinstance(outcome, Refused):
        state = outcome.state.value if outcome.state else None
        if as_json:
            typer.echo(json.dumps({"outcome": "refused", "refusal": outcome.refusal.value, "state": state}))
        else:
            detail = f" (registration is {state})" if state else ""
            if outcome.refusal is Refusal.NOTE_TOO_LONG:
                detail = f" (at most {settings.rules.max_note_chars} characters)"
            typer.echo(f"refused: {outcome.refusal.value}{detail}")
        raise typer.Exit(EXIT_REFUSED)
    deadline = outcome.standing.deadline
    # Recorded in the outbox with the follow-up: the running bot (or `leadbot sweep`) tells them.
    notices = [
        {"telegram_id": n.to.telegram_id, "name": n.to.name, "kind": n.kind.value} for n in outcome.notices
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "outcome": "done",
                    "registration_id": registration_id,
                    "state": outcome.standing.state.value,
                    "deadline_kind": deadline.kind.value if deadline else None,
                    "deadline_at": deadline.at.isoformat() if deadline else None,
                    "notices": notices,
                },
                ensure_ascii=False,
            )
        )
        return
    next_due = f", {deadline.kind.value} by {_local(deadline.at, settings.rules.zone)}" if deadline else ""
    typer.echo(
        f"done: registration {registration_id}, {kind.value} recorded; state {outcome.standing.state.value}{next_due}"
    )
    for notice in notices:
        typer.echo(f"notice for {notice['name']} ({notice['telegram_id']}): {notice['kind']}")


@app.command("sweep")
def sweep_command(
    at: Annotated[str | None, typer.Option(help="ISO 8601 instant; default now")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what would be sent; record nothing")
    ] = False,
) -> None:
    """Run one reminder sweep for an instant, deliver the notices waiting in the outbox, and print
    what it sends (needs the token unless --dry-run)."""
    import asyncio

    from bot.delivery.notices import deliver_notices
    from bot.delivery.sweep import sweep
    from bot.services import Services
    from domain.reminders import in_quiet_hours, next_working_time

    settings = _settings()
    if not dry_run and not settings.telegram_token:
        _fail("LEADBOT_TELEGRAM_TOKEN: missing; needed to send (or use --dry-run)", EXIT_USAGE)
    now = _parse_time(at, "--at") or utc_now()
    services = Services(settings, _engine(settings))
    rules = settings.rules
    if in_quiet_hours(now, rules):
        wait = next_working_time(now, rules).astimezone(rules.zone)
        typer.echo(f"quiet hours: reminders wait until {wait:%Y-%m-%d %H:%M}")
    bot = _bot(settings, settings.telegram_token or "0:dry-run")

    async def run() -> tuple[list[Any], list[Any]]:
        if dry_run:
            return await sweep(bot, services, now, dry_run=True), []
        async with bot:
            # Notices answer events, so quiet hours do not hold them back.
            return await sweep(bot, services, now), await deliver_notices(bot, services)

    reminders, notices = asyncio.run(run())
    if dry_run:
        with SqlUnitOfWork(services.engine) as uow:
            waiting = uow.outbox.pending_count()
        if waiting:
            typer.echo(f"{waiting} notices waiting in the outbox")
    for notice, status in notices:
        typer.echo(f"{status}\tnotice:{notice.entry.kind.value}\t{notice.to.name}")
    for outgoing, status in reminders:
        reminder = outgoing.reminder
        deadline = reminder.deadline.astimezone(rules.zone)
        typer.echo(
            f"{status}\t{reminder.kind.value}\t{outgoing.to.name}\t{mask_phone(reminder.registration.phone)}\t{deadline:%Y-%m-%d %H:%M}"
        )


# --- the daily summary (日报) and 《意向客户跟踪表》 (RULES §6) --------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _team_report(settings: Settings, team: str, now: datetime) -> TeamReport:
    with SqlUnitOfWork(_engine(settings)) as uow:
        found = uow.roster.team_by_name(team)
        if found is None:
            _fail(f"--team: no team named {team} (see `leadbot team list`)", EXIT_REFUSED)
        report = uow.reports.team_report(found.id, now, settings.rules)
    assert report is not None
    return report


def _write_workbook(report: TeamReport, settings: Settings, out: Path) -> None:
    data = tracking_workbook(
        report.rows, report.language, settings.rules.zone, report.team.name, report.digest.day
    )
    out.write_bytes(data)


@app.command("export")
def export_command(
    team: Annotated[str, typer.Option(help="the team's name")],
    out: Annotated[Path, typer.Option(help="the .xlsx file to write", dir_okay=False)],
    at: Annotated[
        str | None, typer.Option(help="ISO 8601 instant for states and deadlines; default now")
    ] = None,
) -> None:
    """Write the team's 《意向客户跟踪表》 (.xlsx) in the team's language.

    The workbook holds full phones and addresses (RULES §2): it is for the team's managers.
    """
    settings = _settings()
    report = _team_report(settings, team, _parse_time(at, "--at") or utc_now())
    _write_workbook(report, settings, out)
    typer.echo(f"{len(report.rows)} open registrations of {report.team.name} written to {out}")


@app.command("digest")
def digest_command(
    team: Annotated[str, typer.Option(help="the team's name")],
    day: Annotated[
        str | None, typer.Option("--date", help="the local day, YYYY-MM-DD; default today")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="also write the tracking workbook (.xlsx) here", dir_okay=False)
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print only; send nothing, record nothing")
    ] = False,
) -> None:
    """Print the team's daily summary as the group chat reads it (phones masked, tags stripped) and,
    for today without --dry-run, post it now to its recipients: the bound group, ops and marketing
    managers. Each gets it once a day: the scheduled 20:30 run will not repeat it.

    A past day's summary is read as things stood at the end of that day (the registrations as
    they are now, their clocks read then: a what-if, not a replay) and never sent.
    """
    settings = _settings()
    rules = settings.rules
    now = utc_now()
    today = local_day(now, rules)
    target = today
    if day is not None:
        try:
            target = datetime.strptime(day, "%Y-%m-%d").date()
        except ValueError:
            _fail("--date: not a date like 2026-11-27", EXIT_USAGE)
        _within_reach(target.year, day, "--date")
    if target > today:
        _fail(f"--date: {target} has not come yet", EXIT_USAGE)
    instant = now if target == today else day_bounds(target, rules.zone)[1] - datetime.resolution
    report = _team_report(settings, team, instant)
    messages = render_digest(report.digest, report.language, rules.zone, mask_phones=True)
    typer.echo("\n\n".join(html.unescape(_TAG.sub("", message)) for message in messages))
    if out is not None:
        _write_workbook(report, settings, out)
        typer.echo(f"{len(report.rows)} open registrations written to {out}", err=True)
    if dry_run or target != today:
        return
    if not settings.telegram_token:
        _fail("LEADBOT_TELEGRAM_TOKEN: missing; needed to send (or use --dry-run)", EXIT_USAGE)
    _post_now(settings, report.team.id, now)


def _post_now(settings: Settings, team_id: int, now: datetime) -> None:
    import asyncio

    from bot.delivery.sweep import post_summaries
    from bot.services import Services

    services = Services(settings, _engine(settings))
    # Posting by hand counts as today's post: the digest time is "now".
    services.settings = settings.model_copy(update={"digest_time": "00:00"})
    bot = _bot(settings, settings.telegram_token or "")

    async def run() -> list[Any]:
        async with bot:
            return await post_summaries(bot, services, now, only_team=team_id)

    results = asyncio.run(run())
    for outgoing, status in results:
        typer.echo(f"{status}\t{outgoing.recipient.chat_id}", err=True)
    if not results:
        typer.echo("already posted today, or nobody to post to (bind a group with /bindteam)", err=True)


def main() -> None:
    try:
        app()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        sys.exit(EXIT_USAGE)
