"""The filing use case on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from domain.filing import Accepted, FilingRequest, Reason, Rejected, file_registration
from domain.lifecycle import DeadlineKind
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


def test_accepted_filing_holds_the_customer_and_names_the_first_follow_up(roster: Roster) -> None:
    outcome = file(roster, roster.guide.telegram_id)
    assert isinstance(outcome, Accepted)
    assert outcome.deadline is not None and outcome.deadline.kind is DeadlineKind.FOLLOW_UP
    assert outcome.deadline.at == T0 + timedelta(days=3)
    with SqlUnitOfWork(roster.engine) as uow:
        claim = uow.registrations.claim_for(uow.registrations.lock_customer("+8613800138000", T0))
    assert claim is not None and claim.holder_id == roster.guide.id and claim.filed_at == T0
    [attempt] = attempts(roster)
    assert (attempt.outcome, attempt.reason, attempt.registration_id) == (
        "accepted",
        None,
        outcome.registration_id,
    )


def test_every_way_of_typing_a_phone_is_one_customer(roster: Roster) -> None:
    assert isinstance(file(roster, roster.guide.telegram_id, "138 0013 8000"), Accepted)
    for typed in ("+86 138-0013-8000", "008613800138000", "13800138000"):
        outcome = file(roster, roster.sales.telegram_id, typed)
        assert isinstance(outcome, Rejected) and outcome.reason is Reason.DUPLICATE
        assert outcome.holder_name == "王芳" and outcome.held_since == T0


def test_filer_holding_the_customer_is_told_it_is_already_theirs(roster: Roster) -> None:
    first = file(roster, roster.guide.telegram_id)
    again = file(roster, roster.guide.telegram_id, at=T0 + timedelta(hours=1))
    assert isinstance(first, Accepted) and isinstance(again, Rejected)
    assert again.reason is Reason.ALREADY_YOURS and again.registration_id == first.registration_id


def test_stranger_and_deactivated_are_not_staff_and_the_attempt_is_logged(roster: Roster) -> None:
    from domain.roster import deactivate

    assert file(roster, 999).reason is Reason.NOT_STAFF  # type: ignore[union-attr]
    with roster.writer() as uow:
        deactivate(uow, telegram_id=roster.guide.telegram_id, now=T0)
    assert file(roster, roster.guide.telegram_id).reason is Reason.NOT_STAFF  # type: ignore[union-attr]
    assert [(a.telegram_id, a.reason) for a in attempts(roster)] == [(999, "not_staff"), (101, "not_staff")]


def test_managers_cannot_file(roster: Roster) -> None:
    assert file(roster, roster.store_manager.telegram_id).reason is Reason.NOT_STAFF  # type: ignore[union-attr]


def test_incomplete_filing_stores_nothing_but_the_attempt(roster: Roster) -> None:
    outcome = file(roster, roster.guide.telegram_id, "12345", address="北京")
    assert isinstance(outcome, Rejected) and outcome.reason is Reason.INCOMPLETE
    assert {p.problem.value for p in outcome.problems} == {"phone_too_short", "address_too_short"}
    with SqlUnitOfWork(roster.engine) as uow:
        assert uow.session.execute(sa.select(sa.func.count()).select_from(RegistrationRow)).scalar_one() == 0
    assert [a.reason for a in attempts(roster)] == ["incomplete"]


def test_sql_looking_and_html_names_are_stored_as_typed(roster: Roster) -> None:
    name = "Bob'); DROP TABLE registration;--<b>&"
    outcome = file(roster, roster.guide.telegram_id, name=name)
    assert isinstance(outcome, Accepted)
    with SqlUnitOfWork(roster.engine) as uow:
        assert uow.registrations.registration(outcome.registration_id).customer_name == name  # type: ignore[union-attr]


def test_late_filing_is_rejected_after_24_hours(roster: Roster) -> None:
    on_time = file(roster, roster.guide.telegram_id, obtained_at=T0 - timedelta(hours=24))
    late = file(
        roster, roster.guide.telegram_id, "13900139000", obtained_at=T0 - timedelta(hours=24, seconds=1)
    )
    assert isinstance(on_time, Accepted)
    assert isinstance(late, Rejected) and late.reason is Reason.LATE


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


def test_expired_field_registration_frees_the_customer_for_a_colleague(roster: Roster) -> None:
    first = file(roster, roster.sales.telegram_id)
    assert isinstance(first, Accepted)
    before = file(roster, roster.sales2.telegram_id, at=T0 + timedelta(days=10) - timedelta(seconds=1))
    assert isinstance(before, Rejected) and before.reason is Reason.DUPLICATE
    after = file(roster, roster.sales2.telegram_id, at=T0 + timedelta(days=15))
    assert isinstance(after, Accepted)
    with SqlUnitOfWork(roster.engine) as uow:
        old = uow.registrations.registration(first.registration_id)
    assert old is not None and old.closure is Closure.EXPIRED


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


def test_store_guides_have_no_quota(roster: Roster) -> None:
    rules = Rules(field_monthly_quota=1)
    for i in range(3):
        request = FilingRequest(roster.guide.telegram_id, "客户", f"1380000000{i}", ADDRESS + str(i))
        assert isinstance(file_registration(roster.writer, request, T0, rules), Accepted)


def test_similar_name_and_address_under_another_phone_needs_review(roster: Roster) -> None:
    first = file(
        roster, roster.guide.telegram_id, "13800138000", name="张伟", address="北京市朝阳区建国路88号3栋1201"
    )
    second = file(
        roster, roster.sales.telegram_id, "13900139000", name="张伟", address="朝阳区建国路88号3栋1201室"
    )
    assert isinstance(first, Accepted) and not first.needs_review
    assert isinstance(second, Accepted) and second.needs_review
    assert second.similar[0].registration_id == first.registration_id
    different = file(
        roster, roster.sales.telegram_id, "13700137000", name="王五", address="海淀区中关村大街1号"
    )
    assert isinstance(different, Accepted) and not different.needs_review
