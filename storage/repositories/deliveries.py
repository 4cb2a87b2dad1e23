"""The delivery log of reminders and summaries sent unasked (domain.ports.DeliveryLog)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.model import Delivery, DeliveryClaim
from storage import mappers
from storage.db import insert_for
from storage.tables import DeliveryRow

KEYS_PER_QUERY = 500  # stay under the databases' parameter limits


class SqlDeliveryLog:
    def __init__(self, session: Session, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    def known_delivery_keys(self, keys: set[str]) -> set[str]:
        known: set[str] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), KEYS_PER_QUERY):
            chunk = ordered[start : start + KEYS_PER_QUERY]
            known.update(
                self._session.execute(
                    sa.select(col(DeliveryRow.key)).where(col(DeliveryRow.key).in_(chunk))
                ).scalars()
            )
        return known

    def record_delivery(
        self,
        *,
        key: str,
        kind: str,
        chat_id: int,
        staff_id: int | None,
        registration_id: int | None,
        team_id: int | None,
        deadline_at: datetime | None,
        now: datetime,
        lease_until: datetime,
    ) -> int | None:
        """Claim a delivery by its unique key; None when another sweep or process already has it."""
        claim = DeliveryClaim(key, kind, chat_id, staff_id, registration_id, team_id, deadline_at)
        return self.record_deliveries([claim], now=now, lease_until=lease_until).get(key)

    def record_deliveries(
        self, claims: Sequence[DeliveryClaim], *, now: datetime, lease_until: datetime
    ) -> dict[str, int]:
        """Claim deliveries by their unique keys in bulk (multi-row INSERT … ON CONFLICT DO
        NOTHING): the ids of those claimed here, by key; a key another sweep or process already
        has is left out."""
        if not claims:
            return {}
        insert = insert_for(self._dialect)
        table = DeliveryRow.__table__  # type: ignore[attr-defined]
        # Core executemany: SQLAlchemy's insertmanyvalues sends it as multi-row INSERTs, compiled once.
        statement = (
            insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key, table.c.id)
        )
        rows = [
            {
                "key": c.key,
                "kind": c.kind,
                "chat_id": c.chat_id,
                "staff_id": c.staff_id,
                "registration_id": c.registration_id,
                "team_id": c.team_id,
                "deadline_at": c.deadline_at,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": lease_until,
                "recorded_at": now,
                "sent_at": None,
                "error": None,
                "payload": None,
            }
            for c in claims
        ]
        result = self._session.connection().execute(statement, rows)
        claimed = {key: int(id_) for key, id_ in result}
        return claimed

    def claim_retries(
        self, now: datetime, lease_until: datetime, limit: int, kinds: set[str]
    ) -> list[Delivery]:
        """Pending deliveries of these kinds whose lease ran out (a crash, a failed send): each
        claimed by one process only, through a conditional update."""
        claimed = claim_pending(
            self._session, now, lease_until, limit, col(DeliveryRow.kind).in_(sorted(kinds))
        )
        if not claimed:
            return []
        rows = self._session.exec(select(DeliveryRow).where(col(DeliveryRow.id).in_(claimed)))
        return [mappers.delivery(row) for row in rows]

    def mark_delivery(
        self,
        delivery_id: int,
        *,
        status: str,
        now: datetime,
        retry_at: datetime | None = None,
        error: str | None = None,
    ) -> None:
        self._session.execute(
            sa.update(DeliveryRow)
            .where(col(DeliveryRow.id) == delivery_id)
            .values(
                status=status,
                attempts=DeliveryRow.attempts + 1,
                sent_at=now if status == "sent" else None,
                next_attempt_at=retry_at,
                error=error[:200] if error else None,
            )
        )


def claim_pending(
    session: Session, now: datetime, lease_until: datetime, limit: int, which: Any
) -> list[int]:
    """Ids of pending deliveries matching `which` that are due at `now`, oldest first, each
    claimed by one process only: a conditional update moves its next attempt to `lease_until`."""
    due = sa.and_(col(DeliveryRow.status) == "pending", col(DeliveryRow.next_attempt_at) <= now, which)
    candidates = session.execute(
        sa.select(col(DeliveryRow.id)).where(due).order_by(col(DeliveryRow.next_attempt_at)).limit(limit)
    ).scalars()
    claimed = []
    for delivery_id in list(candidates):
        result = session.execute(
            sa.update(DeliveryRow)
            .where(col(DeliveryRow.id) == delivery_id, due)
            .values(next_attempt_at=lease_until)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(delivery_id)
    return claimed
