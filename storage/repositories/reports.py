"""Read-only reports: a team's digest, a customer's history, listings (domain.ports.Reports)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.digest import LastFollowUp, TeamReport
from domain.history import AttemptRecord, EventRecord
from domain.model import EventKind, FollowUpKind, Registration
from domain.rules import Rules
from storage import mappers
from storage.mappers import registrations_query
from storage.repositories import digests
from storage.tables import CustomerRow, FilingAttemptRow, RegistrationEventRow, RegistrationRow, StaffRow


class SqlReports:
    def __init__(self, session: Session) -> None:
        self._session = session

    def team_report(self, team_id: int, now: datetime, rules: Rules) -> TeamReport | None:
        """The team's summary and tracking rows at `now` (storage.repositories.digests)."""
        return digests.team_report(self._session, team_id, now, rules)

    def last_follow_ups(self, team_id: int, by: datetime) -> dict[int, LastFollowUp]:
        """Each of the team's open registrations' latest real contact by then (registration id ->)."""
        return digests.last_follow_ups(self._session, team_id, by)

    def attempts_for_phone(self, phone: str) -> list[AttemptRecord]:
        """The filing-attempt log for this E.164 phone, with each filer's name and team."""
        rows = self._session.execute(
            sa.select(FilingAttemptRow, col(StaffRow.name), col(StaffRow.team_id))
            .join(StaffRow, col(StaffRow.id) == col(FilingAttemptRow.staff_id), isouter=True)
            .where(col(FilingAttemptRow.phone) == phone)
            .order_by(col(FilingAttemptRow.id))
        ).all()
        return [
            AttemptRecord(
                at=a.at,
                staff_name=name,
                staff_team_id=team_id,
                customer_name=a.customer_name,
                accepted=a.outcome == "accepted",
                reason=a.reason,
                registration_id=a.registration_id,
            )
            for a, name, team_id in rows
        ]

    def events_for_customer(self, phone: str) -> list[EventRecord]:
        """Every event of every registration of the customer with this E.164 phone, in log order."""
        actor, other = sa.orm.aliased(StaffRow), sa.orm.aliased(StaffRow)
        rows = self._session.execute(
            sa.select(RegistrationEventRow, col(actor.name), col(other.name))
            .join(RegistrationRow, col(RegistrationRow.id) == col(RegistrationEventRow.registration_id))
            .join(CustomerRow, col(CustomerRow.id) == col(RegistrationRow.customer_id))
            .join(actor, col(actor.id) == col(RegistrationEventRow.actor_id), isouter=True)
            .join(other, col(other.id) == col(RegistrationEventRow.other_staff_id), isouter=True)
            .where(col(CustomerRow.phone) == phone)
            .order_by(col(RegistrationEventRow.id))
        ).all()
        return [
            EventRecord(
                registration_id=e.registration_id,
                at=e.at,
                kind=EventKind(e.kind),
                actor_name=actor_name,
                other_name=other_name,
                follow_up_kind=FollowUpKind(e.follow_up_kind) if e.follow_up_kind else None,
                note=e.note,
                amount=e.amount,
                next_contact_at=e.next_contact_at,
                until=e.until,
                reason=e.reason,
            )
            for e, actor_name, other_name in rows
        ]

    def registrations_listing(
        self, *, team_id: int | None, holder_id: int | None, filed_by: datetime
    ) -> list[Registration]:
        """Registrations not closed (those holding a customer and open challenges) filed by then."""
        query = registrations_query().where(
            col(RegistrationRow.closure).is_(None), col(RegistrationRow.filed_at) <= filed_by
        )
        if team_id is not None:
            query = query.where(RegistrationRow.team_id == team_id)
        if holder_id is not None:
            query = query.where(RegistrationRow.holder_id == holder_id)
        rows = self._session.exec(
            query.order_by(col(RegistrationRow.filed_at), col(RegistrationRow.id))
        ).all()
        return [mappers.registration(*r) for r in rows]
