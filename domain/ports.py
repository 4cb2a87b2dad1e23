"""What the rules need from storage: one Protocol per repository, and the unit of work that
exposes them. Storage implements these (storage.uow, storage.repositories); tests fake them
(tests/fake_uow.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from domain.model import (
    Channel,
    Closure,
    Delivery,
    DeliveryClaim,
    EventKind,
    ExpectedPurchase,
    Invite,
    Registration,
    ReviewState,
    Role,
    SimilarCustomer,
    Staff,
    Team,
)
from domain.rules import Rules

if TYPE_CHECKING:
    from domain.aftersale import Care, CareItem, CareItemKind
    from domain.aftersale_reminders import AftersaleCandidate, Bounds
    from domain.care_days import Birthday, CareCustomer
    from domain.history import AttemptRecord, EventRecord
    from domain.notices import Outbox
    from domain.tracking import LastFollowUp, TeamReport


class RosterRepository(Protocol):
    """Teams, staff and invites."""

    def team_by_name(self, name: str) -> Team | None: ...
    def team_by_id(self, team_id: int) -> Team | None: ...
    def teams(self) -> list[Team]: ...
    def add_team(self, name: str, channel: Channel, region: str | None, now: datetime) -> Team: ...
    def staff_by_telegram_id(self, telegram_id: int) -> Staff | None: ...
    def staff_by_id(self, staff_id: int) -> Staff | None: ...
    def staff_by_ids(self, staff_ids: set[int]) -> dict[int, Staff]: ...
    def all_staff(self) -> list[Staff]: ...
    def team_managers(self, team_ids: set[int]) -> list[Staff]: ...
    def staff_with_role(self, role: Role) -> list[Staff]: ...
    def lock_staff(self, staff_id: int) -> None: ...
    def upsert_staff(
        self,
        *,
        telegram_id: int,
        name: str,
        roles: frozenset[Role],
        team_id: int | None,
        region: str | None,
        now: datetime,
    ) -> Staff: ...
    def set_language(self, telegram_id: int, language: str) -> None: ...
    def deactivate_staff(self, telegram_id: int, now: datetime) -> bool: ...
    def add_invite(
        self,
        *,
        code: str,
        role: Role,
        team_id: int | None,
        created_by: int,
        now: datetime,
        expires_at: datetime,
        name: str,
        language: str | None,
    ) -> None: ...
    def take_invite(self, code: str, used_by: int, now: datetime) -> Invite | None: ...
    def invite(self, code: str) -> Invite | None: ...


class RegistrationRepository(Protocol):
    """Customers, registrations, their events and extension requests.

    `lock_customer` (and RosterRepository.lock_staff) make concurrent filings of one phone, or by
    one person, wait for each other, so first-come and the quota are decided by the database.
    """

    def lock_customer(self, phone: str, now: datetime) -> int: ...
    def customer_id(self, phone: str) -> int | None: ...
    def claim_for(self, customer_id: int) -> Registration | None: ...
    def last_registration_held_by(self, staff_id: int, customer_id: int) -> Registration | None: ...
    def last_deal_at(self, customer_id: int) -> datetime | None: ...
    def last_won(self, customer_id: int) -> Registration | None: ...
    def quota_used(self, filer_id: int, month_start: datetime, month_end: datetime) -> int: ...
    def similar_open(self, customer_id: int, keys: tuple[str, ...]) -> list[SimilarCustomer]: ...
    def release_claim(self, registration_id: int, closure: Closure, at: datetime) -> None: ...
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
    ) -> int: ...
    def open_challenges_of(self, registration_id: int) -> list[Registration]: ...
    def save_registration(self, registration: Registration) -> None: ...
    def add_event(
        self, registration_id: int, at: datetime, actor_id: int | None, kind: EventKind, **detail: Any
    ) -> None: ...
    def pending_extension(self, registration_id: int) -> int | None: ...
    def add_extension_request(
        self, registration_id: int, staff_id: int, reason: str, at: datetime
    ) -> int: ...
    def extension_request(self, request_id: int) -> tuple[int, bool | None] | None: ...
    def decide_extension_request(
        self, request_id: int, staff_id: int, approved: bool, at: datetime
    ) -> None: ...
    def registration(self, registration_id: int) -> Registration | None: ...
    def open_registrations_of(self, holder_id: int) -> list[Registration]: ...
    def registrations_of_customer(self, phone: str) -> list[Registration]: ...
    def reminder_candidates(
        self, now: datetime, rules: Rules, kind: str, after: tuple[datetime, int] | None, limit: int
    ) -> list[tuple[datetime, Registration]]: ...


class AftersaleRepository(Protocol):
    """The after-sale care of won registrations (domain.aftersale): one care per registration, its
    contacts (append-only) and its problems and needs. Taken under the customer's lock, like the
    registration itself."""

    def care(self, registration_id: int) -> Care | None: ...
    def add_care(self, care: Care) -> None: ...
    def save_care(self, care: Care) -> None: ...
    def add_contact(self, registration_id: int, at: datetime, staff_id: int, note: str | None) -> int: ...
    def add_item(
        self,
        registration_id: int,
        kind: CareItemKind,
        note: str,
        opened_at: datetime,
        opened_by: int,
        due_at: datetime,
    ) -> CareItem: ...
    def close_item(self, item_id: int, closed_at: datetime, closed_by: int, note: str | None) -> None: ...
    def cared_for(
        self, holder_id: int, team_id: int | None, now: datetime
    ) -> list[tuple[Registration, Care]]: ...
    def reminder_candidates(
        self, kind: str, bounds: Bounds, after: tuple[datetime, int] | None, limit: int
    ) -> list[AftersaleCandidate]: ...
    def reminder_candidate(
        self, kind: str, registration_id: int, ref: int | None, deadline: datetime
    ) -> AftersaleCandidate | None: ...
    def set_birthday(self, registration_id: int, birthday: Birthday | None) -> None: ...
    def birthday(self, registration_id: int) -> Birthday | None: ...
    def care_day_customers(
        self, start: datetime, end: datetime, birthdays: list[tuple[int, int]] | None
    ) -> list[CareCustomer]: ...


class AttemptLog(Protocol):
    """Append-only evidence of filing attempts and lifecycle action attempts."""

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
    ) -> None: ...
    def log_action(
        self,
        *,
        at: datetime,
        telegram_id: int,
        action: str,
        registration_id: int | None,
        outcome: str,
        reason: str | None,
    ) -> None: ...


class DeliveryLog(Protocol):
    """Reminders and summaries sent unasked, each recorded under a unique key before it is sent."""

    def known_delivery_keys(self, keys: set[str]) -> set[str]: ...
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
    ) -> int | None: ...
    def record_deliveries(
        self, claims: Sequence[DeliveryClaim], *, now: datetime, lease_until: datetime
    ) -> dict[str, int]: ...
    def claim_retries(
        self, now: datetime, lease_until: datetime, limit: int, kinds: set[str]
    ) -> list[Delivery]: ...
    def mark_delivery(
        self,
        delivery_id: int,
        *,
        status: str,
        now: datetime,
        retry_at: datetime | None = None,
        error: str | None = None,
    ) -> None: ...


class TeamChats(Protocol):
    """Group chats bound to teams."""

    def bind_team(self, team_id: int, chat_id: int, by: int, now: datetime) -> None: ...
    def unbind_chat(self, chat_id: int) -> list[int]: ...
    def teams_of_chat(self, chat_id: int) -> list[Team]: ...
    def team_chats(self) -> dict[int, int]: ...
    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None: ...


class Reports(Protocol):
    """Read-only views: a team's digest, a customer's history, listings."""

    def team_report(self, team_id: int, now: datetime, rules: Rules) -> TeamReport | None: ...
    def last_follow_ups(self, team_id: int, by: datetime) -> dict[int, LastFollowUp]: ...
    def attempts_for_phone(self, phone: str) -> list[AttemptRecord]: ...
    def events_for_customer(self, phone: str) -> list[EventRecord]: ...
    def registrations_listing(
        self, *, team_id: int | None, holder_id: int | None, filed_by: datetime
    ) -> list[Registration]: ...


class UnitOfWork(Protocol):
    """One transaction, rolled back unless `commit` is called; the repositories live inside it."""

    @property
    def roster(self) -> RosterRepository: ...
    @property
    def registrations(self) -> RegistrationRepository: ...
    @property
    def aftersale(self) -> AftersaleRepository: ...
    @property
    def attempts(self) -> AttemptLog: ...
    @property
    def deliveries(self) -> DeliveryLog: ...
    @property
    def chats(self) -> TeamChats: ...
    @property
    def reports(self) -> Reports: ...
    @property
    def outbox(self) -> Outbox: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""What a use case that opens its own transaction takes: e.g. `lambda: SqlUnitOfWork(engine, write=True)`."""
