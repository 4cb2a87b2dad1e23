"""Issue 10 item 14: a deposit recorded while review is pending shows as provisional credit."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.filing import Accepted, FilingRequest, file_registration
from domain.model import FollowUpKind
from domain.registrations import Done, record_follow_up
from tests.bot.conftest import Chat
from tests.bot.test_filing_dialog import data_of
from tests.bot.test_history import ADDRESS, DEPT_HEAD, PHONE, h, look_up  # noqa: F401  (h: the fixture)


async def test_mine_and_history_mark_a_deposit_awaiting_review_as_provisional(h: Chat) -> None:
    svc = h.harness.app.bot_data["services"]
    svc.rules = replace(svc.rules, review_required=True)
    now = h.clock.now
    filed = file_registration(h.roster.writer, FilingRequest(101, "张三", PHONE, ADDRESS), now, svc.rules)
    assert isinstance(filed, Accepted) and filed.pending_review
    deposit = record_follow_up(
        h.roster.writer,
        actor_telegram_id=101,
        registration_id=filed.registration_id,
        kind=FollowUpKind.DEPOSIT,
        note=None,
        amount=Decimal("2000"),
        next_contact_at=None,
        now=now,
        rules=svc.rules,
    )
    assert isinstance(deposit, Done)

    await h.harness.say(h.user(101), "/mine")
    assert "— 待审核，⏳ 已下定，业绩暂定" in h.fake.last_text(101)
    await h.harness.say(h.user(101, "en"), "/mine")
    assert "— pending review, ⏳ deposit paid, credit provisional" in h.fake.last_text(101)

    assert "当前：<b>待审核</b>（已下定，业绩暂定）" in "\n".join(await look_up(h, DEPT_HEAD))
    english = "\n".join(await look_up(h, DEPT_HEAD, language="en"))
    assert "now: <b>pending review</b> (deposit paid, credit provisional)" in english

    from bot.digests.render import render_digest
    from storage.uow import SqlUnitOfWork

    with SqlUnitOfWork(h.roster.engine) as uow:
        report = uow.reports.team_report(h.roster.store.id, now, svc.rules)
    assert report is not None
    summary = "\n".join(render_digest(report.digest, "zh", svc.rules.zone, mask_phones=True))
    assert "（待审核，业绩暂定）" in summary


async def test_a_deposit_under_review_is_confirmed_as_provisional(h: Chat) -> None:
    svc = h.harness.app.bot_data["services"]
    svc.rules = replace(svc.rules, review_required=True)
    filed = file_registration(
        h.roster.writer, FilingRequest(101, "张三", PHONE, ADDRESS), h.clock.now, svc.rules
    )
    assert isinstance(filed, Accepted)
    guide = h.user(101)
    await h.harness.say(guide, "/follow")
    await h.harness.press(guide, data_of(h, 101, "下定"))
    await h.harness.press(guide, data_of(h, 101, "跳过"))
    await h.harness.press(guide, data_of(h, 101, "暂不安排"))
    await h.harness.say(guide, "2000")
    assert "暂定" in h.fake.last_text(101) and "审核通过后" in h.fake.last_text(101)
