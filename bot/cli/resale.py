"""`leadbot resale`: a repeat purchase (RULES §7), the chat's use case (domain.resale) from the
command line. `leadbot resale REG --staff ID [--holder ID] [--needs …] [--expected-purchase …]`:
the won registration's holder opens a new registration for its customer; if the holder has left, a
manager of the team does, naming with `--holder` (a Telegram id) the colleague who takes it.
Exit 0 opened, 2 bad input (an id nobody has), 3 refused (one sentence saying why)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.cli.common import (
    EXIT_REFUSED,
    EXIT_USAGE,
    app,
    current_time,
    engine_or_exit,
    local_time,
    record_id,
    settings_or_exit,
    staff_or_exit,
)
from bot.i18n.labels import REFUSAL, STATE
from bot.i18n.texts import raw
from domain.customer_details import mask_phone
from domain.model import ExpectedPurchase
from domain.registrations import Refusal
from domain.resale import ResaleOpened, ResaleRefused, open_resale
from storage.uow import SqlUnitOfWork


@app.command("resale")
def resale_command(
    registration_id: Annotated[int, typer.Argument(help="the won registration's id")],
    staff: Annotated[int, typer.Option("--staff", help="the holder's (or their manager's) Telegram id")],
    holder: Annotated[
        int | None, typer.Option("--holder", help="the holder has left: the colleague's Telegram id")
    ] = None,
    needs: Annotated[str | None, typer.Option(help="what the customer wants this time")] = None,
    expected_purchase: Annotated[ExpectedPurchase | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the outcome as JSON")] = False,
) -> None:
    """Open a new registration for a won registration's customer (a repeat purchase), exactly as the
    after-sale dialog's New purchase does. Exit 0 opened, 2 bad input, 3 refused."""
    settings = settings_or_exit()
    now, rules = current_time(), settings.rules
    actor = record_id(staff, "--staff")
    won_id = record_id(registration_id, "REGISTRATION_ID")
    engine = engine_or_exit(settings)
    holder_id = None
    if holder is not None:
        with SqlUnitOfWork(engine) as uow:
            holder_id = staff_or_exit(uow, record_id(holder, "--holder")).id
    outcome = open_resale(
        lambda: SqlUnitOfWork(engine, write=True),
        actor_telegram_id=actor,
        registration_id=won_id,
        now=now,
        rules=rules,
        holder_id=holder_id,
        needs=needs,
        expected_purchase=expected_purchase,
    )
    if isinstance(outcome, ResaleOpened):
        new = outcome.registration
        if as_json:
            done = {"outcome": "opened", "registration_id": new.id, "resale_of": won_id}
            typer.echo(json.dumps(done | {"holder": new.holder_name}, ensure_ascii=False))
            return
        typer.echo(
            f"opened: registration {new.id} for {mask_phone(new.phone)}, held by {new.holder_name},"
            f" from registration {won_id}"
        )
        if outcome.deadline is not None:
            typer.echo(f"next follow-up by {local_time(outcome.deadline.at, rules.zone)}")
        return
    code = EXIT_USAGE if outcome.refusal is Refusal.NOT_FOUND else EXIT_REFUSED
    holder_name = outcome.holder_name if isinstance(outcome, ResaleRefused) else None
    if as_json:
        state = outcome.state.value if outcome.state else None
        refused = {"outcome": "refused", "refusal": outcome.refusal.value, "state": state}
        typer.echo(json.dumps(refused | {"holder": holder_name}, ensure_ascii=False))
        raise typer.Exit(code)
    state_label = raw("en", STATE[outcome.state]) if outcome.state else ""
    sentence = raw("en", REFUSAL[outcome.refusal], state=state_label).removeprefix("❌").strip()
    if holder_name:
        sentence += f" Held by {holder_name}."
    typer.echo(
        f"refused: {outcome.refusal.value} (registration {won_id}: {sentence})", err=code == EXIT_USAGE
    )
    raise typer.Exit(code)
