"""Helpers for tests/storage/test_lifecycle_properties.py: the cast, the operations and how they run.

An operation is a plain frozen value carrying its own instant, so a sequence of them can be
performed against any fresh database and give the same history (RULES §4: state is a function
of the stored history and time alone). `perform` drives the real use cases; `summary` reduces
an outcome to something two runs can compare.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from domain.decisions import Arbitration, arbitrate, decide_extension, decide_review, request_extension
from domain.filing import (
    Accepted,
    FilingRequest,
    Rejected,
    file_registration,
    month_bounds,
)
from domain.model import Closure, FollowUpKind, Registration, Role
from domain.registrations import Done, Refused, record_follow_up
from domain.roster import enrol
from domain.rules import Rules
from storage.db import make_engine
from storage.mappers import registration, registrations_query
from storage.migrate import upgrade
from storage.tables import (
    ActionAttemptRow,
    ExtensionRequestRow,
    FilingAttemptRow,
    RegistrationEventRow,
    RegistrationRow,
)
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, make_roster

RULES = Rules(field_monthly_quota=3)

# --- the cast -------------------------------------------------------------------------------------

GUIDES = (101, 102, 103)  # 王芳, 刘洋 (make_roster), 孙丽: store guides of 朝阳店, no quota
SALES = (201, 202, 203)  # 李强 (业务一部), 赵磊 (业务二部), 钱军 (业务一部): field, quota
FILERS = GUIDES + SALES
STORE_MANAGER, SUPERVISOR = 301, 302  # on the roster, may not file; review their teams
DEPT_HEAD = 400  # decides extensions, arbitrates, reviews across teams
STRANGER = 555  # not on the roster
ACTORS = FILERS + (STORE_MANAGER, SUPERVISOR, DEPT_HEAD, STRANGER)
MISSING_REGISTRATION = 999_999


@dataclass(frozen=True)
class Customer:
    phone: str  # E.164, as stored
    typed: tuple[str, ...]  # how filers type it: all the same customer
    name: str
    address: str


# A small pool so that collisions happen. 0 and 1 are a couple calling from two numbers (same
# name, same address): filing one while the other is held is a possible duplicate (撞单).
CUSTOMERS = (
    Customer(
        "+8613800138000",
        ("13800138000", "+86 138 0013 8000", "138 0013 8000"),
        "张三",
        "北京市朝阳区建国路88号3栋1201",
    ),
    Customer(
        "+8613900139001",
        ("13900139001", "139-0013-9001", "+86 13900139001"),
        "张三",
        "北京市朝阳区建国路88号3栋1201",
    ),
    Customer(
        "+8613700137002",
        ("13700137002", "+86 13700137002", "137 0013 7002"),
        "李四",
        "北京市海淀区中关村大街27号5层",
    ),
    Customer(
        "+8613600136003",
        ("13600136003", "136 0013 6003", "+86 136 0013 6003"),
        "王五",
        "上海市浦东新区世纪大道100号2001室",
    ),
)
PHONES = {c.phone: i for i, c in enumerate(CUSTOMERS)}


def build_template(directory: Path) -> tuple[Path, dict[int, int]]:
    """A migrated database with the cast enrolled; returns its path and telegram id → staff id."""
    path = directory / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    try:
        make_roster(engine)
        extra = (
            (103, "孙丽", Role.GUIDE, "朝阳店"),
            (203, "钱军", Role.SALESPERSON, "业务一部"),
            (DEPT_HEAD, "部门经理", Role.DEPT_HEAD, None),
        )
        for tid, name, role, team in extra:
            with SqlUnitOfWork(engine, write=True) as uow:
                enrol(
                    uow,
                    telegram_id=tid,
                    name=name,
                    roles=frozenset({role}),
                    team_name=team,
                    region=None,
                    now=T0,
                )
        with SqlUnitOfWork(engine) as uow:
            ids = {s.telegram_id: s.id for s in uow.roster.all_staff()}
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path, ids


def fresh_engine(template: Path, directory: Path, name: str) -> Engine:
    """A copy of the template: a fresh, migrated, enrolled database of its own."""
    target = directory / name
    shutil.copyfile(template, target)
    return make_engine(f"sqlite:///{target}")


# --- operations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class File:
    at: datetime
    tid: int
    customer: int
    typed: int = 0


@dataclass(frozen=True)
class FollowUp:
    at: datetime
    tid: int
    registration_id: int
    kind: FollowUpKind
    amount: Decimal | None = None
    note: str = "打了电话"


@dataclass(frozen=True)
class RequestExtension:
    at: datetime
    tid: int
    registration_id: int
    reason: str


@dataclass(frozen=True)
class DecideExtension:
    at: datetime
    tid: int
    request_id: int
    approve: bool


@dataclass(frozen=True)
class Review:
    at: datetime
    tid: int
    registration_id: int
    approve: bool
    reason: str | None


@dataclass(frozen=True)
class Arbitrate:
    at: datetime
    tid: int
    registration_id: int
    decision: Arbitration
    to_tid: int
    reason: str


Operation = File | FollowUp | RequestExtension | DecideExtension | Review | Arbitrate


def perform(engine: Engine, op: Operation, rules: Rules = RULES) -> Any:
    """Run one operation through its real use case, as the bot would."""

    def writer() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=True)

    if isinstance(op, File):
        customer = CUSTOMERS[op.customer]
        request = FilingRequest(
            op.tid, customer.name, customer.typed[op.typed % len(customer.typed)], customer.address
        )
        return file_registration(writer, request, op.at, rules)
    if isinstance(op, FollowUp):
        return record_follow_up(
            writer,
            actor_telegram_id=op.tid,
            registration_id=op.registration_id,
            kind=op.kind,
            note=op.note,
            amount=op.amount,
            next_contact_at=None,
            now=op.at,
            rules=rules,
        )
    if isinstance(op, RequestExtension):
        return request_extension(
            writer,
            actor_telegram_id=op.tid,
            registration_id=op.registration_id,
            reason=op.reason,
            now=op.at,
            rules=rules,
        )
    if isinstance(op, DecideExtension):
        return decide_extension(
            writer,
            actor_telegram_id=op.tid,
            request_id=op.request_id,
            approve=op.approve,
            now=op.at,
            rules=rules,
        )
    if isinstance(op, Review):
        return decide_review(
            writer,
            actor_telegram_id=op.tid,
            registration_id=op.registration_id,
            approve=op.approve,
            reason=op.reason,
            now=op.at,
            rules=rules,
        )
    if isinstance(op, Arbitrate):
        return arbitrate(
            writer,
            actor_telegram_id=op.tid,
            registration_id=op.registration_id,
            decision=op.decision,
            to_telegram_id=op.to_tid,
            reason=op.reason,
            now=op.at,
            rules=rules,
        )
    raise TypeError(op)


def summary(outcome: Any) -> tuple[Any, ...]:
    if isinstance(outcome, Accepted):
        return (
            "accepted",
            outcome.registration_id,
            outcome.challenge_of.id if outcome.challenge_of else None,
        )
    if isinstance(outcome, Rejected):
        return ("rejected", outcome.reason.value)
    if isinstance(outcome, Done):
        return ("done", outcome.registration.id)
    if isinstance(outcome, Refused):
        return ("refused", outcome.refusal.value, outcome.state)
    raise TypeError(outcome)


# --- reading the database back --------------------------------------------------------------------

LOG_TABLES = (RegistrationEventRow, FilingAttemptRow, ActionAttemptRow)


def table_rows(engine: Engine, table: Any) -> dict[int, dict[str, Any]]:
    """Every row of a table with all its columns (compared whole), by id."""
    t = table.__table__
    with engine.connect() as conn:
        return {row.id: dict(row._mapping) for row in conn.execute(sa.select(*t.columns).order_by(t.c.id))}


def snapshot(engine: Engine) -> dict[str, dict[int, dict[str, Any]]]:
    return {
        t.__tablename__: table_rows(engine, t) for t in (*LOG_TABLES, RegistrationRow, ExtensionRequestRow)
    }


def registrations(engine: Engine) -> dict[int, Registration]:
    """All registrations, as the use cases see them (storage.uow's own mapping), in a fresh unit of work."""
    with SqlUnitOfWork(engine) as uow:
        rows = uow.session.exec(registrations_query().order_by(RegistrationRow.id)).all()
        return {r.id: r for r in (registration(*row) for row in rows)}


def quota_used(engine: Engine, staff_id: int, now: datetime, rules: Rules = RULES) -> int:
    with SqlUnitOfWork(engine) as uow:
        return uow.registrations.quota_used(staff_id, *month_bounds(now, rules))


CHALLENGE_ENDINGS = ("holder_resumed", "original_released")


def expected_quota_used(
    regs: dict[int, Registration], staff_id: int, now: datetime, rules: Rules = RULES
) -> int:
    """RULES §3.6 counted from the registrations: filed by them this local month, not won, and not
    a challenge that ended through no fault of the challenger — the holder resumed, or the
    challenged registration was released or voided (§4); expired and voided ones still count."""
    start, end = month_bounds(now, rules)
    return sum(
        1
        for r in regs.values()
        if r.filer_id == staff_id
        and start <= r.filed_at < end
        and r.closure is not Closure.WON
        and not (r.closure is Closure.VOID and r.closure_reason in CHALLENGE_ENDINGS)
    )


DELTA_BOUNDARIES = (
    timedelta(0),
    timedelta(seconds=1),
    timedelta(hours=1),
    timedelta(hours=24),
    timedelta(hours=72),
    timedelta(days=5),  # from lapse (day 10) to expiry (day 15)
    timedelta(days=7),
    timedelta(days=10),
    timedelta(days=15),
)
