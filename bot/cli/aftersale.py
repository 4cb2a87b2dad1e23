"""The after-sale kinds of `leadbot follow-up` (RULES §7): the chat's after-sale use cases
(domain.aftersale_care) from the command line.

`--kind aftersale [--note …] [--score 1..5]`, `--kind problem --note …`, `--kind solved [--item N]`,
`--kind need --note …`, `--kind met [--item N]`, `--kind satisfaction --score 1..5 [--note …]`,
`--kind birthday --note 03-15` (the customer's birthday: 3月15日 and 1990-03-15 too).
Exit 0 done, 2 bad input, 3 refused (one sentence saying why).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, NoReturn

import typer

from bot.cli.common import EXIT_REFUSED, EXIT_USAGE, current_time, engine_or_exit, fail, local_time, record_id
from bot.config import Settings
from bot.i18n.labels import REFUSAL, STATE
from bot.i18n.texts import raw
from domain.aftersale import MAX_SCORE, MIN_SCORE, CareItemKind
from domain.aftersale_care import (
    CareDone,
    CareOutcome,
    ItemRefused,
    close_care_item,
    open_care_item,
    record_aftersale_contact,
    record_birthday,
    record_satisfaction,
)
from domain.care_days import BirthdayError, parse_birthday
from domain.registrations import Refusal
from storage.uow import SqlUnitOfWork


class AftersaleKind(StrEnum):
    AFTERSALE = "aftersale"  # an after-sale contact (回访)
    PROBLEM = "problem"
    SOLVED = "solved"
    NEED = "need"
    MET = "met"
    SATISFACTION = "satisfaction"
    BIRTHDAY = "birthday"  # the customer's birthday in --note: 03-15, 3月15日, 1990-03-15


_ITEM_KIND = {
    AftersaleKind.PROBLEM: CareItemKind.PROBLEM,
    AftersaleKind.SOLVED: CareItemKind.PROBLEM,
    AftersaleKind.NEED: CareItemKind.NEED,
    AftersaleKind.MET: CareItemKind.NEED,
}


BIRTHDAY_USAGE = {
    BirthdayError.FORMAT: "a birthday is a month and a day",
    BirthdayError.NO_SUCH_DAY: "no such day",
    BirthdayError.FUTURE: "a birth year still to come",
}


def check_usage(kind: AftersaleKind, note: str | None, score: int | None, item: int | None) -> None:
    """What the command line can tell wrong before asking the database: exit 2."""
    if kind in {AftersaleKind.PROBLEM, AftersaleKind.NEED} and not (note or "").strip():
        fail(f"--note: a {kind.value} needs a note saying what it is", EXIT_USAGE)
    if kind is AftersaleKind.BIRTHDAY:
        parsed = parse_birthday(note or "", current_time().date())
        if isinstance(parsed, BirthdayError):
            fail(f"--note: {BIRTHDAY_USAGE[parsed]} (e.g. 03-15, 3月15日 or 1990-03-15)", EXIT_USAGE)
    if kind is AftersaleKind.SATISFACTION and score is None:
        fail(f"--score: satisfaction needs a score from {MIN_SCORE} to {MAX_SCORE}", EXIT_USAGE)
    if score is not None:
        if kind not in {AftersaleKind.AFTERSALE, AftersaleKind.SATISFACTION}:
            fail("--score: only with --kind aftersale or satisfaction", EXIT_USAGE)
        if not MIN_SCORE <= score <= MAX_SCORE:
            fail(f"--score: {score} is not a score from {MIN_SCORE} to {MAX_SCORE}", EXIT_USAGE)
    if item is not None:
        if kind not in {AftersaleKind.SOLVED, AftersaleKind.MET}:
            fail("--item: only with --kind solved or met", EXIT_USAGE)
        record_id(item, "--item")


def record(
    settings: Settings,
    *,
    kind: AftersaleKind,
    staff: int,
    registration_id: int,
    note: str | None,
    score: int | None,
    item: int | None,
    as_json: bool,
) -> None:
    now, rules = current_time(), settings.rules
    engine = engine_or_exit(settings)

    def writer() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=True)

    common: dict[str, Any] = {
        "actor_telegram_id": record_id(staff, "--staff"),
        "registration_id": record_id(registration_id, "REGISTRATION_ID"),
        "now": now,
        "rules": rules,
    }
    outcome: CareOutcome
    if kind is AftersaleKind.AFTERSALE:
        outcome = record_aftersale_contact(writer, note=note, score=score, **common)
    elif kind is AftersaleKind.SATISFACTION:
        if score is None:
            raise ValueError("check_usage lets no satisfaction without a score through")
        outcome = record_satisfaction(writer, score=score, comment=note, **common)
    elif kind is AftersaleKind.BIRTHDAY:
        birthday = parse_birthday(note or "", now.astimezone(rules.zone).date())
        if isinstance(birthday, BirthdayError):
            raise ValueError("check_usage lets no bad birthday through")
        outcome = record_birthday(writer, birthday=birthday, **common)
    elif kind in {AftersaleKind.PROBLEM, AftersaleKind.NEED}:
        outcome = open_care_item(writer, kind=_ITEM_KIND[kind], note=note, **common)
    else:
        outcome = close_care_item(writer, kind=_ITEM_KIND[kind], item_id=item, note=note, **common)
    if not isinstance(outcome, CareDone):
        _refused(outcome, registration_id, as_json)
    dues = [
        {"kind": d.kind.value, "due_at": d.due_at.isoformat(), "overdue": d.overdue, "item_id": d.item_id}
        for d in outcome.dues
    ]
    item_id = outcome.item.id if outcome.item else None
    if as_json:
        done = {"outcome": "done", "registration_id": registration_id, "kind": kind.value, "item_id": item_id}
        typer.echo(json.dumps(done | {"dues": dues}, ensure_ascii=False))
        return
    what = f"{kind.value} #{item_id}" if item_id is not None else kind.value
    typer.echo(f"done: registration {registration_id}, {what} recorded")
    for due in outcome.dues:
        late = " (overdue)" if due.overdue else ""
        label = due.kind.value + (f" #{due.item_id}" if due.item_id is not None else "")
        typer.echo(f"due: {label} by {local_time(due.due_at, rules.zone)}{late}")


def _refused(outcome: Any, registration_id: int, as_json: bool) -> NoReturn:
    refusal: Refusal = outcome.refusal
    open_ids = list(outcome.open_ids) if isinstance(outcome, ItemRefused) else []
    if as_json:
        state = outcome.state.value if outcome.state else None
        typer.echo(
            json.dumps({"outcome": "refused", "refusal": refusal.value, "state": state, "open": open_ids})
        )
        raise typer.Exit(EXIT_REFUSED)
    state_label = raw("en", STATE[outcome.state]) if outcome.state else ""
    sentence = raw("en", REFUSAL[refusal], state=state_label).removeprefix("❌").strip()
    if open_ids:
        sentence += " Open: " + ", ".join(f"#{i}" for i in open_ids) + "; say which with --item."
    typer.echo(f"refused: {refusal.value} (registration {registration_id}: {sentence})")
    raise typer.Exit(EXIT_REFUSED)
