"""Customers, registrations, their events and extension requests (domain.ports.RegistrationRepository)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.model import (
    Closure,
    EventKind,
    ExpectedPurchase,
    Registration,
    ReviewState,
    SimilarCustomer,
    Staff,
)
from domain.rules import Rules
from storage import mappers
from storage.db import insert_for
from storage.event_log import EventLog
from storage.mappers import registrations_query
from storage.tables import (
    CustomerRow,
    DeliveryRow,
    ExtensionRequestRow,
    RegistrationEventRow,
    RegistrationKeyRow,
    RegistrationRow,
)

SIMILAR_CANDIDATES_LIMIT = 200


class SqlRegistrations:
    def __init__(self, session: Session, dialect: str, events: EventLog | None = None) -> None:
        self._session = session
        self._dialect = dialect
        self._events = events if events is not None else EventLog()

    # --- filing -------------------------------------------------------------------------------

    def lock_customer(self, phone: str, now: datetime) -> int:
        """The customer's id, created if new, locked until the transaction ends."""
        insert = insert_for(self._dialect)
        self._session.execute(
            insert(CustomerRow)
            .values(phone=phone, created_at=now)
            .on_conflict_do_nothing(index_elements=["phone"])
        )
        # On PostgreSQL the row lock queues concurrent filings of this phone; on SQLite the
        # write transaction (BEGIN IMMEDIATE) already serializes every filing.
        customer_id = self._session.execute(
            sa.select(col(CustomerRow.id)).where(col(CustomerRow.phone) == phone).with_for_update()
        ).scalar_one()
        return int(customer_id)

    def customer_id(self, phone: str) -> int | None:
        """The customer's id if anyone ever filed this phone; nothing is created or locked."""
        found = self._session.execute(
            sa.select(col(CustomerRow.id)).where(col(CustomerRow.phone) == phone)
        ).scalar_one_or_none()
        return int(found) if found is not None else None

    def claim_for(self, customer_id: int) -> Registration | None:
        found = self._session.exec(
            registrations_query().where(
                RegistrationRow.customer_id == customer_id, col(RegistrationRow.holds_claim)
            )
        ).first()
        return mappers.registration(*found) if found else None

    def last_registration_held_by(self, staff_id: int, customer_id: int) -> Registration | None:
        """The person's own last registration of the customer, whoever holds the customer now."""
        found = self._session.exec(
            registrations_query()
            .where(RegistrationRow.customer_id == customer_id, RegistrationRow.holder_id == staff_id)
            .order_by(col(RegistrationRow.filed_at).desc(), col(RegistrationRow.id).desc())
            .limit(1)
        ).first()
        return mappers.registration(*found) if found else None

    def last_deal_at(self, customer_id: int) -> datetime | None:
        """The customer's last deal on record: a won registration's. A deal still awaiting review,
        or voided with its registration in review, is no sale (RULES §3)."""
        return self._session.execute(
            sa.select(sa.func.max(col(RegistrationRow.deal_at))).where(
                col(RegistrationRow.customer_id) == customer_id,
                col(RegistrationRow.closure) == Closure.WON.value,
            )
        ).scalar_one_or_none()

    def last_won(self, customer_id: int) -> Registration | None:
        """The registration of the customer's last deal (the one last_deal_at dates): whose
        after-sale customer this is (RULES §7)."""
        found = self._session.exec(
            registrations_query()
            .where(
                RegistrationRow.customer_id == customer_id,
                col(RegistrationRow.closure) == Closure.WON.value,
                col(RegistrationRow.deal_at).is_not(None),
            )
            .order_by(col(RegistrationRow.deal_at).desc(), col(RegistrationRow.id).desc())
            .limit(1)
        ).first()
        return mappers.registration(*found) if found else None

    def quota_used(self, filer_id: int, month_start: datetime, month_end: datetime) -> int:
        """Registrations filed this month still using a slot: a deal frees its slot (RULES §3.6).
        Decision: a deal recorded while review is pending frees it only once approved (the
        registration is closed as won then); else a fake deal under review would refill the month."""
        return int(
            self._session.execute(
                sa.select(sa.func.count())
                .select_from(RegistrationRow)
                .where(
                    col(RegistrationRow.filer_id) == filer_id,
                    col(RegistrationRow.filed_at) >= month_start,
                    col(RegistrationRow.filed_at) < month_end,
                    sa.or_(
                        col(RegistrationRow.closure).is_(None),
                        col(RegistrationRow.closure) != Closure.WON.value,
                    ),
                    sa.not_(col(RegistrationRow.quota_exempt)),
                )
            ).scalar_one()
        )

    def similar_open(self, customer_id: int, keys: tuple[str, ...]) -> list[SimilarCustomer]:
        """The newest holding registrations of other customers found under any of the keys: one
        index range per key (registration_key's primary key), cut at the limit."""
        if not keys:
            return []
        rows = self._session.execute(
            sa.select(
                col(RegistrationRow.id),
                col(RegistrationRow.holder_id),
                col(RegistrationRow.team_id),
                col(RegistrationRow.customer_name),
                col(RegistrationRow.address),
            )
            .where(
                col(RegistrationRow.id).in_(
                    sa.select(col(RegistrationKeyRow.registration_id)).where(
                        col(RegistrationKeyRow.key).in_(keys)
                    )
                ),
                col(RegistrationRow.holds_claim),
                col(RegistrationRow.customer_id) != customer_id,
            )
            .order_by(col(RegistrationRow.filed_at).desc())
            .limit(SIMILAR_CANDIDATES_LIMIT)
        ).all()
        return [SimilarCustomer(*row) for row in rows]

    def release_claim(self, registration_id: int, closure: Closure, at: datetime) -> None:
        self._session.execute(
            sa.update(RegistrationRow)
            .where(col(RegistrationRow.id) == registration_id)
            .values(holds_claim=False, closure=closure.value, closed_at=at)
        )

    def add_registration(
        self,
        *,
        customer_id: int,
        filer: Staff,
        customer_name: str,
        address: str,
        needs: str | None,
        expected_purchase: ExpectedPurchase | None,
        obtained_at: datetime,
        filed_at: datetime,
        needs_review: bool,
        similar_to_id: int | None,
        expires_at: datetime | None,
        review: ReviewState | None,
        challenge_of_id: int | None,
        keys: tuple[str, ...],
        resale_of_id: int | None = None,
    ) -> int:
        if filer.team_id is None or filer.channel is None:
            raise ValueError(f"staff {filer.id} has no team: they cannot file")
        row = RegistrationRow(
            customer_id=customer_id,
            filer_id=filer.id,
            holder_id=filer.id,
            team_id=filer.team_id,
            channel=filer.channel.value,
            customer_name=customer_name,
            address=address,
            needs=needs,
            expected_purchase=expected_purchase.value if expected_purchase else None,
            obtained_at=obtained_at,
            filed_at=filed_at,
            needs_review=needs_review,
            similar_to_id=similar_to_id,
            expires_at=expires_at,
            review=review.value if review else None,
            challenge_of_id=challenge_of_id,
            resale_of_id=resale_of_id,
            last_activity_at=filed_at,
            # A challenge does not hold the customer until it takes it over (RULES §4).
            holds_claim=challenge_of_id is None,
        )
        self._session.add(row)
        self._session.flush()
        if row.id is None:
            raise mappers.UnsavedRow("a registration without an id after flush")
        self._session.add_all(RegistrationKeyRow(key=key, registration_id=row.id) for key in keys)
        return row.id

    # --- the lifecycle ------------------------------------------------------------------------

    def open_challenges_of(self, registration_id: int) -> list[Registration]:
        rows = self._session.exec(
            registrations_query().where(
                RegistrationRow.challenge_of_id == registration_id,
                col(RegistrationRow.closure).is_(None),
                sa.not_(col(RegistrationRow.holds_claim)),
            )
        ).all()
        return [mappers.registration(*r) for r in rows]

    def save_registration(self, registration: Registration) -> None:
        """Store what the lifecycle changed; identity and filing facts never change."""
        self._session.execute(
            sa.update(RegistrationRow)
            .where(col(RegistrationRow.id) == registration.id)
            .values(
                holder_id=registration.holder_id,
                team_id=registration.team_id,
                last_follow_up_at=registration.last_follow_up_at,
                last_activity_at=max(
                    registration.filed_at, registration.last_follow_up_at or registration.filed_at
                ),
                measured_at=registration.measured_at,
                deposit_at=registration.deposit_at,
                deal_at=registration.deal_at,
                deposit_amount=registration.deposit_amount,
                deal_amount=registration.deal_amount,
                credited_to_id=registration.credited_to_id,
                expires_at=registration.expires_at,
                review=registration.review.value if registration.review else None,
                needs_review=registration.needs_review,
                closure=registration.closure.value if registration.closure else None,
                closed_at=registration.closed_at,
                closure_reason=registration.closure_reason,
                quota_exempt=registration.quota_exempt,
                holds_claim=registration.holds_claim,
            )
        )

    def add_event(
        self, registration_id: int, at: datetime, actor_id: int | None, kind: EventKind, **detail: Any
    ) -> None:
        self._session.add(
            RegistrationEventRow(
                registration_id=registration_id, at=at, actor_id=actor_id, kind=kind.value, **detail
            )
        )
        self._events.registration_event(kind, registration_id, actor_id, detail)

    def pending_extension(self, registration_id: int) -> int | None:
        return self._session.execute(
            sa.select(col(ExtensionRequestRow.id)).where(
                col(ExtensionRequestRow.registration_id) == registration_id,
                col(ExtensionRequestRow.approved).is_(None),
            )
        ).scalar_one_or_none()

    def add_extension_request(self, registration_id: int, staff_id: int, reason: str, at: datetime) -> int:
        row = ExtensionRequestRow(
            registration_id=registration_id, requested_by=staff_id, reason=reason, requested_at=at
        )
        self._session.add(row)
        self._session.flush()
        if row.id is None:
            raise mappers.UnsavedRow("an extension request without an id after flush")
        return row.id

    def extension_request(self, request_id: int) -> tuple[int, bool | None] | None:
        row = self._session.get(ExtensionRequestRow, request_id)
        return (row.registration_id, row.approved) if row else None

    def decide_extension_request(self, request_id: int, staff_id: int, approved: bool, at: datetime) -> None:
        self._session.execute(
            sa.update(ExtensionRequestRow)
            .where(col(ExtensionRequestRow.id) == request_id)
            .values(decided_by=staff_id, decided_at=at, approved=approved)
        )

    # --- reading ------------------------------------------------------------------------------

    def registration(self, registration_id: int) -> Registration | None:
        found = self._session.exec(registrations_query().where(RegistrationRow.id == registration_id)).first()
        return mappers.registration(*found) if found else None

    def open_registrations_of(self, holder_id: int) -> list[Registration]:
        """The person's registrations not closed yet: those holding a customer, and open challenges."""
        rows = self._session.exec(
            registrations_query()
            .where(RegistrationRow.holder_id == holder_id, col(RegistrationRow.closure).is_(None))
            .order_by(col(RegistrationRow.filed_at))
        ).all()
        return [mappers.registration(*r) for r in rows]

    def registrations_of_customer(self, phone: str) -> list[Registration]:
        """Every registration of the customer with this E.164 phone, open or closed, oldest first."""
        rows = self._session.exec(
            registrations_query()
            .where(CustomerRow.phone == phone)
            .order_by(col(RegistrationRow.filed_at), col(RegistrationRow.id))
        ).all()
        return [mappers.registration(*r) for r in rows]

    def reminder_candidates(
        self, now: datetime, rules: Rules, kind: str, after: tuple[datetime, int] | None, limit: int
    ) -> list[tuple[datetime, Registration]]:
        """One page of open registrations whose `kind` deadline (follow_up, lapse, expiry) is
        inside its warning window with no reminder recorded for it yet, as (deadline, registration)
        in (deadline, id) order after `after`: an index range scan with an anti-join, so a sweep
        reads only what it will send, a page at a time."""
        activity = col(RegistrationRow.last_activity_at)

        def not_reminded(same_deadline: Any) -> Any:
            return ~sa.exists().where(
                col(DeliveryRow.registration_id) == col(RegistrationRow.id),
                col(DeliveryRow.kind) == kind,
                same_deadline,
            )

        # A follow-up/lapse deadline moves only with the last activity: a reminder recorded since
        # then is for the current deadline. An expiry deadline is a column of its own.
        if kind == "expiry":
            order, offset = col(RegistrationRow.expires_at), timedelta(0)
            window = sa.and_(
                order > now,
                order <= now + timedelta(hours=rules.expiry_warning_hours),
                col(RegistrationRow.measured_at).is_(None),
                not_reminded(col(DeliveryRow.deadline_at) == order),
            )
        else:
            every, before = (
                (rules.follow_up_every, rules.remind_before_hours)
                if kind == "follow_up"
                else (rules.lapse_after, rules.lapse_warning_hours)
            )
            order, offset = activity, every
            window = sa.and_(
                activity > now - every,
                activity <= now - every + timedelta(hours=before),
                not_reminded(col(DeliveryRow.recorded_at) >= activity),
            )
        # Only registrations that can be reminded at all (domain.reminders.due_reminders decides
        # the rest): holding their customer, no deposit, not expired.
        remindable = sa.and_(
            col(RegistrationRow.closure).is_(None),
            col(RegistrationRow.holds_claim),
            col(RegistrationRow.deposit_at).is_(None),
            sa.or_(
                col(RegistrationRow.expires_at).is_(None),
                col(RegistrationRow.expires_at) > now,
                col(RegistrationRow.measured_at).is_not(None),
            ),
        )
        query = registrations_query().where(remindable, window)
        if after is not None:
            deadline, last_id = after
            query = query.where(
                sa.tuple_(order, col(RegistrationRow.id)) > sa.tuple_(deadline - offset, last_id)
            )
        rows = self._session.exec(query.order_by(order, col(RegistrationRow.id)).limit(limit)).all()
        found = []
        for row in rows:
            registration = mappers.registration(*row)
            start = row[0].expires_at if kind == "expiry" else row[0].last_activity_at
            found.append((start + offset, registration))
        return found
