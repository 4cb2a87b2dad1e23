"""The unit of work: one transaction, rolled back unless committed, implementing domain.ports."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.customer_details import address_key, name_key
from domain.filing import ADDRESS_PREFIX_CHARS
from domain.history import AttemptRecord, EventRecord
from domain.model import (
    Channel,
    Closure,
    EventKind,
    ExpectedPurchase,
    FollowUpKind,
    Registration,
    ReviewState,
    Role,
    SimilarCustomer,
    Staff,
    Team,
)
from domain.rules import Rules
from storage.db import WRITE, insert_for
from storage.repositories.outbox import SqlOutbox
from storage.tables import (
    ActionAttemptRow,
    CustomerRow,
    DeliveryRow,
    ExtensionRequestRow,
    FilingAttemptRow,
    InviteRow,
    RegistrationEventRow,
    RegistrationRow,
    StaffRow,
    TeamChatRow,
    TeamRow,
)
from storage.update_ledger import current_update, mark_committed

SIMILAR_CANDIDATES_LIMIT = 200


class SqlUnitOfWork:
    """`with SqlUnitOfWork(engine, write=True) as uow: ...; uow.commit()`."""

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        self._engine = engine
        self._write = write
        self.session: Session

    def __enter__(self) -> SqlUnitOfWork:
        self.session = Session(self._engine, expire_on_commit=False)
        self.session.connection(execution_options={WRITE: self._write})
        self.outbox = SqlOutbox(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        # close() rolls back whatever was not committed, and leaves loaded rows readable.
        self.session.close()

    def commit(self) -> None:
        update_id = current_update.get()
        if update_id is not None and self._write:
            # Atomic with the effect: after a crash, this update is not handled a second time.
            mark_committed(self.session.connection(), update_id)
        self.session.commit()

    @property
    def _dialect(self) -> str:
        return self._engine.dialect.name

    # --- roster -----------------------------------------------------------------------------

    def team_by_name(self, name: str) -> Team | None:
        row = self.session.exec(select(TeamRow).where(TeamRow.name == name)).first()
        return _team(row) if row else None

    def team_by_id(self, team_id: int) -> Team | None:
        row = self.session.get(TeamRow, team_id)
        return _team(row) if row else None

    def teams(self) -> list[Team]:
        return [_team(r) for r in self.session.exec(select(TeamRow).order_by(col(TeamRow.name)))]

    def add_team(self, name: str, channel: Channel, region: str | None, now: datetime) -> Team:
        row = TeamRow(name=name, channel=channel.value, region=region, created_at=now)
        self.session.add(row)
        self.session.flush()
        return _team(row)

    def staff_by_telegram_id(self, telegram_id: int) -> Staff | None:
        found = self.session.exec(
            select(StaffRow, TeamRow)
            .join(TeamRow, col(StaffRow.team_id) == col(TeamRow.id), isouter=True)
            .where(StaffRow.telegram_id == telegram_id)
        ).first()
        return _staff(*found) if found else None

    def staff_by_id(self, staff_id: int) -> Staff | None:
        found = self.session.exec(
            select(StaffRow, TeamRow)
            .join(TeamRow, col(StaffRow.team_id) == col(TeamRow.id), isouter=True)
            .where(StaffRow.id == staff_id)
        ).first()
        return _staff(*found) if found else None

    def all_staff(self) -> list[Staff]:
        rows = self.session.exec(
            select(StaffRow, TeamRow)
            .join(TeamRow, col(StaffRow.team_id) == col(TeamRow.id), isouter=True)
            .order_by(col(StaffRow.id))
        ).all()
        return [_staff(s, t) for s, t in rows]

    def team_managers(self, team_ids: set[int]) -> list[Staff]:
        """Active store managers and supervisors of these teams (RULES §3.7 notifications)."""
        return [
            s
            for s in self.all_staff()
            if s.active and s.team_id in team_ids and s.roles & {Role.STORE_MANAGER, Role.SUPERVISOR}
        ]

    def upsert_staff(
        self,
        *,
        telegram_id: int,
        name: str,
        roles: frozenset[Role],
        team_id: int | None,
        region: str | None,
        now: datetime,
    ) -> Staff:
        """Enrol someone, or re-enrol (and reactivate) someone already on the roster."""
        row = self.session.exec(select(StaffRow).where(StaffRow.telegram_id == telegram_id)).first()
        if row is None:
            row = StaffRow(telegram_id=telegram_id, name=name, roles="", created_at=now)
        row.name = name
        row.roles = ",".join(sorted(r.value for r in roles))
        row.team_id = team_id
        row.region = region
        row.active = True
        row.deactivated_at = None
        self.session.add(row)
        self.session.flush()
        staff = self.staff_by_id(row.id)  # type: ignore[arg-type]
        assert staff is not None
        return staff

    def set_language(self, telegram_id: int, language: str) -> None:
        self.session.execute(
            sa.update(StaffRow).where(col(StaffRow.telegram_id) == telegram_id).values(language=language)
        )

    def deactivate_staff(self, telegram_id: int, now: datetime) -> bool:
        row = self.session.exec(select(StaffRow).where(StaffRow.telegram_id == telegram_id)).first()
        if row is None:
            return False
        row.active = False
        row.deactivated_at = now
        self.session.add(row)
        return True

    def add_invite(
        self,
        *,
        code: str,
        role: Role,
        team_id: int | None,
        created_by: int,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        self.session.add(
            InviteRow(
                code=code,
                role=role.value,
                team_id=team_id,
                created_by=created_by,
                created_at=now,
                expires_at=expires_at,
            )
        )

    def take_invite(self, code: str, used_by: int, now: datetime) -> InviteRow | None:
        """Mark an unused, unexpired invite as used, atomically: a second taker gets None."""
        result = self.session.execute(
            sa.update(InviteRow)
            .where(
                col(InviteRow.code) == code,
                col(InviteRow.used_at).is_(None),
                col(InviteRow.expires_at) > now,
            )
            .values(used_by=used_by, used_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return self.session.exec(select(InviteRow).where(InviteRow.code == code)).one()

    # --- filing (domain.ports.FilingUnitOfWork) ---------------------------------------------

    def lock_customer(self, phone: str, now: datetime) -> int:
        insert = insert_for(self._dialect)
        self.session.execute(
            insert(CustomerRow)
            .values(phone=phone, created_at=now)
            .on_conflict_do_nothing(index_elements=["phone"])
        )
        # On PostgreSQL the row lock queues concurrent filings of this phone; on SQLite the
        # write transaction (BEGIN IMMEDIATE) already serializes every filing.
        customer_id = self.session.execute(
            sa.select(CustomerRow.id).where(col(CustomerRow.phone) == phone).with_for_update()
        ).scalar_one()
        return int(customer_id)

    def lock_staff(self, staff_id: int) -> None:
        self.session.execute(sa.select(StaffRow.id).where(col(StaffRow.id) == staff_id).with_for_update())

    def claim_for(self, customer_id: int) -> Registration | None:
        found = self.session.exec(
            _registrations().where(
                RegistrationRow.customer_id == customer_id, col(RegistrationRow.holds_claim)
            )
        ).first()
        return _registration(*found) if found else None

    def last_registration_held_by(self, staff_id: int, customer_id: int) -> Registration | None:
        """The person's own last registration of the customer, whoever holds the customer now."""
        found = self.session.exec(
            _registrations()
            .where(RegistrationRow.customer_id == customer_id, RegistrationRow.holder_id == staff_id)
            .order_by(col(RegistrationRow.filed_at).desc(), col(RegistrationRow.id).desc())
            .limit(1)
        ).first()
        return _registration(*found) if found else None

    def last_deal_at(self, customer_id: int) -> datetime | None:
        """The customer's last deal on record: a won registration's. A deal still awaiting review,
        or voided with its registration in review, is no sale (RULES §3)."""
        return self.session.execute(
            sa.select(sa.func.max(RegistrationRow.deal_at)).where(
                col(RegistrationRow.customer_id) == customer_id,
                col(RegistrationRow.closure) == Closure.WON.value,
            )
        ).scalar_one_or_none()

    def quota_used(self, filer_id: int, month_start: datetime, month_end: datetime) -> int:
        """Registrations filed this month still using a slot: a deal frees its slot (RULES §3.6).
        Decision: a deal recorded while review is pending frees it only once approved (the
        registration is closed as won then); else a fake deal under review would refill the month."""
        return int(
            self.session.execute(
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

    def similar_open(self, customer_id: int, name_key: str, address_prefix: str) -> list[SimilarCustomer]:
        """The newest holding registrations with the same name, and those at the same address
        prefix, under other phones: two ordered index scans, each cut at the limit."""
        found: dict[int, SimilarCustomer] = {}
        for same in (
            col(RegistrationRow.name_key) == name_key,
            col(RegistrationRow.address_prefix) == address_prefix,
        ):
            rows = self.session.execute(
                sa.select(
                    RegistrationRow.id,
                    RegistrationRow.holder_id,
                    RegistrationRow.team_id,
                    RegistrationRow.customer_name,
                    RegistrationRow.address,
                )
                .where(
                    col(RegistrationRow.holds_claim), same, col(RegistrationRow.customer_id) != customer_id
                )
                .order_by(col(RegistrationRow.filed_at).desc())
                .limit(SIMILAR_CANDIDATES_LIMIT)
            ).all()
            found.update((row[0], SimilarCustomer(*row)) for row in rows)
        return list(found.values())

    def release_claim(self, registration_id: int, closure: Closure, at: datetime) -> None:
        self.session.execute(
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
    ) -> int:
        assert filer.team_id is not None and filer.channel is not None
        row = RegistrationRow(
            customer_id=customer_id,
            filer_id=filer.id,
            holder_id=filer.id,
            team_id=filer.team_id,
            channel=filer.channel.value,
            customer_name=customer_name,
            name_key=name_key(customer_name),
            address=address,
            address_prefix=address_key(address)[:ADDRESS_PREFIX_CHARS],
            needs=needs,
            expected_purchase=expected_purchase.value if expected_purchase else None,
            obtained_at=obtained_at,
            filed_at=filed_at,
            needs_review=needs_review,
            similar_to_id=similar_to_id,
            expires_at=expires_at,
            review=review.value if review else None,
            challenge_of_id=challenge_of_id,
            last_activity_at=filed_at,
            # A challenge does not hold the customer until it takes it over (RULES §4).
            holds_claim=challenge_of_id is None,
        )
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        return row.id

    def log_attempt(self, **fields: Any) -> None:
        self.session.add(FilingAttemptRow(**fields))

    # --- the lifecycle (domain.registrations.LifecycleUnitOfWork) ---------------------------

    def open_challenges_of(self, registration_id: int) -> list[Registration]:
        rows = self.session.exec(
            _registrations().where(
                RegistrationRow.challenge_of_id == registration_id,
                col(RegistrationRow.closure).is_(None),
                sa.not_(col(RegistrationRow.holds_claim)),
            )
        ).all()
        return [_registration(*r) for r in rows]

    def save_registration(self, registration: Registration) -> None:
        """Store what the lifecycle changed; identity and filing facts never change."""
        self.session.execute(
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
        self.session.add(
            RegistrationEventRow(
                registration_id=registration_id, at=at, actor_id=actor_id, kind=kind.value, **detail
            )
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
        self.session.add(
            ActionAttemptRow(
                at=at,
                telegram_id=telegram_id,
                action=action,
                registration_id=registration_id,
                outcome=outcome,
                reason=reason,
            )
        )

    def staff_with_role(self, role: Role) -> list[Staff]:
        return [s for s in self.all_staff() if s.active and s.has(role)]

    def pending_extension(self, registration_id: int) -> int | None:
        return self.session.execute(
            sa.select(ExtensionRequestRow.id).where(
                col(ExtensionRequestRow.registration_id) == registration_id,
                col(ExtensionRequestRow.approved).is_(None),
            )
        ).scalar_one_or_none()

    def add_extension_request(self, registration_id: int, staff_id: int, reason: str, at: datetime) -> int:
        row = ExtensionRequestRow(
            registration_id=registration_id, requested_by=staff_id, reason=reason, requested_at=at
        )
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        return row.id

    def extension_request(self, request_id: int) -> tuple[int, bool | None] | None:
        row = self.session.get(ExtensionRequestRow, request_id)
        return (row.registration_id, row.approved) if row else None

    def decide_extension_request(self, request_id: int, staff_id: int, approved: bool, at: datetime) -> None:
        self.session.execute(
            sa.update(ExtensionRequestRow)
            .where(col(ExtensionRequestRow.id) == request_id)
            .values(decided_by=staff_id, decided_at=at, approved=approved)
        )

    # --- reading registrations --------------------------------------------------------------

    def open_registrations_of(self, holder_id: int) -> list[Registration]:
        """The person's registrations not closed yet: those holding a customer, and open challenges."""
        rows = self.session.exec(
            _registrations()
            .where(RegistrationRow.holder_id == holder_id, col(RegistrationRow.closure).is_(None))
            .order_by(col(RegistrationRow.filed_at))
        ).all()
        return [_registration(*r) for r in rows]

    def registration(self, registration_id: int) -> Registration | None:
        found = self.session.exec(_registrations().where(RegistrationRow.id == registration_id)).first()
        return _registration(*found) if found else None

    def attempts(self) -> list[FilingAttemptRow]:
        return list(self.session.exec(select(FilingAttemptRow).order_by(col(FilingAttemptRow.id))))

    # --- a customer's history and listings (domain.history; the CLI) ------------------------

    def registrations_of_customer(self, phone: str) -> list[Registration]:
        """Every registration of the customer with this E.164 phone, open or closed, oldest first."""
        rows = self.session.exec(
            _registrations()
            .where(CustomerRow.phone == phone)
            .order_by(col(RegistrationRow.filed_at), col(RegistrationRow.id))
        ).all()
        return [_registration(*r) for r in rows]

    def attempts_for_phone(self, phone: str) -> list[AttemptRecord]:
        """The filing-attempt log for this E.164 phone, with each filer's name and team."""
        rows = self.session.execute(
            sa.select(FilingAttemptRow, StaffRow.name, StaffRow.team_id)
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
        rows = self.session.execute(
            sa.select(RegistrationEventRow, actor.name, other.name)
            .join(RegistrationRow, col(RegistrationRow.id) == col(RegistrationEventRow.registration_id))
            .join(CustomerRow, col(CustomerRow.id) == col(RegistrationRow.customer_id))
            .join(actor, actor.id == RegistrationEventRow.actor_id, isouter=True)
            .join(other, other.id == RegistrationEventRow.other_staff_id, isouter=True)
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
        query = _registrations().where(
            col(RegistrationRow.closure).is_(None), col(RegistrationRow.filed_at) <= filed_by
        )
        if team_id is not None:
            query = query.where(RegistrationRow.team_id == team_id)
        if holder_id is not None:
            query = query.where(RegistrationRow.holder_id == holder_id)
        rows = self.session.exec(query.order_by(col(RegistrationRow.filed_at), col(RegistrationRow.id))).all()
        return [_registration(*r) for r in rows]

    # --- reminders and summaries sent unasked (domain.reminders) -------------------------

    def reminder_candidates(self, now: datetime, rules: Rules) -> list[Registration]:
        """Open registrations with a deadline inside its warning window and no reminder recorded
        for it yet: index range scans with an anti-join, so a sweep reads only what it will send."""
        activity = col(RegistrationRow.last_activity_at)

        def not_reminded(kind: str, same_deadline: Any) -> Any:
            return ~sa.exists().where(
                col(DeliveryRow.registration_id) == col(RegistrationRow.id),
                col(DeliveryRow.kind) == kind,
                same_deadline,
            )

        # A follow-up/lapse deadline moves only with the last activity: a reminder recorded since
        # then is for the current deadline. An expiry deadline is a column of its own.
        since_activity = col(DeliveryRow.recorded_at) >= activity
        windows = [
            sa.and_(
                activity > now - rules.follow_up_every,
                activity <= now - rules.follow_up_every + timedelta(hours=rules.remind_before_hours),
                not_reminded("follow_up", since_activity),
            ),
            sa.and_(
                activity > now - rules.lapse_after,
                activity <= now - rules.lapse_after + timedelta(hours=rules.lapse_warning_hours),
                not_reminded("lapse", since_activity),
            ),
            sa.and_(
                col(RegistrationRow.expires_at) > now,
                col(RegistrationRow.expires_at) <= now + timedelta(hours=rules.expiry_warning_hours),
                col(RegistrationRow.measured_at).is_(None),
                not_reminded("expiry", col(DeliveryRow.deadline_at) == col(RegistrationRow.expires_at)),
            ),
        ]
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
        found: dict[int, Registration] = {}
        for window in windows:
            rows = self.session.exec(_registrations().where(remindable, window)).all()
            for row in rows:
                registration = _registration(*row)
                found[registration.id] = registration
        return list(found.values())

    def known_delivery_keys(self, keys: set[str]) -> set[str]:
        known: set[str] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):  # stay under the databases' parameter limits
            chunk = ordered[start : start + 500]
            known.update(
                self.session.execute(
                    sa.select(DeliveryRow.key).where(col(DeliveryRow.key).in_(chunk))
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
        insert = insert_for(self._dialect)
        delivery_id = self.session.execute(
            insert(DeliveryRow)
            .values(
                key=key,
                kind=kind,
                chat_id=chat_id,
                staff_id=staff_id,
                registration_id=registration_id,
                team_id=team_id,
                deadline_at=deadline_at,
                status="pending",
                attempts=0,
                next_attempt_at=lease_until,
                recorded_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(DeliveryRow.id)
        ).scalar_one_or_none()
        return int(delivery_id) if delivery_id is not None else None

    def claim_retries(
        self, now: datetime, lease_until: datetime, limit: int, kinds: set[str]
    ) -> list[DeliveryRow]:
        """Pending deliveries of these kinds whose lease ran out (a crash, a failed send): each
        claimed by one process only, through a conditional update."""
        candidates = (
            self.session.execute(
                sa.select(DeliveryRow.id)
                .where(
                    col(DeliveryRow.status) == "pending",
                    col(DeliveryRow.next_attempt_at) <= now,
                    col(DeliveryRow.kind).in_(sorted(kinds)),
                )
                .order_by(col(DeliveryRow.next_attempt_at))
                .limit(limit)
            )
            .scalars()
            .all()
        )
        claimed = []
        for delivery_id in candidates:
            result = self.session.execute(
                sa.update(DeliveryRow)
                .where(
                    col(DeliveryRow.id) == delivery_id,
                    col(DeliveryRow.status) == "pending",
                    col(DeliveryRow.next_attempt_at) <= now,
                )
                .values(next_attempt_at=lease_until)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(delivery_id)
        if not claimed:
            return []
        return list(self.session.exec(select(DeliveryRow).where(col(DeliveryRow.id).in_(claimed))))

    def mark_delivery(
        self,
        delivery_id: int,
        *,
        status: str,
        now: datetime,
        retry_at: datetime | None = None,
        error: str | None = None,
    ) -> None:
        self.session.execute(
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

    # --- group chats bound to teams ----------------------------------------------------------

    def bind_team(self, team_id: int, chat_id: int, by: int, now: datetime) -> None:
        row = self.session.get(TeamChatRow, team_id) or TeamChatRow(
            team_id=team_id, chat_id=chat_id, bound_by=by, bound_at=now
        )
        row.chat_id, row.bound_by, row.bound_at = chat_id, by, now
        self.session.add(row)

    def unbind_chat(self, chat_id: int) -> list[int]:
        team_ids = list(
            self.session.execute(
                sa.select(TeamChatRow.team_id).where(col(TeamChatRow.chat_id) == chat_id)
            ).scalars()
        )
        self.session.execute(sa.delete(TeamChatRow).where(col(TeamChatRow.chat_id) == chat_id))
        return team_ids

    def teams_of_chat(self, chat_id: int) -> list[Team]:
        rows = self.session.exec(
            select(TeamRow)
            .join(TeamChatRow, col(TeamChatRow.team_id) == col(TeamRow.id))
            .where(TeamChatRow.chat_id == chat_id)
        ).all()
        return [_team(r) for r in rows]

    def team_chats(self) -> dict[int, int]:
        return {
            team_id: chat_id
            for team_id, chat_id in self.session.execute(sa.select(TeamChatRow.team_id, TeamChatRow.chat_id))
        }

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Telegram turned a group into a supergroup: its bindings follow the new id."""
        self.session.execute(
            sa.update(TeamChatRow).where(col(TeamChatRow.chat_id) == old_chat_id).values(chat_id=new_chat_id)
        )


def _registrations() -> Any:
    return (
        select(RegistrationRow, CustomerRow.phone, StaffRow.name)
        .join(CustomerRow, col(CustomerRow.id) == col(RegistrationRow.customer_id))
        .join(StaffRow, col(StaffRow.id) == col(RegistrationRow.holder_id))
    )


def _team(row: TeamRow) -> Team:
    assert row.id is not None
    return Team(id=row.id, name=row.name, channel=Channel(row.channel), region=row.region)


def _staff(row: StaffRow, team: TeamRow | None) -> Staff:
    assert row.id is not None
    return Staff(
        id=row.id,
        telegram_id=row.telegram_id,
        name=row.name,
        roles=frozenset(Role(r) for r in row.roles.split(",") if r),
        team_id=row.team_id,
        region=row.region,
        active=row.active,
        channel=Channel(team.channel) if team else None,
        language=row.language,
    )


def _registration(row: RegistrationRow, phone: str, holder_name: str) -> Registration:
    assert row.id is not None
    return Registration(
        id=row.id,
        customer_id=row.customer_id,
        phone=phone,
        customer_name=row.customer_name,
        address=row.address,
        holder_id=row.holder_id,
        holder_name=holder_name,
        team_id=row.team_id,
        channel=Channel(row.channel),
        filed_at=row.filed_at,
        last_follow_up_at=row.last_follow_up_at,
        measured_at=row.measured_at,
        deposit_at=row.deposit_at,
        closure=Closure(row.closure) if row.closure else None,
        closed_at=row.closed_at,
        needs=row.needs,
        expected_purchase=ExpectedPurchase(row.expected_purchase) if row.expected_purchase else None,
        needs_review=row.needs_review,
        filer_id=row.filer_id,
        deal_at=row.deal_at,
        deposit_amount=row.deposit_amount,
        deal_amount=row.deal_amount,
        credited_to_id=row.credited_to_id,
        expires_at=row.expires_at,
        challenge_of_id=row.challenge_of_id,
        review=ReviewState(row.review) if row.review else None,
        closure_reason=row.closure_reason,
        quota_exempt=row.quota_exempt,
        holds_claim=row.holds_claim,
        similar_to_id=row.similar_to_id,
    )
