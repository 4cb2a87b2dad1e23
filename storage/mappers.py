"""Rows to domain objects: the one place that knows how a table row spells a domain value."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from domain.model import (
    Channel,
    Closure,
    Delivery,
    ExpectedPurchase,
    Invite,
    Registration,
    ReviewState,
    Role,
    Staff,
    Team,
)
from storage.tables import CustomerRow, DeliveryRow, InviteRow, RegistrationRow, StaffRow, TeamRow


class UnsavedRow(LookupError):
    """A row without its primary key: it was never flushed to the database."""


def _id(value: int | None, table: str) -> int:
    if value is None:
        raise UnsavedRow(f"a {table} row without an id")
    return value


def registrations_query() -> Any:
    """Registration rows with the customer's phone and the holder's name, as `registration` maps them."""
    return (
        select(RegistrationRow, CustomerRow.phone, StaffRow.name)
        .join(CustomerRow, col(CustomerRow.id) == col(RegistrationRow.customer_id))
        .join(StaffRow, col(StaffRow.id) == col(RegistrationRow.holder_id))
    )


def team(row: TeamRow) -> Team:
    return Team(id=_id(row.id, "team"), name=row.name, channel=Channel(row.channel), region=row.region)


def roles(column: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in column.split(",") if r)


def staff(row: StaffRow, team_row: TeamRow | None) -> Staff:
    return Staff(
        id=_id(row.id, "staff"),
        telegram_id=row.telegram_id,
        name=row.name,
        roles=roles(row.roles),
        team_id=row.team_id,
        region=row.region,
        active=row.active,
        channel=Channel(team_row.channel) if team_row else None,
        language=row.language,
    )


def invite(row: InviteRow) -> Invite:
    return Invite(
        code=row.code,
        role=Role(row.role),
        team_id=row.team_id,
        name=row.name,
        created_by=row.created_by,
        language=row.language,
        expires_at=row.expires_at,
        used_by=row.used_by,
        used_at=row.used_at,
    )


def delivery(row: DeliveryRow) -> Delivery:
    return Delivery(
        id=_id(row.id, "delivery"),
        key=row.key,
        kind=row.kind,
        chat_id=row.chat_id,
        staff_id=row.staff_id,
        registration_id=row.registration_id,
        team_id=row.team_id,
        deadline_at=row.deadline_at,
        status=row.status,
        attempts=row.attempts,
    )


def registration(row: RegistrationRow, phone: str, holder_name: str) -> Registration:
    """From an ORM row or a plain result row with the same column names."""
    return Registration(
        id=_id(row.id, "registration"),
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
        resale_of_id=getattr(row, "resale_of_id", None),
    )
