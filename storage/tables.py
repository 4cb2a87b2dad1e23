"""The database tables. Every change here comes with an alembic revision in migrations/versions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no zone) and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _at(nullable: bool = False, index: bool = False) -> object:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class TeamRow(SQLModel, table=True):
    __tablename__ = "team"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    channel: str = Field(max_length=10)  # domain.model.Channel
    region: str | None = Field(default=None, max_length=80)
    language: str = Field(default="zh", max_length=5)
    created_at: datetime = _at()  # type: ignore[assignment]


class StaffRow(SQLModel, table=True):
    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=sa.BigInteger, unique=True)
    name: str = Field(max_length=80)
    roles: str = Field(max_length=200)  # comma-separated domain.model.Role values
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    region: str | None = Field(default=None, max_length=80)
    active: bool = Field(default=True)
    language: str | None = Field(default=None, max_length=5)  # last seen Telegram language (zh/en)
    created_at: datetime = _at()  # type: ignore[assignment]
    deactivated_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]


class InviteRow(SQLModel, table=True):
    """A one-time enrolment link made by an admin with /invite."""

    __tablename__ = "invite"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=30)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    created_by: int = Field(sa_type=sa.BigInteger)
    created_at: datetime = _at()  # type: ignore[assignment]
    expires_at: datetime = _at()  # type: ignore[assignment]
    used_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    used_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    name: str | None = Field(default=None, max_length=80)  # the invitee's name, as the admin gave it
    language: str | None = Field(default=None, max_length=5)  # the admin's, for the notice of its use


class CustomerRow(SQLModel, table=True):
    """A customer is a normalized phone; its row is what filings of that phone lock."""

    __tablename__ = "customer"
    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20, unique=True)  # E.164
    created_at: datetime = _at()  # type: ignore[assignment]


class RegistrationRow(SQLModel, table=True):
    __tablename__ = "registration"
    __table_args__ = (
        # First registered, first protected: at most one registration holds a customer.
        # (SQLite has no booleans: queries say `holds_claim = 1`, and so must the partial indexes,
        # or its planner cannot use them.)
        sa.Index(
            "uq_registration_claim",
            "customer_id",
            unique=True,
            sqlite_where=sa.text("holds_claim = 1"),
            postgresql_where=sa.text("holds_claim"),
        ),
        sa.Index("ix_registration_filer_month", "filer_id", "filed_at"),
        # The reminder sweep finds deadlines by range scans on these, never by scanning rows.
        sa.Index(
            "ix_registration_open_activity",
            "last_activity_at",
            sqlite_where=sa.text("closure IS NULL"),
            postgresql_where=sa.text("closure IS NULL"),
        ),
        sa.Index(
            "ix_registration_open_expiry",
            "expires_at",
            sqlite_where=sa.text("closure IS NULL"),
            postgresql_where=sa.text("closure IS NULL"),
        ),
        sa.Index("ix_registration_holder_open", "holder_id", "holds_claim"),
    )
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    filer_id: int = Field(foreign_key="staff.id")
    holder_id: int = Field(foreign_key="staff.id")
    team_id: int = Field(foreign_key="team.id", index=True)
    channel: str = Field(max_length=10)
    customer_name: str = Field(max_length=80)
    address: str = Field(max_length=400)
    needs: str | None = Field(default=None, max_length=1000)
    expected_purchase: str | None = Field(default=None, max_length=10)
    obtained_at: datetime = _at()  # type: ignore[assignment]
    filed_at: datetime = _at()  # type: ignore[assignment]
    last_follow_up_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    measured_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    deposit_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    deal_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    holds_claim: bool = Field(default=True)
    closure: str | None = Field(default=None, max_length=10)  # domain.model.Closure
    closed_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    needs_review: bool = Field(default=False)
    similar_to_id: int | None = Field(default=None, foreign_key="registration.id")
    # A repeat purchase (RULES §7): the won registration it was opened from.
    resale_of_id: int | None = Field(default=None, foreign_key="registration.id")
    deposit_amount: Decimal | None = Field(default=None, sa_type=sa.Numeric(12, 2))
    deal_amount: Decimal | None = Field(default=None, sa_type=sa.Numeric(12, 2))
    credited_to_id: int | None = Field(default=None, foreign_key="staff.id")
    expires_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    challenge_of_id: int | None = Field(default=None, foreign_key="registration.id", index=True)
    review: str | None = Field(default=None, max_length=10)  # domain.model.ReviewState
    closure_reason: str | None = Field(default=None, max_length=30)
    quota_exempt: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The later of filing and the last real-contact follow-up (a note does not count, RULES §4):
    # where the 3- and 10-day clocks start.
    last_activity_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]


class RegistrationEventRow(SQLModel, table=True):
    """Append-only history of a registration: follow-ups, challenges, decisions (RULES §4)."""

    __tablename__ = "registration_event"
    __table_args__ = (
        sa.Index("ix_registration_event_registration", "registration_id", "id"),
        # The planned contacts the sweep reminds of (domain.aftersale_reminders).
        sa.Index(
            "ix_registration_event_next_contact",
            "next_contact_at",
            sqlite_where=sa.text("next_contact_at IS NOT NULL"),
            postgresql_where=sa.text("next_contact_at IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id")
    at: datetime = _at()  # type: ignore[assignment]
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=30)  # domain.model.EventKind
    follow_up_kind: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=1000)
    amount: Decimal | None = Field(default=None, sa_type=sa.Numeric(12, 2))
    next_contact_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    until: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    other_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    reason: str | None = Field(default=None, max_length=1000)
    item_id: int | None = Field(default=None)  # after-sale: the problem or need (aftersale_item.id)
    score: int | None = Field(default=None, sa_type=sa.SmallInteger)  # after-sale: satisfaction 1–5


class AftersaleCareRow(SQLModel, table=True):
    """The after-sale care of a won registration (RULES §7, domain.aftersale): its deadlines, fixed
    when set, and what has been done. The sweep finds what is due by the partial indexes."""

    __tablename__ = "aftersale_care"
    __table_args__ = (
        sa.Index(
            "ix_aftersale_care_first_contact_due",
            "first_contact_due_at",
            sqlite_where=sa.text("first_contact_at IS NULL"),
            postgresql_where=sa.text("first_contact_at IS NULL"),
        ),
        sa.Index(
            "ix_aftersale_care_next_contact_due",
            "next_contact_due_at",
            sqlite_where=sa.text("next_contact_due_at IS NOT NULL"),
            postgresql_where=sa.text("next_contact_due_at IS NOT NULL"),
        ),
        sa.Index(
            "ix_aftersale_care_birthday",
            "birth_month",
            "birth_day",
            sqlite_where=sa.text("birth_month IS NOT NULL"),
            postgresql_where=sa.text("birth_month IS NOT NULL"),
        ),
    )
    registration_id: int = Field(
        foreign_key="registration.id", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    started_at: datetime = _at()  # type: ignore[assignment]
    first_contact_due_at: datetime = _at()  # type: ignore[assignment]
    ends_at: datetime = _at()  # type: ignore[assignment]
    next_contact_due_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    first_contact_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    last_contact_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    contacts: int = Field(default=0)
    satisfaction_score: int | None = Field(default=None, sa_type=sa.SmallInteger)
    satisfaction_comment: str | None = Field(default=None, max_length=1000)
    satisfaction_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    satisfaction_by: int | None = Field(default=None, foreign_key="staff.id")
    # When migration 0013 found the row (care started by migration 0012 for old deals); None: the
    # care was recorded when it started. No manager is told of a miss whose deadline is earlier.
    recorded_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    # The customer's birthday (客户关怀, domain.care_days): month and day, the year optional.
    birth_month: int | None = Field(default=None, sa_type=sa.SmallInteger)
    birth_day: int | None = Field(default=None, sa_type=sa.SmallInteger)
    birth_year: int | None = Field(default=None, sa_type=sa.SmallInteger)


class AftersaleContactRow(SQLModel, table=True):
    """Append-only: every after-sale contact, by whom (the holder or the team's customer service)."""

    __tablename__ = "aftersale_contact"
    __table_args__ = (sa.Index("ix_aftersale_contact_registration", "registration_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id")
    at: datetime = _at()  # type: ignore[assignment]
    staff_id: int = Field(foreign_key="staff.id")
    note: str | None = Field(default=None, max_length=1000)


class AftersaleItemRow(SQLModel, table=True):
    """A customer's problem or need after the sale, open until recorded solved / met."""

    __tablename__ = "aftersale_item"
    __table_args__ = (
        sa.Index("ix_aftersale_item_registration", "registration_id", "id"),
        sa.Index(
            "ix_aftersale_item_open_due",
            "due_at",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id")
    kind: str = Field(max_length=10)  # domain.aftersale.CareItemKind
    note: str = Field(max_length=1000)
    opened_at: datetime = _at()  # type: ignore[assignment]
    opened_by: int = Field(foreign_key="staff.id")
    due_at: datetime = _at()  # type: ignore[assignment]
    closed_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    close_note: str | None = Field(default=None, max_length=1000)


class ExtensionRequestRow(SQLModel, table=True):
    __tablename__ = "extension_request"
    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id", index=True)
    requested_by: int = Field(foreign_key="staff.id")
    reason: str = Field(max_length=1000)
    requested_at: datetime = _at()  # type: ignore[assignment]
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    approved: bool | None = None


class ActionAttemptRow(SQLModel, table=True):
    """Append-only log of refused actions (follow-ups, decisions): evidence, like filing attempts."""

    __tablename__ = "action_attempt"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _at(index=True)  # type: ignore[assignment]
    telegram_id: int = Field(sa_type=sa.BigInteger)
    action: str = Field(max_length=40)
    # No foreign key: a refused attempt may name a registration that does not exist.
    registration_id: int | None = Field(default=None, index=True)
    outcome: str = Field(max_length=10)
    reason: str | None = Field(default=None, max_length=30)


class FilingAttemptRow(SQLModel, table=True):
    """Append-only evidence of every filing, accepted or rejected (RULES §3)."""

    __tablename__ = "filing_attempt"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _at(index=True)  # type: ignore[assignment]
    telegram_id: int = Field(sa_type=sa.BigInteger)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    phone: str = Field(max_length=40, index=True)
    customer_name: str = Field(max_length=80)
    outcome: str = Field(max_length=10)
    reason: str | None = Field(default=None, max_length=20)
    registration_id: int | None = Field(default=None, foreign_key="registration.id")
    source: str = Field(max_length=10)


class TeamChatRow(SQLModel, table=True):
    """The manager group chat a team's daily summary goes to (/bindteam)."""

    __tablename__ = "team_chat"
    team_id: int = Field(foreign_key="team.id", primary_key=True)
    chat_id: int = Field(sa_type=sa.BigInteger, index=True)
    bound_by: int = Field(sa_type=sa.BigInteger)
    bound_at: datetime = _at()  # type: ignore[assignment]


class DeliveryRow(SQLModel, table=True):
    """Every reminder, summary and notice the bot sends unasked, recorded under a unique key
    *before* it is sent: a restart, a second process or a re-run finds the key and sends nothing
    twice. A notice (the outbox) is recorded in the transaction of the event it reports, with what
    its text needs in `payload`."""

    __tablename__ = "delivery"
    __table_args__ = (
        sa.Index("ix_delivery_retry", "status", "next_attempt_at"),
        sa.Index("ix_delivery_registration", "registration_id", "kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=40)  # follow_up | lapse | expiry | digest | notice:<NoticeKind>
    chat_id: int = Field(sa_type=sa.BigInteger)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    registration_id: int | None = Field(default=None, foreign_key="registration.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    deadline_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    status: str = Field(max_length=15)  # pending | sent | undeliverable
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    recorded_at: datetime = _at()  # type: ignore[assignment]
    sent_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
    error: str | None = Field(default=None, max_length=200)
    payload: str | None = Field(default=None, sa_type=sa.Text)  # a notice's JSON


class DialogStateRow(SQLModel, table=True):
    """What PTB's persistence keeps between restarts: a person's dialog drafts (scope
    "user_data", key = Telegram user id) and each conversation's step (scope
    "conversation:<name>", key = the conversation key), as JSON."""

    __tablename__ = "dialog_state"
    scope: str = Field(primary_key=True, max_length=60)
    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(sa_type=sa.Text)
    updated_at: datetime = _at()  # type: ignore[assignment]


class RegistrationKeyRow(SQLModel, table=True):
    """The keys a registration is found under as a possible duplicate's candidate (its flat; its
    place with the surname's sound, and with its building: domain.matching.stored_keys), written with
    the registration."""

    __tablename__ = "registration_key"
    key: str = Field(max_length=200, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id", primary_key=True)


class RosterVersionRow(SQLModel, table=True):
    """One row (id 1), counted up in the transaction of every roster write, so a process keeping
    the roster in memory sees with one read that it changed (storage.repositories.roster)."""

    __tablename__ = "roster_version"
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = Field(sa_type=sa.BigInteger)


class InboundUpdateRow(SQLModel, table=True):
    """Every update Telegram delivered, recorded before it is confirmed to Telegram: an update
    delivered twice is handled once, and one received but not handled before a crash is handled
    after the restart. The payload (it carries customers' details) is dropped once handled."""

    __tablename__ = "inbound_update"
    update_id: int = Field(sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(max_length=10)  # received, handling, committed, done
    run_id: str | None = Field(default=None, max_length=32)  # the process handling it
    payload: str | None = Field(default=None, sa_type=sa.Text)
    received_at: datetime = _at(index=True)  # type: ignore[assignment]
    done_at: datetime | None = _at(nullable=True)  # type: ignore[assignment]
