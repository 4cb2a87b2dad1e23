"""Two processes running the reminder sweep at the same instant: each reminder is claimed once."""

from __future__ import annotations

import multiprocessing
import traceback
from datetime import timedelta
from typing import Any

import pytest

from domain.filing import FilingRequest, file_registration
from domain.rules import Rules
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, make_roster

pytestmark = pytest.mark.process

CUSTOMERS = 120
SWEEPERS = 3


def _sweep_in_child(url: str, barrier: Any, results: Any) -> None:
    try:
        from domain.reminders import plan_reminders
        from storage.db import make_engine

        engine = make_engine(url)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        barrier.wait(timeout=90)
        outgoing = plan_reminders(lambda: SqlUnitOfWork(engine, write=True), T0 + timedelta(days=2), Rules())
        results.put(("ok", [o.delivery_id for o in outgoing]))
    except BaseException:  # report, never hang the parent
        results.put(("error", traceback.format_exc()))


def test_concurrent_sweeps_in_processes_claim_each_reminder_once(db_url: str, engine) -> None:
    make_roster(engine)
    for i in range(CUSTOMERS):
        request = FilingRequest(101 + i % 2, f"客户{i}", f"1380000{i:04d}", f"北京市朝阳区建国路{i}号院{i}栋")
        file_registration(lambda: SqlUnitOfWork(engine, write=True), request, T0, Rules())
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(SWEEPERS), context.Queue()
    children = [
        context.Process(target=_sweep_in_child, args=(db_url, barrier, results)) for _ in range(SWEEPERS)
    ]
    for child in children:
        child.start()
    reports = [results.get(timeout=150) for _ in children]
    for child in children:
        child.join(timeout=30)
    errors = [detail for status, detail in reports if status == "error"]
    assert not errors, errors[0]
    claimed = [delivery_id for _, ids in reports for delivery_id in ids]
    assert len(claimed) == CUSTOMERS and len(set(claimed)) == CUSTOMERS


WON = 40


def _aftersale_sweep_in_child(url: str, barrier: Any, results: Any) -> None:
    try:
        from domain.aftersale_reminders import plan_aftersale_batches
        from storage.db import make_engine

        engine = make_engine(url)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        barrier.wait(timeout=90)
        writer = lambda: SqlUnitOfWork(engine, write=True)  # noqa: E731
        outgoing = [
            o for b in plan_aftersale_batches(writer, T0 + timedelta(days=2), Rules(), batch=7) for o in b
        ]
        results.put(("ok", [o.delivery_id for o in outgoing]))
    except BaseException:  # report, never hang the parent
        results.put(("error", traceback.format_exc()))


def test_concurrent_aftersale_sweeps_in_processes_claim_each_reminder_once(db_url: str, engine) -> None:
    """Deals on Wednesday 11 November; Thursday is the first working day after: all due at once."""
    from decimal import Decimal

    from domain.model import FollowUpKind
    from domain.registrations import record_follow_up

    make_roster(engine)
    writer = lambda: SqlUnitOfWork(engine, write=True)  # noqa: E731
    for i in range(WON):
        request = FilingRequest(101 + i % 2, f"客户{i}", f"1380000{i:04d}", f"北京市朝阳区建国路{i}号院{i}栋")
        filed = file_registration(writer, request, T0, Rules())
        record_follow_up(
            writer, actor_telegram_id=101 + i % 2, registration_id=filed.registration_id,  # type: ignore[union-attr]
            kind=FollowUpKind.DEAL, note=None, amount=Decimal("9800"), next_contact_at=None,
            now=T0 + timedelta(days=1), rules=Rules(),
        )  # fmt: skip
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(SWEEPERS), context.Queue()
    children = [
        context.Process(target=_aftersale_sweep_in_child, args=(db_url, barrier, results))
        for _ in range(SWEEPERS)
    ]
    for child in children:
        child.start()
    reports = [results.get(timeout=150) for _ in children]
    for child in children:
        child.join(timeout=30)
    errors = [detail for status, detail in reports if status == "error"]
    assert not errors, errors[0]
    claimed = [delivery_id for _, ids in reports for delivery_id in ids]
    assert len(claimed) == WON and len(set(claimed)) == WON
