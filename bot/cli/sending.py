"""`leadbot sweep`, `leadbot export`, `leadbot digest`: what the running bot sends on its own
(reminders, notices, summaries), from the command line."""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.common import (
    app,
    current_time,
    engine_or_exit,
    fail,
    language,
    make_bot,
    parse_time,
    settings_or_exit,
    team_or_exit,
    within_reach,
)
from bot.cli.files import check_out, write_tracking_sheet
from bot.cli.progress import Bar, progress
from bot.config import Settings
from bot.digests.render import render_digest
from bot.i18n.keys import Text
from bot.i18n.texts import raw
from domain.care_days import CareDayOutgoing
from domain.customer_details import mask_phone
from domain.digest import day_bounds, local_day
from domain.model import BrokenInvariant
from domain.tracking import TeamReport
from storage.uow import SqlUnitOfWork


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

    settings = settings_or_exit()
    if not dry_run and not settings.telegram_token:
        fail(raw(language(), Text.cli_token_to_send))
    now = parse_time(at, "--at") or current_time()
    services = Services(settings, engine_or_exit(settings))
    rules = settings.rules
    if in_quiet_hours(now, rules):
        wait = next_working_time(now, rules).astimezone(rules.zone)
        typer.echo(f"quiet hours: reminders wait until {wait:%Y-%m-%d %H:%M}")
    bot = make_bot(settings, settings.telegram_token or "0:dry-run")

    async def run(bar: Bar) -> tuple[list[Any], list[Any]]:
        if dry_run:
            return await sweep(bot, services, now, dry_run=True, counted=bar.advance), []
        async with bot:
            # Notices answer events, so quiet hours do not hold them back.
            return await sweep(bot, services, now, counted=bar.advance), await deliver_notices(bot, services)

    # A catch-up after a long stop can be thousands of reminders at Telegram's pace.
    with progress(raw(language(), Text.cli_progress_sweep)) as bar:
        reminders, notices = asyncio.run(run(bar))
    if dry_run:
        with SqlUnitOfWork(services.engine) as uow:
            waiting = uow.outbox.pending_count()
        if waiting:
            typer.echo(f"{waiting} notices waiting in the outbox")
    for notice, status in notices:
        typer.echo(f"{status}\tnotice:{notice.entry.kind.value}\t{notice.recipient}")
    for outgoing, status in reminders:
        if isinstance(outgoing, CareDayOutgoing):
            day = outgoing.care_day
            typer.echo(
                f"{status}\tcare_day:{day.occasion.value}\t{outgoing.to.name}\t{len(outgoing.customers)}\t{day.day}"
            )
            continue
        reminder = outgoing.reminder
        deadline = reminder.deadline.astimezone(rules.zone)
        phone = mask_phone(reminder.registration.phone)
        typer.echo(f"{status}\t{reminder.kind.value}\t{outgoing.to.name}\t{phone}\t{deadline:%Y-%m-%d %H:%M}")


# --- the daily summary (日报) and 《意向客户跟踪表》 (RULES §6) --------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _team_report(settings: Settings, team: str, now: datetime) -> TeamReport:
    with SqlUnitOfWork(engine_or_exit(settings)) as uow:
        report = uow.reports.team_report(team_or_exit(uow, team).id, now, settings.rules)
    if report is None:
        raise BrokenInvariant("report is missing")
    return report


@app.command("export")
def export_command(
    team: Annotated[str, typer.Option(help="the team's name")],
    out: Annotated[Path, typer.Option(help="the file to write: .xlsx, or .csv for the same rows")],
    at: Annotated[
        str | None, typer.Option(help="ISO 8601 instant for states and deadlines; default now")
    ] = None,
) -> None:
    """Write the team's 《意向客户跟踪表》 in the team's language: an .xlsx workbook, or its rows
    as .csv (UTF-8) — the name's ending decides.

    The workbook holds full phones and addresses (RULES §2): it is for the team's managers.
    """
    settings = settings_or_exit()
    check_out(out)
    report = _team_report(settings, team, parse_time(at, "--at") or current_time())
    write_tracking_sheet(report, settings, out)
    typer.echo(f"{len(report.rows)} open registrations of {report.team.name} written to {out}")


@app.command("digest")
def digest_command(
    team: Annotated[str, typer.Option(help="the team's name")],
    day: Annotated[
        str | None, typer.Option("--date", help="the local day, YYYY-MM-DD; default today")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="also write the tracking workbook here (.xlsx or .csv)")
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
    settings = settings_or_exit()
    rules = settings.rules
    now = current_time()
    today = local_day(now, rules)
    target = today
    if day is not None:
        try:
            target = datetime.strptime(day, "%Y-%m-%d").date()
        except ValueError:
            fail(raw(language(), Text.cli_bad_date, option="--date", value=day))
        within_reach(target.year, day, "--date")
    if target > today:
        fail(raw(language(), Text.cli_not_come_yet, option="--date", value=target))
    if out is not None:
        check_out(out)
    instant = now if target == today else day_bounds(target, rules.zone)[1] - datetime.resolution
    report = _team_report(settings, team, instant)
    messages = render_digest(report.digest, report.language, rules.zone, mask_phones=True)
    typer.echo("\n\n".join(html.unescape(_TAG.sub("", message)) for message in messages))
    if out is not None:
        write_tracking_sheet(report, settings, out)
        typer.echo(f"{len(report.rows)} open registrations written to {out}", err=True)
    if dry_run or target != today:
        return
    if not settings.telegram_token:
        fail(raw(language(), Text.cli_token_to_send))
    _post_now(settings, report.team.id, now)


def _post_now(settings: Settings, team_id: int, now: datetime) -> None:
    import asyncio

    from bot.delivery.sweep import post_summaries
    from bot.services import Services

    services = Services(settings, engine_or_exit(settings))
    # Posting by hand counts as today's post: the digest time is "now".
    services.settings = settings.model_copy(update={"digest_time": "00:00"})
    bot = make_bot(settings, settings.telegram_token or "")

    async def run() -> list[Any]:
        async with bot:
            return await post_summaries(bot, services, now, only_team=team_id)

    results = asyncio.run(run())
    for outgoing, status in results:
        typer.echo(f"{status}\t{outgoing.recipient.chat_id}", err=True)
    if not results:
        typer.echo("already posted today, or nobody to post to (bind a group with /bindteam)", err=True)
