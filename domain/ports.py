"""What the rules need from storage. Storage implements these; tests may fake them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from domain.model import (
    Closure,
    EventKind,
    ExpectedPurchase,
    Registration,
    ReviewState,
    SimilarCustomer,
    Staff,
    Team,
)
from domain.notices import Outbox


class FilingUnitOfWork(Protocol):
    """One serialized filing transaction: rolled back unless `commit` is called.

    `lock_customer` and `lock_staff` make concurrent filings of one phone, or by one person,
    wait for each other, so first-come and the quota are decided by the database.
    """

    outbox: Outbox

    def __enter__(self) -> FilingUnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def team_by_id(self, team_id: int) -> Team | None: ...

    def staff_by_telegram_id(self, telegram_id: int) -> Staff | None: ...
    def staff_by_id(self, staff_id: int) -> Staff | None: ...
    def team_managers(self, team_ids: set[int]) -> list[Staff]: ...
    def lock_customer(self, phone: str, now: datetime) -> int: ...
    def lock_staff(self, staff_id: int) -> None: ...
    def claim_for(self, customer_id: int) -> Registration | None: ...
    def last_registration_held_by(self, staff_id: int, customer_id: int) -> Registration | None: ...
    def registration(self, registration_id: int) -> Registration | None: ...
    def open_challenges_of(self, registration_id: int) -> list[Registration]: ...
    def add_event(
        self, registration_id: int, at: datetime, actor_id: int | None, kind: EventKind, **detail: Any
    ) -> None: ...
    def last_deal_at(self, customer_id: int) -> datetime | None: ...
    def quota_used(self, filer_id: int, month_start: datetime, month_end: datetime) -> int: ...
    def similar_open(self, customer_id: int, name_key: str, address_prefix: str) -> list[SimilarCustomer]: ...
    def release_claim(self, registration_id: int, closure: Closure, at: datetime) -> None: ...
    def save_registration(self, registration: Registration) -> None: ...
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
    ) -> int: ...
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


class StaffDirectory(Protocol):
    """Read-only lookups of people and teams."""

    def staff_by_telegram_id(self, telegram_id: int) -> Staff | None: ...
    def staff_by_id(self, staff_id: int) -> Staff | None: ...
    def team_by_id(self, team_id: int) -> Team | None: ...
    def team_managers(self, team_ids: set[int]) -> list[Staff]: ...
