"""`leadbot team …` and `leadbot staff …`: the roster."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from bot.chat.render import problem_hint
from bot.cli.common import (
    current_time,
    engine_or_exit,
    fail,
    language,
    record_id,
    settings_or_exit,
    staff_app,
    team_app,
)
from bot.config import Settings
from bot.i18n.keys import Text
from bot.i18n.labels import ROLE
from bot.i18n.texts import raw
from domain.model import Channel, Role
from domain.roster import RosterRefusal, add_team, deactivate, enrol
from storage.uow import SqlUnitOfWork

_CHANNEL = {Channel.STORE: Text.cli_channel_store, Channel.FIELD: Text.cli_channel_field}


def refused(refusal: RosterRefusal, settings: Settings) -> str:
    """The roster's refusal as a sentence with the fix (exit 2: what was typed cannot be done)."""
    lang, values = settings.default_language, refusal.values
    if refusal.problem is not None:
        return problem_hint(lang, refusal.problem, settings.rules)
    role = raw(lang, ROLE[Role(values["role"])]) if "role" in values else ""
    match refusal.code:
        case "team_exists":
            return raw(lang, Text.cli_team_exists, team=values["team"])
        case "no_such_team":
            return raw(lang, Text.cli_no_such_team, team=values["team"])
        case "no_such_staff":
            return raw(lang, Text.cli_no_such_staff, telegram_id=values["telegram_id"])
        case "no_role":
            return raw(lang, Text.cli_no_role)
        case "team_required":
            return raw(lang, Text.cli_team_required, role=role)
        case "wrong_channel":
            channel = raw(lang, _CHANNEL[Channel(values["channel"])])
            return raw(lang, Text.cli_wrong_channel, role=role, channel=channel, team=values["team"])
    return str(refusal)


class ChannelOption(StrEnum):
    store = "store"
    field = "field"


@team_app.command("add")
def team_add(
    name: str,
    channel: Annotated[ChannelOption, typer.Option(help="store (商场) or field (业务部)")],
    region: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Add a team."""
    settings = settings_or_exit()
    with SqlUnitOfWork(engine_or_exit(settings), write=True) as uow:
        try:
            team = add_team(
                uow,
                name=name,
                channel=Channel(channel.value),
                region=region,
                now=current_time(),
                rules=settings.rules,
            )
        except RosterRefusal as exc:
            fail(refused(exc, settings))
    typer.echo(f"team {team.name} ({team.channel.value}) added")


@team_app.command("list")
def team_list() -> None:
    """List the teams."""
    with SqlUnitOfWork(engine_or_exit(settings_or_exit())) as uow:
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
    settings = settings_or_exit()
    record_id(telegram_id, "--telegram-id")
    with SqlUnitOfWork(engine_or_exit(settings), write=True) as uow:
        known = uow.roster.staff_by_telegram_id(telegram_id)
        try:
            staff = enrol(
                uow,
                telegram_id=telegram_id,
                name=name,
                roles=frozenset(role),
                team_name=team,
                region=region,
                now=current_time(),
                rules=settings.rules,
            )
        except RosterRefusal as exc:
            fail(refused(exc, settings))
    if known is not None:
        # The same Telegram id twice is one person: say that the entry was changed, not added.
        typer.echo(raw(language(), Text.cli_staff_updated, telegram_id=telegram_id, name=staff.name))
        return
    typer.echo(f"{staff.name} ({staff.telegram_id}) is on the roster")


@staff_app.command("list")
def staff_list() -> None:
    """List everyone on the roster."""
    with SqlUnitOfWork(engine_or_exit(settings_or_exit())) as uow:
        teams = {t.id: t.name for t in uow.roster.teams()}
        for s in uow.roster.all_staff():
            status = "active" if s.active else "deactivated"
            roles = ",".join(sorted(r.value for r in s.roles))
            team = teams.get(s.team_id, "") if s.team_id else ""
            typer.echo(f"{s.telegram_id}\t{s.name}\t{roles}\t{team}\t{status}")


@staff_app.command("deactivate")
def staff_deactivate(telegram_id: int) -> None:
    """Take someone's access away at once (their history stays)."""
    record_id(telegram_id, "TELEGRAM_ID")
    settings = settings_or_exit()
    with SqlUnitOfWork(engine_or_exit(settings), write=True) as uow:
        try:
            deactivate(uow, telegram_id=telegram_id, now=current_time())
        except RosterRefusal as exc:
            fail(refused(exc, settings))
    typer.echo(f"{telegram_id} deactivated")
