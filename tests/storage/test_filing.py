"""The filing use case on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from domain.filing import Accepted, FilingRequest, Reason, Rejected, file_registration
from domain.model import Closure
from domain.rules import Rules
from storage.tables import FilingAttemptRow, RegistrationRow
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster

ADDRESS = "北京市朝阳区建国路88号3栋1201"


def file(
    roster: Roster,
    telegram_id: int,
    phone: str = "13800138000",
    *,
    name: str = "张三",
    address: str = ADDRESS,
    at=T0,
    **kw,
):
    request = FilingRequest(
        filer_telegram_id=telegram_id, customer_name=name, phone=phone, address=address, **kw
    )
    return file_registration(roster.writer, request, at, Rules())


def attempts(roster: Roster):
    with SqlUnitOfWork(roster.engine) as uow:
        return list(uow.session.exec(select(FilingAttemptRow).order_by(FilingAttemptRow.id)))


def test_sql_looking_and_html_names_are_stored_as_typed(roster: Roster) -> None:
    name = "Bob'); DROP TABLE registration;--<b>&"
    outcome = file(roster, roster.guide.telegram_id, name=name)
    assert isinstance(outcome, Accepted)
    with SqlUnitOfWork(roster.engine) as uow:
        assert uow.registrations.registration(outcome.registration_id).customer_name == name  # type: ignore[union-attr]


def test_customer_with_a_recent_deal_is_already_sold(roster: Roster) -> None:
    first = file(roster, roster.guide.telegram_id)
    assert isinstance(first, Accepted)
    with roster.writer() as uow:
        uow.session.execute(
            sa.update(RegistrationRow)
            .where(RegistrationRow.id == first.registration_id)
            .values(
                deal_at=T0 + timedelta(days=1),
                holds_claim=False,
                closure=Closure.WON.value,
                closed_at=T0 + timedelta(days=1),
            )
        )
        uow.commit()
    within = file(roster, roster.guide2.telegram_id, at=T0 + timedelta(days=365))
    assert isinstance(within, Rejected) and within.reason is Reason.ALREADY_SOLD
    after = file(roster, roster.guide2.telegram_id, at=T0 + timedelta(days=367))
    assert isinstance(after, Accepted)


def test_field_quota_counts_the_local_month_and_a_deal_frees_a_slot(roster: Roster) -> None:
    rules = Rules(field_monthly_quota=2)

    def file_q(phone: str, at):
        request = FilingRequest(roster.sales.telegram_id, "客户", phone, ADDRESS + phone[-2:])
        return file_registration(roster.writer, request, at, rules)

    a, b = file_q("13800000001", T0), file_q("13800000002", T0)
    assert isinstance(a, Accepted) and isinstance(b, Accepted)
    third = file_q("13800000003", T0)
    assert isinstance(third, Rejected) and third.reason is Reason.QUOTA
    assert (third.quota_used, third.quota_limit) == (2, 2)
    with roster.writer() as uow:
        uow.session.execute(
            sa.update(RegistrationRow)
            .where(RegistrationRow.id == a.registration_id)
            .values(closure="won", holds_claim=False, deal_at=T0)
        )
        uow.commit()
    assert isinstance(file_q("13800000003", T0), Accepted)
    # 2026-11-30 16:00 UTC is already 1 December in Shanghai: a new month, a fresh quota.
    assert isinstance(file_q("13800000004", datetime(2026, 11, 30, 15, 59, tzinfo=UTC)), Rejected)
    assert isinstance(file_q("13800000004", datetime(2026, 11, 30, 16, 0, tzinfo=UTC)), Accepted)
