"""What after-sale reminders (and planned-contact reminders) are due: index range scans on the stored
deadlines (domain.aftersale_reminders decides the exact window), each with an anti-join on the
delivery log so a sweep reads only what it has not recorded yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from domain.aftersale_reminders import AftersaleCandidate, AftersaleReminderKind, Bounds, key_prefix
from domain.model import Closure, EventKind
from storage import mappers
from storage.tables import (
    AftersaleCareRow,
    AftersaleItemRow,
    DeliveryRow,
    RegistrationEventRow,
    RegistrationRow,
)

K = AftersaleReminderKind
_CARE = {K.FIRST_CONTACT, K.CONTACT, K.FIRST_CONTACT_MISSED}
_ITEM = {K.PROBLEM: "problem", K.NEED: "need", K.PROBLEM_MISSED: "problem", K.NEED_MISSED: "need"}


def _not_recorded(kind: K, same: Any) -> Any:
    return ~sa.exists().where(
        col(DeliveryRow.registration_id) == col(RegistrationRow.id), col(DeliveryRow.kind) == kind.value, same
    )


def _prefix(kind: K, reference: Any) -> Any:
    head = key_prefix(kind, 0, "")[: -len("0::")]  # "asr:<kind>:"
    return sa.literal(head) + sa.cast(col(RegistrationRow.id), sa.String) + ":" + reference + ":"


def candidates(
    session: Session,
    kind_value: str,
    bounds: Bounds,
    after: tuple[datetime, int] | None,
    limit: int,
    only: tuple[int, int | None, datetime] | None = None,
) -> list[AftersaleCandidate]:
    """One page in (deadline, id) order after `after`; or, with `only` (registration, ref,
    deadline), that one candidate if its deadline still stands, whatever the window."""
    kind = K(kind_value)
    query = mappers.registrations_query()
    if kind in _CARE:
        deadline = col(
            AftersaleCareRow.next_contact_due_at
            if kind is K.CONTACT
            else AftersaleCareRow.first_contact_due_at
        )
        order_id: Any = col(AftersaleCareRow.registration_id)
        query = query.add_columns(deadline, AftersaleCareRow.started_at, AftersaleCareRow.recorded_at).join(
            AftersaleCareRow, col(AftersaleCareRow.registration_id) == col(RegistrationRow.id)
        )
        standing: list[Any] = [deadline < col(AftersaleCareRow.ends_at)]
        if kind is not K.CONTACT:
            standing.append(col(AftersaleCareRow.first_contact_at).is_(None))
        same = (
            col(DeliveryRow.deadline_at) == deadline
            if kind is K.CONTACT
            else sa.true()  # once per care: the first-contact deadline never moves
        )
    elif kind in _ITEM:
        deadline, order_id = col(AftersaleItemRow.due_at), col(AftersaleItemRow.id)
        query = query.add_columns(
            deadline, AftersaleItemRow.opened_at, AftersaleItemRow.opened_at, order_id, AftersaleItemRow.note
        ).join(AftersaleItemRow, col(AftersaleItemRow.registration_id) == col(RegistrationRow.id))
        standing = [col(AftersaleItemRow.closed_at).is_(None), col(AftersaleItemRow.kind) == _ITEM[kind]]
        same = col(DeliveryRow.key).startswith(_prefix(kind, "i" + sa.cast(order_id, sa.String)))
    else:  # a follow-up's planned next contact, while it is the registration's last follow-up
        later = aliased(RegistrationEventRow)
        deadline, order_id = col(RegistrationEventRow.next_contact_at), col(RegistrationEventRow.id)
        query = query.add_columns(deadline, RegistrationEventRow.at, RegistrationEventRow.at, order_id).join(
            RegistrationEventRow, col(RegistrationEventRow.registration_id) == col(RegistrationRow.id)
        )
        standing = [
            deadline.is_not(None),
            col(RegistrationEventRow.kind) == EventKind.FOLLOW_UP.value,
            sa.or_(col(RegistrationRow.closure).is_(None), col(RegistrationRow.closure) == Closure.WON.value),
            ~sa.exists().where(
                col(later.registration_id) == col(RegistrationEventRow.registration_id),
                col(later.kind) == EventKind.FOLLOW_UP.value,
                later.id > col(RegistrationEventRow.id),
            ),
        ]
        same = col(DeliveryRow.key).startswith(_prefix(kind, "e" + sa.cast(order_id, sa.String)))
    if only is not None:
        registration_id, ref, at = only
        query = query.where(*standing, col(RegistrationRow.id) == registration_id, deadline == at)
        if ref is not None and kind not in _CARE:
            query = query.where(order_id == ref)
        rows = session.exec(query.limit(1)).all()
        return [_candidate(kind, row) for row in rows]
    window = [deadline > bounds.after, deadline <= bounds.until]
    if kind is K.FIRST_CONTACT_MISSED:
        recorded = col(AftersaleCareRow.recorded_at)
        window.append(sa.or_(recorded.is_(None), recorded < deadline))
    if bounds.started_before is not None:
        window.append(col(AftersaleCareRow.started_at) < bounds.started_before)
    query = query.where(*standing, *window, _not_recorded(kind, same))
    if after is not None:
        query = query.where(sa.tuple_(deadline, order_id) > sa.tuple_(*after))
    rows = session.exec(query.order_by(deadline, order_id).limit(limit)).all()
    return [_candidate(kind, row) for row in rows]


def _candidate(kind: K, row: Any) -> AftersaleCandidate:
    """From (registration, phone, holder name, deadline, started, recorded[, ref[, note]])."""
    registration = mappers.registration(row[0], row[1], row[2])
    ref = row[6] if len(row) > 6 else None
    note = row[7] if len(row) > 7 else None
    return AftersaleCandidate(kind, row[3], registration, row[4], row[5] or row[4], ref, note)
