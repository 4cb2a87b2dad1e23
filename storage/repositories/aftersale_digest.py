"""The team's customers in after-sale care, for the daily summary's after-sale section and the
workbook's after-sale sheet (domain.aftersale_digest), in two queries:

- the team's won registrations (`registration.team_id` index) joined to their care by primary key,
  kept while care runs at `now` or a problem or need is still open;
- the open problems and needs of the team's registrations: by `registration.team_id`, the items by
  `ix_aftersale_item_registration`, closed ones dropped (`ix_aftersale_item_open_due` is partial on
  `closed_at IS NULL`: a planner may use it instead where few are open).

Both need every customer in care (the sheet lists them all), so the due-date indexes the sweep
uses would not narrow them: the digest's due and overdue lines are picked in the domain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.aftersale import Care, CareItem, Satisfaction
from domain.aftersale_digest import CaredFor
from domain.model import Closure
from storage.mappers import registration as _registration
from storage.repositories.aftersale import _item
from storage.tables import AftersaleCareRow, AftersaleItemRow, CustomerRow, RegistrationRow, StaffRow

REGISTRATION_COLUMNS = sa.inspect(RegistrationRow).columns
CARE = AftersaleCareRow
CARE_COLUMNS: list[Any] = [
    col(CARE.started_at).label("care_started_at"),
    col(CARE.first_contact_due_at).label("care_first_contact_due_at"),
    col(CARE.ends_at).label("care_ends_at"),
    col(CARE.next_contact_due_at).label("care_next_contact_due_at"),
    col(CARE.first_contact_at).label("care_first_contact_at"),
    col(CARE.last_contact_at).label("care_last_contact_at"),
    col(CARE.contacts).label("care_contacts"),
    col(CARE.satisfaction_score).label("care_score"),
    col(CARE.satisfaction_comment).label("care_comment"),
    col(CARE.satisfaction_at).label("care_score_at"),
    col(CARE.satisfaction_by).label("care_score_by"),
]

CARE_KEYS = [c.key for c in CARE_COLUMNS]


def team_aftersale(session: Session, team_id: int, now: datetime) -> list[CaredFor]:
    """The team's won registrations whose care runs at `now` or still has a problem or need open,
    each with its open items, by registration id."""
    items: dict[int, list[CareItem]] = {}
    for item_row in session.execute(
        sa.select(AftersaleItemRow)
        .join(RegistrationRow, col(RegistrationRow.id) == col(AftersaleItemRow.registration_id))
        .where(col(RegistrationRow.team_id) == team_id, col(AftersaleItemRow.closed_at).is_(None))
        .order_by(col(AftersaleItemRow.id))
    ).scalars():
        items.setdefault(item_row.registration_id, []).append(_item(item_row))
    rows = session.execute(
        sa.select(
            *REGISTRATION_COLUMNS,
            col(CustomerRow.phone),
            col(StaffRow.name).label("holder_name"),
            *CARE_COLUMNS,
        )
        .join(CARE, col(CARE.registration_id) == col(RegistrationRow.id))
        .join(CustomerRow, col(CustomerRow.id) == col(RegistrationRow.customer_id))
        .join(StaffRow, col(StaffRow.id) == col(RegistrationRow.holder_id))
        .where(col(RegistrationRow.team_id) == team_id, col(RegistrationRow.closure) == Closure.WON.value)
        .order_by(col(RegistrationRow.id))
    ).all()
    cared = []
    for row in rows:
        open_items = tuple(items.get(row.id, ()))
        if row.care_ends_at <= now and not open_items:
            continue  # care ended quietly
        registration = _registration(row, row.phone, row.holder_name)  # type: ignore[arg-type]
        cared.append(CaredFor(registration, _care(row, open_items)))
    return cared


def _care(row: Any, items: tuple[CareItem, ...]) -> Care:
    m = {key: getattr(row, key) for key in CARE_KEYS}
    m["id"] = row.id
    rated = None
    if m["care_score"] is not None and m["care_score_at"] is not None and m["care_score_by"]:
        rated = Satisfaction(m["care_score"], m["care_comment"], m["care_score_at"], m["care_score_by"])
    return Care(
        registration_id=m["id"],
        started_at=m["care_started_at"],
        first_contact_due_at=m["care_first_contact_due_at"],
        ends_at=m["care_ends_at"],
        next_contact_due_at=m["care_next_contact_due_at"],
        first_contact_at=m["care_first_contact_at"],
        last_contact_at=m["care_last_contact_at"],
        contacts=m["care_contacts"],
        satisfaction=rated,
        items=items,
    )
