"""The after-sale care of won registrations (domain.ports.AftersaleRepository)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.aftersale import Care, CareItem, CareItemKind, Satisfaction
from domain.aftersale_reminders import AftersaleCandidate, Bounds
from domain.care_days import Birthday, CareCustomer
from domain.model import Closure, Registration
from storage import mappers
from storage.mappers import UnsavedRow, registrations_query
from storage.repositories import aftersale_due, care_days
from storage.tables import AftersaleCareRow, AftersaleContactRow, AftersaleItemRow, RegistrationRow


class SqlAftersale:
    def __init__(self, session: Session) -> None:
        self._session = session

    def care(self, registration_id: int) -> Care | None:
        row = self._session.get(AftersaleCareRow, registration_id)
        if row is None:
            return None
        items = self._session.exec(
            select(AftersaleItemRow)
            .where(col(AftersaleItemRow.registration_id) == registration_id)
            .order_by(col(AftersaleItemRow.id))
        ).all()
        return _care(row, tuple(_item(i) for i in items))

    def add_care(self, care: Care) -> None:
        self._session.add(AftersaleCareRow(registration_id=care.registration_id, **_care_values(care)))
        self._session.flush()

    def save_care(self, care: Care) -> None:
        self._session.execute(
            sa.update(AftersaleCareRow)
            .where(col(AftersaleCareRow.registration_id) == care.registration_id)
            .values(**_care_values(care))
        )

    def add_contact(self, registration_id: int, at: datetime, staff_id: int, note: str | None) -> int:
        row = AftersaleContactRow(registration_id=registration_id, at=at, staff_id=staff_id, note=note)
        self._session.add(row)
        self._session.flush()
        if row.id is None:
            raise UnsavedRow("an after-sale contact without an id after flush")
        return row.id

    def add_item(
        self,
        registration_id: int,
        kind: CareItemKind,
        note: str,
        opened_at: datetime,
        opened_by: int,
        due_at: datetime,
    ) -> CareItem:
        row = AftersaleItemRow(
            registration_id=registration_id,
            kind=kind.value,
            note=note,
            opened_at=opened_at,
            opened_by=opened_by,
            due_at=due_at,
        )
        self._session.add(row)
        self._session.flush()
        return _item(row)

    def close_item(self, item_id: int, closed_at: datetime, closed_by: int, note: str | None) -> None:
        self._session.execute(
            sa.update(AftersaleItemRow)
            .where(col(AftersaleItemRow.id) == item_id, col(AftersaleItemRow.closed_at).is_(None))
            .values(closed_at=closed_at, closed_by=closed_by, close_note=note)
        )

    def cared_for(
        self, holder_id: int, team_id: int | None, now: datetime
    ) -> list[tuple[Registration, Care]]:
        """The won registrations with care that `holder_id` holds, or (customer service) that
        `team_id` has, whose care has not ended or still has a problem or need open; each care
        with its open items."""
        open_item = sa.exists().where(
            col(AftersaleItemRow.registration_id) == col(AftersaleCareRow.registration_id),
            col(AftersaleItemRow.closed_at).is_(None),
        )
        whose = col(RegistrationRow.holder_id) == holder_id
        if team_id is not None:
            whose = sa.or_(whose, col(RegistrationRow.team_id) == team_id)
        rows = self._session.exec(
            registrations_query()
            .add_columns(AftersaleCareRow)
            .join(AftersaleCareRow, col(AftersaleCareRow.registration_id) == col(RegistrationRow.id))
            .where(
                whose,
                col(RegistrationRow.closure) == Closure.WON.value,
                sa.or_(col(AftersaleCareRow.ends_at) > now, open_item),
            )
            .order_by(col(RegistrationRow.id))
        ).all()
        ids = [r[0].id for r in rows]
        items: dict[int, list[CareItem]] = {}
        for start in range(0, len(ids), 500):
            for item_row in self._session.exec(
                select(AftersaleItemRow)
                .where(
                    col(AftersaleItemRow.registration_id).in_(ids[start : start + 500]),
                    col(AftersaleItemRow.closed_at).is_(None),
                )
                .order_by(col(AftersaleItemRow.id))
            ).all():
                items.setdefault(item_row.registration_id, []).append(_item(item_row))
        return [
            (
                mappers.registration(row, phone, holder),
                _care(care_row, tuple(items.get(care_row.registration_id, ()))),
            )
            for row, phone, holder, care_row in rows
        ]

    def reminder_candidates(
        self, kind: str, bounds: Bounds, after: tuple[datetime, int] | None, limit: int
    ) -> list[AftersaleCandidate]:
        return aftersale_due.candidates(self._session, kind, bounds, after, limit)

    def reminder_candidate(
        self, kind: str, registration_id: int, ref: int | None, deadline: datetime
    ) -> AftersaleCandidate | None:
        found = aftersale_due.candidates(
            self._session, kind, Bounds(deadline, deadline), None, 1, (registration_id, ref, deadline)
        )
        return found[0] if found else None

    def set_birthday(self, registration_id: int, birthday: Birthday | None) -> None:
        care_days.set_birthday(self._session, registration_id, birthday)

    def birthday(self, registration_id: int) -> Birthday | None:
        return care_days.birthday(self._session, registration_id)

    def care_day_customers(
        self, start: datetime, end: datetime, birthdays: list[tuple[int, int]] | None
    ) -> list[CareCustomer]:
        return care_days.customers(self._session, start, end, birthdays)


def _care_values(care: Care) -> dict[str, Any]:
    rated = care.satisfaction
    return {
        "started_at": care.started_at,
        "first_contact_due_at": care.first_contact_due_at,
        "ends_at": care.ends_at,
        "next_contact_due_at": care.next_contact_due_at,
        "first_contact_at": care.first_contact_at,
        "last_contact_at": care.last_contact_at,
        "contacts": care.contacts,
        "satisfaction_score": rated.score if rated else None,
        "satisfaction_comment": rated.comment if rated else None,
        "satisfaction_at": rated.at if rated else None,
        "satisfaction_by": rated.by if rated else None,
    }


def _care(row: AftersaleCareRow, items: tuple[CareItem, ...]) -> Care:
    rated = None
    if row.satisfaction_score is not None and row.satisfaction_at is not None and row.satisfaction_by:
        rated = Satisfaction(
            row.satisfaction_score, row.satisfaction_comment, row.satisfaction_at, row.satisfaction_by
        )
    return Care(
        registration_id=row.registration_id,
        started_at=row.started_at,
        first_contact_due_at=row.first_contact_due_at,
        ends_at=row.ends_at,
        next_contact_due_at=row.next_contact_due_at,
        first_contact_at=row.first_contact_at,
        last_contact_at=row.last_contact_at,
        contacts=row.contacts,
        satisfaction=rated,
        items=items,
    )


def _item(row: AftersaleItemRow) -> CareItem:
    if row.id is None:
        raise UnsavedRow("an after-sale item without an id")
    return CareItem(
        id=row.id,
        registration_id=row.registration_id,
        kind=CareItemKind(row.kind),
        note=row.note,
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        due_at=row.due_at,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        close_note=row.close_note,
    )
