"""`leadbot file`, `leadbot registrations`, `leadbot follow-up`: the chat's filing and follow-up
use cases from the command line."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from bot.chat.render import already_sold, problem_hint
from bot.cli import aftersale
from bot.cli.aftersale import AftersaleKind
from bot.cli.common import (
    EXIT_REFUSED,
    EXIT_USAGE,
    app,
    current_time,
    engine_or_exit,
    fail,
    language,
    local_time,
    parse_time,
    plain,
    record_id,
    settings_or_exit,
    staff_or_exit,
    team_or_exit,
)
from bot.i18n.keys import Text
from bot.i18n.labels import REFUSAL, REJECTION_REASON, STATE
from bot.i18n.texts import raw
from domain.customer_details import Invalid, Problem, mask_phone
from domain.filing import Accepted, FilingRequest, Reason, check_obtained_at, file_registration
from domain.lifecycle import standing_at
from domain.model import BrokenInvariant, ExpectedPurchase, FollowUpKind
from domain.registrations import MAX_AMOUNT, Refusal, Refused, parse_amount, record_follow_up
from domain.roster import Held
from storage.uow import SqlUnitOfWork

_KINDS = [*FollowUpKind, *AftersaleKind]


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
    settings = settings_or_exit()
    now = current_time()
    obtained = parse_time(obtained_at, "--obtained-at")
    if obtained is not None and isinstance(check_obtained_at(obtained, now, settings.rules), Invalid):
        fail(raw(language(), Text.cli_not_come_yet, option="--obtained-at", value=obtained_at))
    engine = engine_or_exit(settings)
    request = FilingRequest(
        filer_telegram_id=record_id(staff, "--staff"),
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
                    "reason": None if isinstance(outcome, Accepted) else outcome.reason.value,
                    "registration_id": outcome.registration_id,
                    "needs_review": outcome.needs_review if isinstance(outcome, Accepted) else False,
                    # duplicate: who holds it; already_sold: whose after-sale customer (RULES §7)
                    "holder": None if isinstance(outcome, Accepted) else outcome.holder_name,
                },
                ensure_ascii=False,
            )
        )
    elif isinstance(outcome, Accepted):
        if outcome.details is None:
            raise BrokenInvariant("outcome.details is missing")
        review = " (needs review: possible duplicate)" if outcome.needs_review else ""
        typer.echo(
            f"accepted: registration {outcome.registration_id}, {mask_phone(outcome.details.phone)}{review}"
        )
    elif outcome.reason is Reason.ALREADY_SOLD and outcome.holder_name is not None:
        # RULES §7: whose after-sale customer, since which deal — the chat's own sentence.
        typer.echo(plain(already_sold(settings.default_language, outcome, settings.rules.zone)))
    else:
        lang = settings.default_language
        why = raw(lang, REJECTION_REASON[outcome.reason])
        detail = raw(lang, Text.list_separator).join(
            problem_hint(lang, p, settings.rules) for p in outcome.problems
        )
        typer.echo(plain(raw(lang, Text.cli_rejected, why=why) + (f" ({detail})" if detail else "")))
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
    settings = settings_or_exit()
    instant = parse_time(at, "--at") or current_time()
    with SqlUnitOfWork(engine_or_exit(settings)) as uow:
        team_id = holder_id = None
        if team is not None:
            team_id = team_or_exit(uow, team).id
        if staff is not None:
            holder_id = staff_or_exit(uow, record_id(staff, "--staff")).id
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
            f"{standing.deadline.kind.value} {local_time(standing.deadline.at, zone)}"
            if standing.deadline
            else ""
        )
        fields = [
            str(r.id),
            mask_phone(r.phone),
            r.customer_name,
            r.holder_name,
            teams.get(r.team_id, "?"),
            local_time(r.filed_at, zone),
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


@app.command("follow-up")
def follow_up_command(
    registration_id: Annotated[
        int, typer.Argument(help="the registration's id (see `leadbot registrations`)")
    ],
    staff: Annotated[
        int, typer.Option("--staff", help="the holder's (or, after the sale, customer service's) Telegram id")
    ],
    kind: Annotated[str, typer.Option(help=f"what happened: {', '.join(_KINDS)}")],
    note: Annotated[str | None, typer.Option()] = None,
    amount: Annotated[str | None, typer.Option(help="yuan, for a deposit or deal: 12800 or 3500.50")] = None,
    next_contact: Annotated[str | None, typer.Option("--next-contact", help="ISO 8601")] = None,
    score: Annotated[
        int | None, typer.Option(help="after the sale: satisfaction 1-5 (aftersale, satisfaction)")
    ] = None,
    item: Annotated[
        int | None, typer.Option(help="after the sale: the problem or need (solved, met)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the outcome as JSON")] = False,
) -> None:
    """Record a follow-up, or after the sale an after-sale contact, a problem or need and its
    solution, or the customer's satisfaction, exactly as the chat does. Exit 0 done, 2 bad input,
    3 refused."""
    settings = settings_or_exit()
    if kind in set(AftersaleKind):
        after_sale = AftersaleKind(kind)
        if amount is not None or next_contact is not None:
            fail(f"--amount, --next-contact: not for --kind {kind}", EXIT_USAGE)
        aftersale.check_usage(after_sale, note, score, item)
        aftersale.record(
            settings,
            kind=after_sale,
            staff=staff,
            registration_id=registration_id,
            note=note,
            score=score,
            item=item,
            as_json=as_json,
        )
        return
    if kind not in set(FollowUpKind):
        fail(f"--kind: {kind!r} is not one of {', '.join(_KINDS)}", EXIT_USAGE)
    if score is not None or item is not None:
        fail(f"--score, --item: not for --kind {kind}", EXIT_USAGE)
    follow_up = FollowUpKind(kind)
    parsed_amount = parse_amount(amount)
    if parsed_amount is Refusal.AMOUNT_TOO_LARGE:
        fail(raw(language(), Text.cli_amount_too_large, value=amount, max=f"{MAX_AMOUNT:,.0f}"))
    if isinstance(parsed_amount, Refusal):
        fail(raw(language(), Text.cli_bad_amount, value=amount))
    now = current_time()
    next_contact_at = parse_time(next_contact, "--next-contact")
    if next_contact_at is not None and next_contact_at <= now:
        fail(raw(language(), Text.cli_has_passed, option="--next-contact", value=next_contact))
    engine = engine_or_exit(settings)
    outcome = record_follow_up(
        lambda: SqlUnitOfWork(engine, write=True),
        actor_telegram_id=record_id(staff, "--staff"),
        registration_id=record_id(registration_id, "REGISTRATION_ID"),
        kind=follow_up,
        note=note,
        amount=parsed_amount,
        next_contact_at=next_contact_at,
        now=now,
        rules=settings.rules,
    )
    if isinstance(outcome, Refused):
        state = outcome.state.value if outcome.state else None
        # An id nobody has is a typing mistake (exit 2); the others are the rules' verdict (exit 3).
        mistyped = outcome.refusal in (Refusal.NOT_FOUND, Refusal.NOT_STAFF)
        if as_json:
            typer.echo(json.dumps({"outcome": "refused", "refusal": outcome.refusal.value, "state": state}))
            raise typer.Exit(EXIT_USAGE if mistyped else EXIT_REFUSED)
        lang = settings.default_language
        if outcome.refusal is Refusal.NOT_FOUND:
            fail(raw(lang, Text.cli_no_such_registration, registration_id=registration_id))
        if outcome.refusal is Refusal.NOT_STAFF:
            fail(raw(lang, Text.cli_no_such_staff, telegram_id=staff))
        why = raw(lang, REFUSAL[outcome.refusal]).removeprefix("❌ ")
        if outcome.refusal is Refusal.NOTE_TOO_LONG:
            why = problem_hint(lang, Invalid(Problem.NOTE_TOO_LONG), settings.rules)
        elif outcome.state is not None:
            why += raw(lang, Text.cli_registration_is, state=raw(lang, STATE[outcome.state]))
        fail(raw(lang, Text.cli_refused, registration_id=registration_id, why=why), EXIT_REFUSED)
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
    next_due = (
        f", {deadline.kind.value} by {local_time(deadline.at, settings.rules.zone)}" if deadline else ""
    )
    state = outcome.standing.state.value
    typer.echo(f"done: registration {registration_id}, {follow_up.value} recorded; state {state}{next_due}")
    for notice in notices:
        typer.echo(f"notice for {notice['name']} ({notice['telegram_id']}): {notice['kind']}")
