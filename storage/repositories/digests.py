"""What a team's daily summary and tracking sheet are made of, read with indexed queries.

Every function takes the unit of work's `sqlmodel.Session` and reads; none writes. The one call
the scheduled job and the CLI make, through storage.repositories.reports.SqlReports:

    with SqlUnitOfWork(engine) as uow:
        report = uow.reports.team_report(team_id, now, rules)   # None: no such team
    render_digest(report.digest, report.language, rules.zone)     # bot.digests.render
    tracking_workbook(report, report.language, rules.zone)        # bot.digests.tracking_sheet

How each query can find its rows without scanning a chain-wide table (SQLite's plans do exactly
this; PostgreSQL's planner may still choose a scan where its statistics say it is cheaper):
- open registrations: `registration.team_id` index;
- the day's filings and follow-ups: the team's registrations active since the day began (by
  `team_id`), their events by `ix_registration_event_registration`, kept when `at` falls in the day;
- rejected duplicates: `filing_attempt.at` index (the chain's attempts of the day), filer's team;
  the holder through `customer.phone` and `registration.customer_id`;
- pending extensions: the team's registrations by `team_id`, requests by `registration_id`;
- quota: the team's staff by `staff.team_id`, their month's filings by `ix_registration_filer_month`,
  counted in one GROUP BY;
- holders of registrations a possible duplicate resembles: primary keys;
- each open registration's last follow-up: the team's open registrations by `team_id`, their
  events by `ix_registration_event_registration` (the greatest id per registration), then those
  events by primary key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from domain.aftersale_digest import aftersale_rows
from domain.digest import (
    DayEvent,
    DigestFacts,
    PendingExtension,
    QuotaCount,
    RejectedDuplicate,
    day_bounds,
    local_day,
    summarize,
)
from domain.filing import Reason, month_bounds
from domain.lifecycle import CONTACT_KINDS
from domain.model import Channel, Closure, EventKind, FollowUpKind, Registration, Role
from domain.rules import Rules
from domain.tracking import LastFollowUp, TeamReport, tracking_rows
from storage.mappers import registration as _registration
from storage.mappers import registrations_query as _registrations
from storage.mappers import team as _team
from storage.repositories.aftersale_digest import team_aftersale
from storage.tables import (
    CustomerRow,
    DeliveryRow,
    ExtensionRequestRow,
    FilingAttemptRow,
    RegistrationEventRow,
    RegistrationRow,
    StaffRow,
    TeamRow,
)

DEFAULT_LANGUAGE = "zh"
REGISTRATION_COLUMNS = sa.inspect(RegistrationRow).columns


def team_report(session: Session, team_id: int, now: datetime, rules: Rules) -> TeamReport | None:
    """The summary of the local day containing `now` and the open registrations, both read at
    `now`; None when there is no such team."""
    row = session.get(TeamRow, team_id)
    if row is None:
        return None
    facts = digest_facts(session, row, now, rules)
    digest = summarize(facts, now, rules)
    rows = tracking_rows(facts.open_registrations, now, rules, last_follow_ups(session, team_id, now))
    return TeamReport(row.language or DEFAULT_LANGUAGE, digest, rows, aftersale_rows(facts.aftersale, now))


def digest_facts(session: Session, team: TeamRow, now: datetime, rules: Rules) -> DigestFacts:
    start, end = day_bounds(local_day(now, rules), rules.zone)
    summarized = _team(team)
    registrations = open_registrations(session, summarized.id)
    flagged = {r.id: r.similar_to_id for r in registrations if r.needs_review and r.similar_to_id is not None}
    channel = Channel(team.channel)
    return DigestFacts(
        team=summarized,
        open_registrations=registrations,
        events=day_events(session, summarized.id, start, end),
        rejected_duplicates=rejected_duplicates(session, summarized.id, start, end),
        pending_extensions=pending_extensions(session, summarized.id),
        unreachable=unreachable_staff(session, summarized.id, now - UNREACHABLE_LOOKBACK),
        quota=quota_counts(session, summarized.id, *month_bounds(now, rules))
        if channel is Channel.FIELD
        else [],
        similar_holders=similar_holders(session, flagged),
        aftersale=tuple(team_aftersale(session, summarized.id, now)),
    )


def open_registrations(session: Session, team_id: int) -> list[Registration]:
    """The team's registrations not closed: those holding a customer, and open challenges."""
    # Plain rows, not ORM objects: a team may have 10,000 of them, and the ORM's bookkeeping per
    # object was a third of the digest's read. A row answers to the same attribute names.
    rows = session.execute(
        sa.select(*REGISTRATION_COLUMNS, col(CustomerRow.phone), col(StaffRow.name).label("holder_name"))
        .join(CustomerRow, col(CustomerRow.id) == col(RegistrationRow.customer_id))
        .join(StaffRow, col(StaffRow.id) == col(RegistrationRow.holder_id))
        .where(col(RegistrationRow.team_id) == team_id, col(RegistrationRow.closure).is_(None))
        .order_by(col(RegistrationRow.filed_at), col(RegistrationRow.id))
    ).all()
    return [_registration(row, row.phone, row.holder_name) for row in rows]  # type: ignore[arg-type]


def last_follow_ups(session: Session, team_id: int, by: datetime) -> dict[int, LastFollowUp]:
    """For each of the team's open registrations with one, its latest real contact recorded by
    `by` (a note is none, RULES §4: the time is the one the follow-up clocks run from), with the
    note typed with it. Latest in log order: events are appended as they happen."""
    event = RegistrationEventRow
    latest = (
        sa.select(sa.func.max(col(event.id)))
        .join(RegistrationRow, col(RegistrationRow.id) == col(event.registration_id))
        .where(
            col(RegistrationRow.team_id) == team_id,
            col(RegistrationRow.closure).is_(None),
            col(event.kind) == EventKind.FOLLOW_UP.value,
            col(event.follow_up_kind).in_(sorted(kind.value for kind in CONTACT_KINDS)),
            col(event.at) <= by,
        )
        .group_by(col(event.registration_id))
    )
    fields = (col(event.registration_id), col(event.follow_up_kind), col(event.note), col(event.at))
    rows = session.execute(sa.select(*fields).where(col(event.id).in_(latest))).all()
    return {
        registration_id: LastFollowUp(FollowUpKind(kind), note or None, at)
        for registration_id, kind, note, at in rows
    }


def day_events(session: Session, team_id: int, start: datetime, end: datetime) -> list[DayEvent]:
    """Filings and follow-ups recorded in [start, end) on the team's registrations, open or closed."""
    actor, credited = aliased(StaffRow), aliased(StaffRow)
    rows = session.execute(
        _registrations()
        .join(RegistrationEventRow, col(RegistrationEventRow.registration_id) == col(RegistrationRow.id))
        .join(actor, col(actor.id) == col(RegistrationEventRow.actor_id), isouter=True)
        .join(credited, col(credited.id) == col(RegistrationRow.credited_to_id), isouter=True)
        .add_columns(
            RegistrationEventRow.at,
            RegistrationEventRow.kind,
            RegistrationEventRow.actor_id,
            RegistrationEventRow.follow_up_kind,
            RegistrationEventRow.amount,
            actor.name,
            credited.name,
        )
        .where(
            col(RegistrationRow.team_id) == team_id,
            # A filing or follow-up moves last_activity_at to its time or later: this keeps the
            # join to the registrations touched since `start`, not every one the team ever had.
            col(RegistrationRow.last_activity_at) >= start,
            col(RegistrationEventRow.at) >= start,
            col(RegistrationEventRow.at) < end,
            col(RegistrationEventRow.kind).in_([EventKind.FILED.value, EventKind.FOLLOW_UP.value]),
            # A note is no follow-up done (RULES §4): it does not move last_activity_at either, so
            # the filter above would keep only some of them.
            sa.or_(
                col(RegistrationEventRow.follow_up_kind).is_(None),
                col(RegistrationEventRow.follow_up_kind) != FollowUpKind.NOTE.value,
            ),
        )
        .order_by(col(RegistrationEventRow.at), col(RegistrationEventRow.id))
    ).all()
    return [
        DayEvent(
            registration=_registration(row, phone, holder_name),
            at=at,
            kind=EventKind(kind),
            actor_id=actor_id,
            actor_name=actor_name,
            follow_up_kind=FollowUpKind(follow_up_kind) if follow_up_kind else None,
            amount=amount,
            credited_name=credited_name,
        )
        for (
            row,
            phone,
            holder_name,
            at,
            kind,
            actor_id,
            follow_up_kind,
            amount,
            actor_name,
            credited_name,
        ) in rows
    ]


def rejected_duplicates(
    session: Session, team_id: int, start: datetime, end: datetime
) -> list[RejectedDuplicate]:
    """Filings by the team's people in [start, end) rejected as duplicates, with who held the
    customer then: of the customer's registrations filed by that moment and not yet closed, the
    first filed (first registered, first protected; a challenge is always filed later)."""
    filer, holder = aliased(StaffRow), aliased(StaffRow)
    holder_then = (
        sa.select(col(holder.name))
        .select_from(RegistrationRow)
        .join(CustomerRow, col(CustomerRow.id) == col(RegistrationRow.customer_id))
        .join(holder, col(holder.id) == col(RegistrationRow.holder_id))
        .where(
            col(CustomerRow.phone) == col(FilingAttemptRow.phone),
            col(RegistrationRow.filed_at) <= col(FilingAttemptRow.at),
            sa.or_(
                col(RegistrationRow.closed_at).is_(None),
                col(RegistrationRow.closed_at) > col(FilingAttemptRow.at),
            ),
        )
        .order_by(col(RegistrationRow.filed_at), col(RegistrationRow.id))
        .limit(1)
        .correlate(FilingAttemptRow)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(
            col(FilingAttemptRow.at),
            col(filer.name),
            holder_then,
            col(FilingAttemptRow.customer_name),
            col(FilingAttemptRow.phone),
            col(filer.id),
        )
        .join(filer, col(filer.id) == col(FilingAttemptRow.staff_id))
        .where(
            col(FilingAttemptRow.at) >= start,
            col(FilingAttemptRow.at) < end,
            col(FilingAttemptRow.reason) == Reason.DUPLICATE.value,
            col(filer.team_id) == team_id,
        )
        .order_by(col(FilingAttemptRow.at), col(FilingAttemptRow.id))
    ).all()
    return [RejectedDuplicate(*row) for row in rows]


UNREACHABLE_LOOKBACK = timedelta(days=7)


def unreachable_staff(session: Session, team_id: int, since: datetime) -> tuple[str, ...]:
    """The team's people whose reminders Telegram refused for good lately (they blocked the bot):
    by the team's staff (`staff.team_id`), their deliveries by `ix_delivery_staff_id`."""
    names = session.execute(
        sa.select(col(StaffRow.name))
        .join(DeliveryRow, col(DeliveryRow.staff_id) == col(StaffRow.id))
        .where(
            col(StaffRow.team_id) == team_id,
            col(DeliveryRow.status) == "undeliverable",
            col(DeliveryRow.recorded_at) >= since,
        )
        .distinct()
        .order_by(StaffRow.name)
    ).scalars()
    return tuple(names)


def pending_extensions(session: Session, team_id: int) -> list[PendingExtension]:
    """Extension requests no department head has decided, on the team's open registrations."""
    requester = aliased(StaffRow)
    rows = session.execute(
        _registrations()
        .join(ExtensionRequestRow, col(ExtensionRequestRow.registration_id) == col(RegistrationRow.id))
        .join(requester, requester.id == ExtensionRequestRow.requested_by)
        .add_columns(requester.name, ExtensionRequestRow.requested_at, ExtensionRequestRow.reason)
        .where(
            col(RegistrationRow.team_id) == team_id,
            col(RegistrationRow.closure).is_(None),
            col(ExtensionRequestRow.approved).is_(None),
        )
        .order_by(col(ExtensionRequestRow.requested_at), col(ExtensionRequestRow.id))
    ).all()
    return [
        PendingExtension(_registration(row, phone, holder_name), requested_by, requested_at, reason)
        for row, phone, holder_name, requested_by, requested_at, reason in rows
    ]


def quota_counts(
    session: Session, team_id: int, month_start: datetime, month_end: datetime
) -> list[QuotaCount]:
    """Each active field salesperson of the team and their registrations using a slot this month,
    counted as SqlRegistrations.quota_used counts them: a deal frees its slot, exempt ones never took one."""
    using_slot = sa.and_(
        col(RegistrationRow.filer_id) == col(StaffRow.id),
        col(RegistrationRow.filed_at) >= month_start,
        col(RegistrationRow.filed_at) < month_end,
        sa.or_(col(RegistrationRow.closure).is_(None), col(RegistrationRow.closure) != Closure.WON.value),
        sa.not_(col(RegistrationRow.quota_exempt)),
    )
    rows = session.execute(
        sa.select(col(StaffRow.name), col(StaffRow.roles), sa.func.count(col(RegistrationRow.id)))
        .select_from(StaffRow)
        .join(RegistrationRow, using_slot, isouter=True)
        .where(col(StaffRow.team_id) == team_id, col(StaffRow.active))
        .group_by(col(StaffRow.id), col(StaffRow.name), col(StaffRow.roles))
    ).all()
    # Roles are a comma-separated column: the salesperson test is exact in Python, not a LIKE.
    return [
        QuotaCount(name, int(used))
        for name, roles, used in rows
        if Role.SALESPERSON.value in roles.split(",")
    ]


def similar_holders(session: Session, similar_to: dict[int, int]) -> dict[int, str]:
    """For each flagged registration id, the holder of the registration it resembles."""
    if not similar_to:
        return {}
    rows = session.execute(
        sa.select(col(RegistrationRow.id), col(StaffRow.name))
        .join(StaffRow, col(StaffRow.id) == col(RegistrationRow.holder_id))
        .where(col(RegistrationRow.id).in_(set(similar_to.values())))
    ).all()
    holders = dict(rows)
    return {flagged: holders[other] for flagged, other in similar_to.items() if other in holders}
