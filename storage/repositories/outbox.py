"""The outbox: notices in the delivery log (domain.notices), written with the event they report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.model import NoticeKind
from domain.notices import KIND_PREFIX, DeliveryStatus, OutboxEntry
from storage.db import insert_for
from storage.repositories.deliveries import claim_pending
from storage.tables import DeliveryRow


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entries: Sequence[OutboxEntry]) -> None:
        """One INSERT for all of an event's notices; due at once (`next_attempt_at` = now)."""
        if not entries:
            return
        dialect = self._session.get_bind().dialect.name
        self._session.execute(
            insert_for(dialect)(DeliveryRow)
            .values(
                [
                    {
                        "key": e.key,
                        "kind": KIND_PREFIX + e.kind.value,
                        "chat_id": e.chat_id,
                        "staff_id": e.staff_id,
                        "registration_id": e.registration_id,
                        "team_id": e.team_id,
                        "status": DeliveryStatus.PENDING.value,
                        "attempts": 0,
                        "next_attempt_at": e.recorded_at,
                        "recorded_at": e.recorded_at,
                        "payload": json.dumps(dict(e.payload), ensure_ascii=False, default=str),
                    }
                    for e in entries
                ]
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxEntry]:
        """Pending notices due at `now`, oldest first, each claimed by one process only."""
        notices = col(DeliveryRow.kind).startswith(KIND_PREFIX)
        claimed = claim_pending(self._session, now, lease_until, limit, notices)
        if not claimed:
            return []
        rows = self._session.execute(
            sa.select(DeliveryRow).where(col(DeliveryRow.id).in_(claimed)).order_by(col(DeliveryRow.id))
        ).scalars()
        return [_entry(row) for row in rows]

    def pending_count(self) -> int:
        return int(
            self._session.execute(
                sa.select(sa.func.count())
                .select_from(DeliveryRow)
                .where(
                    col(DeliveryRow.status) == DeliveryStatus.PENDING.value,
                    col(DeliveryRow.kind).startswith(KIND_PREFIX),
                )
            ).scalar_one()
        )


def _entry(row: DeliveryRow) -> OutboxEntry:
    if row.id is None:
        raise ValueError("a notice row without id")
    return OutboxEntry(
        id=row.id,
        key=row.key,
        kind=NoticeKind(row.kind.removeprefix(KIND_PREFIX)),
        chat_id=row.chat_id,
        staff_id=row.staff_id,
        registration_id=row.registration_id,
        team_id=row.team_id,
        payload=json.loads(row.payload or "{}"),
        recorded_at=row.recorded_at,
        attempts=row.attempts,
    )
