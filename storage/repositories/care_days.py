"""Care days (domain.care_days): the customer's birthday on the care, and the customers in care on a
day — all of them for a festival, those whose birthday it is otherwise."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.care_days import Birthday, CareCustomer
from domain.model import Closure
from storage import mappers
from storage.tables import AftersaleCareRow, RegistrationRow


def set_birthday(session: Session, registration_id: int, birthday: Birthday | None) -> None:
    session.execute(
        sa.update(AftersaleCareRow)
        .where(col(AftersaleCareRow.registration_id) == registration_id)
        .values(
            birth_month=birthday.month if birthday else None,
            birth_day=birthday.day if birthday else None,
            birth_year=birthday.year if birthday else None,
        )
    )


def birthday(session: Session, registration_id: int) -> Birthday | None:
    row = session.get(AftersaleCareRow, registration_id)
    if row is None or row.birth_month is None or row.birth_day is None:
        return None
    return Birthday(row.birth_month, row.birth_day, row.birth_year)


def customers(
    session: Session, start: datetime, end: datetime, birthdays: list[tuple[int, int]] | None
) -> list[CareCustomer]:
    """Won registrations whose care runs on the day [start, end), by holder and customer name."""
    query = (
        mappers.registrations_query()
        .join(AftersaleCareRow, col(AftersaleCareRow.registration_id) == col(RegistrationRow.id))
        .where(
            col(AftersaleCareRow.started_at) < end,
            col(AftersaleCareRow.ends_at) > start,
            col(RegistrationRow.closure) == Closure.WON.value,
        )
    )
    if birthdays is not None:
        query = query.where(
            sa.or_(
                *(
                    sa.and_(col(AftersaleCareRow.birth_month) == m, col(AftersaleCareRow.birth_day) == d)
                    for m, d in birthdays
                )
            )
        )
    rows = session.exec(query.order_by(col(RegistrationRow.holder_id), col(RegistrationRow.id))).all()
    found = []
    for row in rows:
        registration = mappers.registration(row[0], row[1], row[2])
        found.append(
            CareCustomer(
                registration.id, registration.holder_id, registration.customer_name, registration.phone
            )
        )
    return found
