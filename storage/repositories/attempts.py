"""The logs of filing attempts and lifecycle action attempts (domain.ports.AttemptLog)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.event_log import EventLog
from storage.tables import ActionAttemptRow, FilingAttemptRow


class SqlAttemptLog:
    def __init__(self, session: Session, events: EventLog | None = None) -> None:
        self._session = session
        self._events = events if events is not None else EventLog()

    def log_attempt(
        self,
        *,
        at: datetime,
        telegram_id: int,
        staff_id: int | None,
        phone: str,
        customer_name: str,
        outcome: str,
        reason: str | None,
        registration_id: int | None,
        source: str,
    ) -> None:
        self._session.add(
            FilingAttemptRow(
                at=at,
                telegram_id=telegram_id,
                staff_id=staff_id,
                phone=phone,
                customer_name=customer_name,
                outcome=outcome,
                reason=reason,
                registration_id=registration_id,
                source=source,
            )
        )
        self._events.filing_attempt(
            outcome=outcome,
            reason=reason,
            registration_id=registration_id,
            staff_id=staff_id,
            telegram_id=telegram_id,
            phone=phone,
            source=source,
        )

    def log_action(
        self,
        *,
        at: datetime,
        telegram_id: int,
        action: str,
        registration_id: int | None,
        outcome: str,
        reason: str | None,
    ) -> None:
        self._session.add(
            ActionAttemptRow(
                at=at,
                telegram_id=telegram_id,
                action=action,
                registration_id=registration_id,
                outcome=outcome,
                reason=reason,
            )
        )
