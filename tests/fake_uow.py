"""An in-memory unit of work implementing domain.ports, for use-case tests without a database.

Lists and dicts behind fake repositories; `commit` keeps the changes, leaving the `with` block
without it restores the state the block started from (rolled back unless committed). Locks are
no-ops: one thread, one transaction. SQL behaviour (races, constraints) is tested in tests/storage.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domain.aftersale import Care, CareItem, CareItemKind
from domain.history import AttemptRecord, EventRecord
from domain.lifecycle import CONTACT_KINDS
from domain.model import (
    Channel,
    Closure,
    Delivery,
    EventKind,
    ExpectedPurchase,
    FollowUpKind,
    Invite,
    Registration,
    ReviewState,
    Role,
    SimilarCustomer,
    Staff,
    Team,
)
from domain.notices import OutboxEntry
from domain.ports import UnitOfWork
from domain.rules import Rules
from domain.tracking import LastFollowUp, TeamReport


@dataclass
class State:
    teams: dict[int, Team] = field(default_factory=dict)
    staff: dict[int, Staff] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    registrations: dict[int, Registration] = field(default_factory=dict)
    keys: dict[int, tuple[str, ...]] = field(default_factory=dict)  # domain.matching.stored_keys
    events: list[tuple[int, datetime, int | None, EventKind, dict[str, Any]]] = field(default_factory=list)
    extensions: dict[int, tuple[int, bool | None]] = field(default_factory=dict)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    chats: dict[int, int] = field(default_factory=dict)
    notices: list[OutboxEntry] = field(default_factory=list)
    care: dict[int, Care] = field(default_factory=dict)  # by registration id, without its items
    items: dict[int, CareItem] = field(default_factory=dict)
    contacts: list[tuple[int, datetime, int, str | None]] = field(default_factory=list)


class FakeRoster:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    @property
    def _s(self) -> State:
        return self._db.state

    def team_by_name(self, name: str) -> Team | None:
        return next((t for t in self._s.teams.values() if t.name == name), None)

    def team_by_id(self, team_id: int) -> Team | None:
        return self._s.teams.get(team_id)

    def teams(self) -> list[Team]:
        return sorted(self._s.teams.values(), key=lambda t: t.name)

    def add_team(self, name: str, channel: Channel, region: str | None, now: datetime) -> Team:
        team = Team(len(self._s.teams) + 1, name, channel, region)
        self._s.teams[team.id] = team
        return team

    def staff_by_telegram_id(self, telegram_id: int) -> Staff | None:
        return next((s for s in self._s.staff.values() if s.telegram_id == telegram_id), None)

    def staff_by_id(self, staff_id: int) -> Staff | None:
        return self._s.staff.get(staff_id)

    def staff_by_ids(self, staff_ids: set[int]) -> dict[int, Staff]:
        return {i: self._s.staff[i] for i in staff_ids if i in self._s.staff}

    def all_staff(self) -> list[Staff]:
        return sorted(self._s.staff.values(), key=lambda s: s.id)

    def team_managers(self, team_ids: set[int]) -> list[Staff]:
        return [
            s
            for s in self.all_staff()
            if s.active and s.team_id in team_ids and s.roles & {Role.STORE_MANAGER, Role.SUPERVISOR}
        ]

    def staff_with_role(self, role: Role) -> list[Staff]:
        return [s for s in self.all_staff() if s.active and s.has(role)]

    def lock_staff(self, staff_id: int) -> None:
        pass

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
        existing = self.staff_by_telegram_id(telegram_id)
        team = self._s.teams.get(team_id) if team_id is not None else None
        staff = Staff(
            id=existing.id if existing else len(self._s.staff) + 1,
            telegram_id=telegram_id,
            name=name,
            roles=roles,
            team_id=team_id,
            region=region,
            active=True,
            channel=team.channel if team else None,
            language=existing.language if existing else None,
        )
        self._s.staff[staff.id] = staff
        return staff

    def set_language(self, telegram_id: int, language: str) -> None:
        staff = self.staff_by_telegram_id(telegram_id)
        if staff:
            self._s.staff[staff.id] = replace(staff, language=language)

    def deactivate_staff(self, telegram_id: int, now: datetime) -> bool:
        staff = self.staff_by_telegram_id(telegram_id)
        if staff is None:
            return False
        self._s.staff[staff.id] = replace(staff, active=False)
        return True

    def add_invite(self, **fields: Any) -> None:
        raise NotImplementedError("invites are tested on a database")

    def take_invite(self, code: str, used_by: int, now: datetime) -> Invite | None:
        raise NotImplementedError("invites are tested on a database")

    def invite(self, code: str) -> Invite | None:
        raise NotImplementedError("invites are tested on a database")


class FakeRegistrations:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    @property
    def _s(self) -> State:
        return self._db.state

    def _holder_named(self, r: Registration) -> Registration:
        return replace(r, holder_name=self._s.staff[r.holder_id].name)

    def _all(self) -> list[Registration]:
        return [self._holder_named(r) for r in self._s.registrations.values()]

    def lock_customer(self, phone: str, now: datetime) -> int:
        return self._s.customers.setdefault(phone, len(self._s.customers) + 1)

    def customer_id(self, phone: str) -> int | None:
        return self._s.customers.get(phone)

    def claim_for(self, customer_id: int) -> Registration | None:
        return next((r for r in self._all() if r.customer_id == customer_id and r.holds_claim), None)

    def last_registration_held_by(self, staff_id: int, customer_id: int) -> Registration | None:
        own = [r for r in self._all() if r.customer_id == customer_id and r.holder_id == staff_id]
        return max(own, key=lambda r: (r.filed_at, r.id), default=None)

    def last_deal_at(self, customer_id: int) -> datetime | None:
        deals = [
            r.deal_at
            for r in self._all()
            if r.customer_id == customer_id and r.closure is Closure.WON and r.deal_at
        ]
        return max(deals, default=None)

    def last_won(self, customer_id: int) -> Registration | None:
        won = [
            r
            for r in self._all()
            if r.customer_id == customer_id and r.closure is Closure.WON and r.deal_at is not None
        ]
        return max(won, key=lambda r: (r.deal_at, r.id), default=None)

    def quota_used(self, filer_id: int, month_start: datetime, month_end: datetime) -> int:
        return sum(
            1
            for r in self._all()
            if r.filer_id == filer_id
            and month_start <= r.filed_at < month_end
            and r.closure is not Closure.WON
            and not r.quota_exempt
        )

    def similar_open(self, customer_id: int, keys: tuple[str, ...]) -> list[SimilarCustomer]:
        return [
            SimilarCustomer(r.id, r.holder_id, r.team_id, r.customer_name, r.address)
            for r in sorted(self._all(), key=lambda r: r.filed_at, reverse=True)
            if r.holds_claim and r.customer_id != customer_id and set(self._s.keys[r.id]) & set(keys)
        ]

    def release_claim(self, registration_id: int, closure: Closure, at: datetime) -> None:
        r = self._s.registrations[registration_id]
        self._s.registrations[registration_id] = replace(r, holds_claim=False, closure=closure, closed_at=at)

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
            raise ValueError("a filer without a team")
        registration_id = len(self._s.registrations) + 1
        phone = next(p for p, c in self._s.customers.items() if c == customer_id)
        self._s.registrations[registration_id] = Registration(
            id=registration_id,
            customer_id=customer_id,
            phone=phone,
            customer_name=customer_name,
            address=address,
            holder_id=filer.id,
            holder_name=filer.name,
            team_id=filer.team_id,
            channel=filer.channel,
            filed_at=filed_at,
            needs=needs,
            expected_purchase=expected_purchase,
            needs_review=needs_review,
            filer_id=filer.id,
            expires_at=expires_at,
            challenge_of_id=challenge_of_id,
            review=review,
            holds_claim=challenge_of_id is None,
            resale_of_id=resale_of_id,
            similar_to_id=similar_to_id,
        )
        self._s.keys[registration_id] = keys
        return registration_id

    def open_challenges_of(self, registration_id: int) -> list[Registration]:
        return [
            r
            for r in self._all()
            if r.challenge_of_id == registration_id and r.closure is None and not r.holds_claim
        ]

    def save_registration(self, registration: Registration) -> None:
        self._s.registrations[registration.id] = registration

    def add_event(
        self, registration_id: int, at: datetime, actor_id: int | None, kind: EventKind, **detail: Any
    ) -> None:
        self._s.events.append((registration_id, at, actor_id, kind, detail))

    def pending_extension(self, registration_id: int) -> int | None:
        return next(
            (
                i
                for i, (r, approved) in self._s.extensions.items()
                if r == registration_id and approved is None
            ),
            None,
        )

    def add_extension_request(self, registration_id: int, staff_id: int, reason: str, at: datetime) -> int:
        request_id = len(self._s.extensions) + 1
        self._s.extensions[request_id] = (registration_id, None)
        return request_id

    def extension_request(self, request_id: int) -> tuple[int, bool | None] | None:
        return self._s.extensions.get(request_id)

    def decide_extension_request(self, request_id: int, staff_id: int, approved: bool, at: datetime) -> None:
        self._s.extensions[request_id] = (self._s.extensions[request_id][0], approved)

    def registration(self, registration_id: int) -> Registration | None:
        r = self._s.registrations.get(registration_id)
        return self._holder_named(r) if r else None

    def open_registrations_of(self, holder_id: int) -> list[Registration]:
        return sorted(
            (r for r in self._all() if r.holder_id == holder_id and r.closure is None),
            key=lambda r: r.filed_at,
        )

    def registrations_of_customer(self, phone: str) -> list[Registration]:
        return sorted((r for r in self._all() if r.phone == phone), key=lambda r: (r.filed_at, r.id))

    def reminder_candidates(
        self, now: datetime, rules: Rules, kind: str, after: tuple[datetime, int] | None, limit: int
    ) -> list[tuple[datetime, Registration]]:
        raise NotImplementedError("reminder candidates are a SQL query, tested in tests/storage")


class FakeAftersale:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    @property
    def _s(self) -> State:
        return self._db.state

    def care(self, registration_id: int) -> Care | None:
        care = self._s.care.get(registration_id)
        if care is None:
            return None
        items = tuple(i for i in self._s.items.values() if i.registration_id == registration_id)
        return replace(care, items=tuple(sorted(items, key=lambda i: i.id)))

    def add_care(self, care: Care) -> None:
        if care.registration_id in self._s.care:
            raise ValueError(f"registration {care.registration_id} has its care already")
        self._s.care[care.registration_id] = replace(care, items=())

    def save_care(self, care: Care) -> None:
        self._s.care[care.registration_id] = replace(care, items=())

    def add_contact(self, registration_id: int, at: datetime, staff_id: int, note: str | None) -> int:
        self._s.contacts.append((registration_id, at, staff_id, note))
        return len(self._s.contacts)

    def add_item(
        self,
        registration_id: int,
        kind: CareItemKind,
        note: str,
        opened_at: datetime,
        opened_by: int,
        due_at: datetime,
    ) -> CareItem:
        item = CareItem(len(self._s.items) + 1, registration_id, kind, note, opened_at, opened_by, due_at)
        self._s.items[item.id] = item
        return item

    def close_item(self, item_id: int, closed_at: datetime, closed_by: int, note: str | None) -> None:
        item = self._s.items[item_id]
        if item.is_open:
            self._s.items[item_id] = replace(item, closed_at=closed_at, closed_by=closed_by, close_note=note)

    def cared_for(
        self, holder_id: int, team_id: int | None, now: datetime
    ) -> list[tuple[Registration, Care]]:
        found = []
        for reg_id in sorted(self._s.care):
            r = self._s.registrations[reg_id]
            care = self.care(reg_id)
            if care is None or r.closure is not Closure.WON:
                continue
            if r.holder_id != holder_id and (team_id is None or r.team_id != team_id):
                continue
            open_items = care.open_items()
            if care.ended(now) and not open_items:
                continue
            found.append(
                (replace(r, holder_name=self._s.staff[r.holder_id].name), replace(care, items=open_items))
            )
        return found

    def reminder_candidates(self, kind: str, bounds: Any, after: Any, limit: int) -> list[Any]:
        return []  # the sweep's after-sale reminders are tested on the real databases

    def reminder_candidate(self, kind: str, registration_id: int, ref: Any, deadline: Any) -> None:
        return None


class FakeAttempts:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def log_attempt(self, **fields: Any) -> None:
        self._db.state.attempts.append(fields)

    def log_action(self, **fields: Any) -> None:
        self._db.state.actions.append(fields)


class FakeDeliveries:
    def known_delivery_keys(self, keys: set[str]) -> set[str]:
        return set()

    def record_delivery(self, **fields: Any) -> int | None:
        raise NotImplementedError("deliveries are tested on a database")

    def record_deliveries(self, claims: Sequence[Any], **fields: Any) -> dict[str, int]:
        raise NotImplementedError("deliveries are tested on a database")

    def claim_retries(
        self, now: datetime, lease_until: datetime, limit: int, kinds: set[str]
    ) -> list[Delivery]:
        return []

    def mark_delivery(self, delivery_id: int, **fields: Any) -> None:
        raise NotImplementedError("deliveries are tested on a database")


class FakeOutbox:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def add(self, entries: Sequence[OutboxEntry]) -> None:
        known = {e.key for e in self._db.state.notices}
        self._db.state.notices += [e for e in entries if e.key not in known]

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxEntry]:
        raise NotImplementedError("delivering notices is tested on a database")

    def pending_count(self) -> int:
        return len(self._db.state.notices)


class FakeChats:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def bind_team(self, team_id: int, chat_id: int, by: int, now: datetime) -> None:
        self._db.state.chats[team_id] = chat_id

    def unbind_chat(self, chat_id: int) -> list[int]:
        teams = [t for t, c in self._db.state.chats.items() if c == chat_id]
        for t in teams:
            del self._db.state.chats[t]
        return teams

    def teams_of_chat(self, chat_id: int) -> list[Team]:
        return [self._db.state.teams[t] for t, c in self._db.state.chats.items() if c == chat_id]

    def team_chats(self) -> dict[int, int]:
        return dict(self._db.state.chats)

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        for t, c in list(self._db.state.chats.items()):
            if c == old_chat_id:
                self._db.state.chats[t] = new_chat_id


class FakeReports:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def last_follow_ups(self, team_id: int, by: datetime) -> dict[int, LastFollowUp]:
        """As storage.repositories.digests.last_follow_ups: the latest real contact, in log order."""
        state = self._db.state
        latest: dict[int, LastFollowUp] = {}
        for registration_id, at, _, kind, detail in state.events:
            registration = state.registrations.get(registration_id)
            if registration is None or registration.team_id != team_id or registration.closure is not None:
                continue
            follow_up = detail.get("follow_up_kind")
            if kind is EventKind.FOLLOW_UP and follow_up in CONTACT_KINDS and at <= by:
                note = detail.get("note") or None
                latest[registration_id] = LastFollowUp(FollowUpKind(follow_up), note, at)
        return latest

    def team_report(self, team_id: int, now: datetime, rules: Rules) -> TeamReport | None:
        raise NotImplementedError("digests are read with SQL, tested in tests/storage")

    def attempts_for_phone(self, phone: str) -> list[AttemptRecord]:
        raise NotImplementedError("history is read with SQL, tested in tests/storage")

    def events_for_customer(self, phone: str) -> list[EventRecord]:
        raise NotImplementedError("history is read with SQL, tested in tests/storage")

    def registrations_listing(
        self, *, team_id: int | None, holder_id: int | None, filed_by: datetime
    ) -> list[Registration]:
        raise NotImplementedError("listings are read with SQL, tested in tests/storage")


@dataclass
class FakeDatabase:
    """What survives between units of work; `uow()` opens one over it."""

    state: State = field(default_factory=State)
    commits: int = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)


class FakeUnitOfWork:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.committed = False
        self.roster = FakeRoster(db)
        self.registrations = FakeRegistrations(db)
        self.aftersale = FakeAftersale(db)
        self.attempts = FakeAttempts(db)
        self.deliveries = FakeDeliveries()
        self.chats = FakeChats(db)
        self.reports = FakeReports(db)
        self.outbox = FakeOutbox(db)
        self._before: State | None = None

    def __enter__(self) -> FakeUnitOfWork:
        self._before = copy.deepcopy(self.db.state)
        self.committed = False
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed and self._before is not None:
            self.db.state = self._before  # rolled back unless committed

    def commit(self) -> None:
        self.committed = True
        self.db.commits += 1
        self._before = copy.deepcopy(self.db.state)


def _implements_the_ports(uow: FakeUnitOfWork) -> UnitOfWork:
    return uow  # mypy checks that the fake satisfies domain.ports.UnitOfWork
