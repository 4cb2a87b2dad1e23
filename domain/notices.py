"""Notices: telling people what happened, unasked, through an outbox (DESIGN: notices are an outbox).

A use case that causes a notice — a possible duplicate, a challenge, a review to make, an
extension asked or decided, an arbitration — records it with `record_notices` in the transaction
of the event itself, so the notice exists exactly when the event does: a crash before the commit
loses both, one after it loses neither. Each becomes a row of the delivery log (the reminders'
log) with what its text needs as a payload; the bot's sweep, and the command-line commands that
send, deliver it once, retrying network errors, 429 and 5xx with backoff, giving up on 403/400.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from domain.model import Invite, Notice, NoticeKind, Staff, Team

if TYPE_CHECKING:
    from domain.ports import UnitOfWork, UnitOfWorkFactory

LEASE = timedelta(minutes=2)  # a claimed notice not confirmed within this is claimed again
MAX_ATTEMPTS = 12  # 1, 2, 4 … 60 minutes apart: about seven hours of trying, then given up
KIND_PREFIX = "notice:"  # delivery kinds of notices, beside the reminders' and summaries'


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    UNDELIVERABLE = "undeliverable"  # 403 blocked, 400 chat not found …: recorded, not retried
    DROPPED = "dropped"  # no longer worth sending (the recipient left, the reminder passed)


@dataclass(frozen=True)
class OutboxEntry:
    """One notice for one person, as the delivery log keeps it."""

    key: str  # unique: the same notice is never recorded twice
    kind: NoticeKind
    chat_id: int
    staff_id: int | None  # None: an admin named in the settings only, not on the roster
    registration_id: int | None
    team_id: int | None
    payload: Mapping[str, Any]
    recorded_at: datetime
    id: int | None = None
    attempts: int = 0


class Outbox(Protocol):
    """The notices part of the delivery log."""

    def add(self, entries: Sequence[OutboxEntry]) -> None: ...
    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxEntry]: ...
    def pending_count(self) -> int: ...


def payload_of(notice: Notice) -> dict[str, Any]:
    """What the notice's text and buttons need, as it was when the event happened."""
    registration = notice.registration
    payload: dict[str, Any] = {
        "name": registration.customer_name,
        "phone": registration.phone,
        "address": registration.address,
        "other": notice.other.name if notice.other else "",
        "until": registration.expires_at.astimezone(UTC).isoformat() if registration.expires_at else None,
    }
    payload.update(notice.detail)
    return payload


def entry_for(notice: Notice, now: datetime, sequence: int) -> OutboxEntry:
    """`sequence` tells apart the notices one event gives the same person."""
    registration = notice.registration
    return OutboxEntry(
        key=(
            f"{KIND_PREFIX}{notice.kind.value}:{registration.id}:{notice.to.id}:"
            f"{now.astimezone(UTC):%Y%m%dT%H%M%S%f}:{sequence}"
        ),
        kind=notice.kind,
        chat_id=notice.to.telegram_id,
        staff_id=notice.to.id,
        registration_id=registration.id,
        team_id=registration.team_id,
        payload=payload_of(notice),
        recorded_at=now,
    )


def invite_used_entry(
    invite: Invite, inviter: Staff | None, joined: Staff, team: Team | None, telegram_name: str, now: datetime
) -> OutboxEntry:
    """The admin who made the invitation is told it was used: who joined (the name they were
    given, and the Telegram name of whoever opened the link), with which role and team. One per
    invitation, which is used once. An admin who is not on the roster is told by Telegram id."""
    return OutboxEntry(
        key=f"{KIND_PREFIX}{NoticeKind.INVITE_USED.value}:{invite.code}",
        kind=NoticeKind.INVITE_USED,
        chat_id=invite.created_by,
        staff_id=inviter.id if inviter is not None else None,
        registration_id=None,
        team_id=invite.team_id,
        payload={
            "name": joined.name,
            "telegram_name": telegram_name,
            "role": invite.role.value,
            "team": team.name if team is not None else None,
            "language": invite.language,
        },
        recorded_at=now,
    )


def record_notices(uow: UnitOfWork, notices: Sequence[Notice], now: datetime) -> None:
    """Write the notices into the outbox of the caller's transaction (before its commit)."""
    if notices:
        uow.outbox.add([entry_for(notice, now, i) for i, notice in enumerate(notices)])


@dataclass(frozen=True)
class DueNotice:
    entry: OutboxEntry
    to: Staff | None  # None: an admin named in the settings only (entry.chat_id is theirs)

    @property
    def recipient(self) -> str:
        """Who it is for, as the command line lists it."""
        return self.to.name if self.to is not None else f"admin {self.entry.chat_id}"


def claim_notices(
    unit_of_work: UnitOfWorkFactory, now: datetime, *, limit: int = 100, lease: timedelta = LEASE
) -> list[DueNotice]:
    """Notices due at `now` (new ones, and those whose last try failed or was interrupted), each
    claimed by one process for `lease`; those nobody can receive any more are settled here."""
    with unit_of_work() as uow:
        due = []
        for entry in uow.outbox.claim_due(now, now + lease, limit):
            if entry.id is None:
                raise ValueError("a claimed notice has no delivery id")
            to = uow.roster.staff_by_id(entry.staff_id) if entry.staff_id is not None else None
            if entry.staff_id is not None and (to is None or not to.active):
                uow.deliveries.mark_delivery(
                    entry.id, status=DeliveryStatus.DROPPED, now=now, error="recipient left"
                )
            elif entry.attempts >= MAX_ATTEMPTS:
                error = f"gave up after {entry.attempts} attempts"
                uow.deliveries.mark_delivery(
                    entry.id, status=DeliveryStatus.UNDELIVERABLE, now=now, error=error
                )
            else:
                due.append(DueNotice(entry, to))
        uow.commit()
    return due
