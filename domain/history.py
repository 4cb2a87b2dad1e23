"""A customer's full history, the evidence a dispute is settled on (RULES §3 attempt log, §4 events).

Who may look, and how much they see, is decided here and nowhere else (RULES §2): department
heads and ops managers see every team in full; store managers and supervisors see their own
team in full and other teams' entries masked (the holder's name, never the customer's details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.customer_details import Invalid, mask_name, normalize_phone
from domain.lifecycle import Standing, standing_at
from domain.model import ALL_TEAMS_ROLES, TEAM_MANAGER_ROLES, EventKind, FollowUpKind, Registration, Staff
from domain.ports import UnitOfWork
from domain.registrations import Refusal, Refused
from domain.rules import Rules

# Events whose `reason` someone wrote; the other events' reasons are codes their kind already says.
_WRITTEN_REASONS = frozenset(
    {
        EventKind.EXTENSION_REQUESTED,
        EventKind.REVIEW_APPROVED,
        EventKind.REVIEW_REJECTED,
        EventKind.TRANSFERRED,
        EventKind.CREDIT_MOVED,
    }
)


class AttemptKind(StrEnum):
    """A filing attempt from the append-only attempt log."""

    ACCEPTED = "filing_accepted"
    REJECTED = "filing_rejected"


@dataclass(frozen=True)
class AttemptRecord:
    """One row of the filing-attempt log, as storage reads it."""

    at: datetime
    staff_name: str | None  # None: someone not on the roster
    staff_team_id: int | None
    customer_name: str  # as typed
    accepted: bool
    reason: str | None  # domain.filing.Reason value of a rejection
    registration_id: int | None


@dataclass(frozen=True)
class EventRecord:
    """One row of a registration's event log, as storage reads it."""

    registration_id: int
    at: datetime
    kind: EventKind
    actor_name: str | None
    other_name: str | None
    follow_up_kind: FollowUpKind | None = None
    note: str | None = None
    amount: Decimal | None = None
    next_contact_at: datetime | None = None
    until: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Scope:
    """The teams whose customers a person sees in full."""

    all_teams: bool
    team_ids: frozenset[int] = frozenset()

    def covers(self, team_id: int | None) -> bool:
        return self.all_teams or team_id in self.team_ids


def history_scope(actor: Staff | None) -> Scope | None:
    """None: this person may not look customers up (guides, salespeople, strangers)."""
    if actor is None or not actor.active:
        return None
    if actor.roles & ALL_TEAMS_ROLES:
        return Scope(all_teams=True)
    if actor.roles & TEAM_MANAGER_ROLES and actor.team_id is not None:
        return Scope(all_teams=False, team_ids=frozenset({actor.team_id}))
    return None


@dataclass(frozen=True)
class RegistrationView:
    """A registration of the customer and where it stands now. Masked: no customer details."""

    id: int
    customer_name: str
    address: str | None
    holder: str
    team: str
    filed_at: datetime
    standing: Standing
    challenge_of_id: int | None
    masked: bool


@dataclass(frozen=True)
class Entry:
    """One thing that happened. Masked entries carry no customer details and no written text
    (notes and reasons may describe the customer)."""

    at: datetime
    kind: AttemptKind | EventKind
    actor: str | None  # None: someone not on the roster
    registration_id: int | None
    masked: bool
    customer_name: str | None = None  # filing attempts: the name as typed
    reason: str | None = None  # rejected filing attempts: domain.filing.Reason value
    other: str | None = None  # the colleague the event concerns: challenger, new holder, credited
    follow_up_kind: FollowUpKind | None = None
    amount: Decimal | None = None
    written: str | None = None  # a follow-up's note, or the reason someone gave for a request or decision
    next_contact_at: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Timeline:
    phone: str  # E.164
    registrations: tuple[RegistrationView, ...]
    entries: tuple[Entry, ...]  # in time order


def customer_history(
    uow: UnitOfWork, *, actor_telegram_id: int, phone: str, now: datetime, rules: Rules
) -> Timeline | Refused | Invalid:
    """Every filing attempt and every event concerning the customer with this phone, and the
    current state of each of their registrations; `Invalid` when the phone cannot be read."""
    actor = uow.roster.staff_by_telegram_id(actor_telegram_id)
    if actor is None or not actor.active:
        return Refused(Refusal.NOT_STAFF)
    scope = history_scope(actor)
    if scope is None:
        return Refused(Refusal.NOT_ENTITLED)
    e164 = normalize_phone(phone, rules)
    if isinstance(e164, Invalid):
        return e164

    registrations = {r.id: r for r in uow.registrations.registrations_of_customer(e164)}
    attempts = uow.reports.attempts_for_phone(e164)
    events = uow.reports.events_for_customer(e164)
    # A filing that made a registration belongs to that registration's team, wherever it went since.
    attempt_teams = [
        registrations[a.registration_id].team_id if a.registration_id in registrations else a.staff_team_id
        for a in attempts
    ]
    if not any(scope.covers(team) for team in [*attempt_teams, *(r.team_id for r in registrations.values())]):
        # The same answer whether the phone is unknown or only other teams know it (RULES §2).
        return Refused(Refusal.NOT_FOUND)

    team_names = {team.id: team.name for team in uow.roster.teams()}
    views = tuple(_view(r, team_names, scope, now, rules) for r in registrations.values())
    filed_by_attempt = {a.registration_id for a in attempts if a.accepted}
    timed: list[tuple[datetime, int, int, Entry]] = []
    for seq, (attempt, team) in enumerate(zip(attempts, attempt_teams, strict=True)):
        timed.append((attempt.at, 0, seq, _attempt_entry(attempt, masked=not scope.covers(team))))
    for seq, event in enumerate(events):
        if event.kind is EventKind.FILED and event.registration_id in filed_by_attempt:
            continue  # the accepted attempt already tells this filing
        masked = not scope.covers(registrations[event.registration_id].team_id)
        timed.append((event.at, 1, seq, _event_entry(event, masked=masked)))
    entries = tuple(entry for *_, entry in sorted(timed, key=lambda item: item[:3]))
    return Timeline(e164, views, entries)


def _view(
    r: Registration, team_names: dict[int, str], scope: Scope, now: datetime, rules: Rules
) -> RegistrationView:
    masked = not scope.covers(r.team_id)
    return RegistrationView(
        id=r.id,
        customer_name=mask_name(r.customer_name) if masked else r.customer_name,
        address=None if masked else r.address,
        holder=r.holder_name,
        team=team_names.get(r.team_id, "?"),
        filed_at=r.filed_at,
        standing=standing_at(r, now, rules),
        challenge_of_id=r.challenge_of_id,
        masked=masked,
    )


def _attempt_entry(a: AttemptRecord, *, masked: bool) -> Entry:
    return Entry(
        at=a.at,
        kind=AttemptKind.ACCEPTED if a.accepted else AttemptKind.REJECTED,
        actor=a.staff_name,
        registration_id=a.registration_id,
        masked=masked,
        customer_name=mask_name(a.customer_name) if masked else a.customer_name,
        reason=a.reason,
    )


def _event_entry(e: EventRecord, *, masked: bool) -> Entry:
    written = e.note if e.kind is EventKind.FOLLOW_UP else e.reason if e.kind in _WRITTEN_REASONS else None
    return Entry(
        at=e.at,
        kind=e.kind,
        actor=e.actor_name,
        registration_id=e.registration_id,
        masked=masked,
        other=e.other_name,
        follow_up_kind=e.follow_up_kind,
        amount=e.amount,
        written=None if masked else written,
        next_contact_at=e.next_contact_at,
        until=e.until,
    )
