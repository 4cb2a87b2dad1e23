"""Notices are an outbox: recorded with their event, delivered from one place, once, retried.

The filings here are made straight through the use case — as the command line makes them — so
nothing is sent until a delivery pass runs; the chat dialogs' own tests show the chat's filings
telling the managers at once."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.delivery.notices import deliver_notices
from bot.services import Services
from domain.customer_details import display_phone
from domain.filing import Accepted
from domain.model import NoticeKind
from domain.notices import LEASE, MAX_ATTEMPTS, claim_notices
from storage.tables import DeliveryRow
from tests.bot.conftest import Chat
from tests.bot.test_verdicts_and_lists import file_directly

OTHER_PHONE = "13900139000"


def _svc(chat: Chat) -> Services:
    return chat.harness.app.bot_data["services"]  # type: ignore[no-any-return]


def _possible_duplicate(chat: Chat) -> Accepted:
    """李强 (field, 业务一部) holds 张三; 王芳 (store, 朝阳店) files 张三 under another phone at the
    same address: both teams' managers (陈店长 301, 周主管 302) are to be told."""
    file_directly(chat, 201, "13800138000")
    outcome = file_directly(chat, 101, OTHER_PHONE)
    assert isinstance(outcome, Accepted) and outcome.needs_review
    return outcome


def _notice_rows(chat: Chat) -> dict[int, tuple[str, int]]:
    with chat.roster.engine.connect() as conn:
        rows = conn.execute(
            sa.select(DeliveryRow.chat_id, DeliveryRow.status, DeliveryRow.attempts).where(
                DeliveryRow.kind.startswith("notice:")  # type: ignore[attr-defined]
            )
        )
        return {chat_id: (status, attempts) for chat_id, status, attempts in rows}


def _texts_to(chat: Chat, chat_id: int) -> list[str]:
    return [m["text"] for m in chat.fake.sent_messages(chat_id)]


async def test_a_notice_is_recorded_with_its_event_and_delivered_once(chat: Chat) -> None:
    accepted = _possible_duplicate(chat)
    assert {n.kind for n in accepted.notices} == {NoticeKind.POSSIBLE_DUPLICATE}
    # Recorded in the filing's transaction, nothing sent yet.
    assert _notice_rows(chat) == {301: ("pending", 0), 302: ("pending", 0)}
    assert chat.fake.sent_messages() == []
    sent = await deliver_notices(chat.harness.app.bot, _svc(chat))
    assert sorted(status for _, status in sent) == ["sent", "sent"]
    for manager in (301, 302):
        [text] = _texts_to(chat, manager)
        assert "王芳" in text and "李强" in text
        # 王芳's store manager sees her customer in full; 李强's supervisor, of another team, masked.
        assert (display_phone(f"+86{OTHER_PHONE}") in text) == (manager == 301)
        assert chat.fake.buttons(manager)  # Keep / Void
    assert _notice_rows(chat) == {301: ("sent", 1), 302: ("sent", 1)}
    # Another pass, later, by this or another process: nothing twice.
    chat.clock.now += LEASE * 3
    assert await deliver_notices(chat.harness.app.bot, _svc(chat)) == []
    assert len(chat.fake.sent_messages()) == 2


async def test_a_notice_whose_first_send_fails_with_a_5xx_arrives_once(chat: Chat) -> None:
    _possible_duplicate(chat)
    chat.fake.fail_next("sendMessage", error_code=502)
    first = await deliver_notices(chat.harness.app.bot, _svc(chat))
    assert sorted(status for _, status in first) == ["pending", "sent"]
    failed = next(n.entry.chat_id for n, status in first if status == "pending")
    assert _notice_rows(chat)[failed] == ("pending", 1)
    # Not before its backoff (a minute after one failure) …
    assert await deliver_notices(chat.harness.app.bot, _svc(chat)) == []
    chat.clock.now += timedelta(minutes=1)
    [(again, status)] = await deliver_notices(chat.harness.app.bot, _svc(chat))
    assert (again.entry.chat_id, status) == (failed, "sent")
    chat.clock.now += timedelta(hours=1)
    assert await deliver_notices(chat.harness.app.bot, _svc(chat)) == []
    assert len(_texts_to(chat, 301)) == 1 and len(_texts_to(chat, 302)) == 1


async def test_one_recipients_failure_never_holds_back_the_others(chat: Chat) -> None:
    _possible_duplicate(chat)
    chat.fake.blocked.add(301)  # 陈店长 blocked the bot: 403, given up and recorded
    sent = await deliver_notices(chat.harness.app.bot, _svc(chat))
    assert {n.entry.chat_id: status for n, status in sent} == {301: "undeliverable", 302: "sent"}
    assert _notice_rows(chat) == {301: ("undeliverable", 1), 302: ("sent", 1)}
    chat.clock.now += timedelta(days=1)
    assert await deliver_notices(chat.harness.app.bot, _svc(chat)) == []  # a 403 is not retried


async def test_a_400_is_given_up_and_a_429_waits_for_telegrams_retry_after(chat: Chat) -> None:
    _possible_duplicate(chat)
    chat.fake.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found")
    # More 429s than the rate limiter waits out (3): the notice waits for Telegram's retry_after.
    chat.fake.fail_next("sendMessage", retry_after=1, error_code=429, times=4)
    sent = await deliver_notices(chat.harness.app.bot, _svc(chat))
    assert sorted(status for _, status in sent) == ["pending", "undeliverable"]
    chat.clock.now += timedelta(seconds=1)
    assert [status for _, status in await deliver_notices(chat.harness.app.bot, _svc(chat))] == ["sent"]


async def test_a_claimed_notice_is_anyones_again_only_when_its_lease_runs_out(chat: Chat) -> None:
    """Two processes delivering at once each get their own notices: a claim is a conditional
    update; one whose sender died (SIGKILL) is claimed again after the lease."""
    _possible_duplicate(chat)
    writer = chat.roster.writer
    first = claim_notices(writer, chat.clock.now)
    assert len(first) == 2
    assert claim_notices(writer, chat.clock.now) == []
    assert claim_notices(writer, chat.clock.now + LEASE - timedelta(seconds=1)) == []
    again = claim_notices(writer, chat.clock.now + LEASE)
    assert {n.entry.id for n in again} == {n.entry.id for n in first}


async def test_a_notice_is_given_up_after_its_last_attempt(chat: Chat) -> None:
    _possible_duplicate(chat)
    chat.fake.blocked.add(302)
    for _ in range(MAX_ATTEMPTS):
        chat.fake.fail_next("sendMessage", error_code=503)
        await deliver_notices(chat.harness.app.bot, _svc(chat))
        chat.clock.now += timedelta(hours=1)
    assert _notice_rows(chat)[301] == ("pending", MAX_ATTEMPTS)
    assert await deliver_notices(chat.harness.app.bot, _svc(chat)) == []
    assert _notice_rows(chat)[301] == ("undeliverable", MAX_ATTEMPTS + 1)
    assert _texts_to(chat, 301) == []


async def test_a_refused_action_records_no_notice(chat: Chat) -> None:
    file_directly(chat, 201, "13800138000")
    file_directly(chat, 202, "13800138000")  # a duplicate: refused, nobody to tell
    assert _notice_rows(chat) == {}


async def test_the_sweep_job_delivers_what_the_command_line_recorded(chat: Chat) -> None:
    from bot.delivery.sweep import sweep_job

    _possible_duplicate(chat)

    class Context:
        bot = chat.harness.app.bot
        bot_data = chat.harness.app.bot_data
        application = chat.harness.app

    await sweep_job(Context())  # type: ignore[arg-type]
    assert len(_texts_to(chat, 301)) == 1 and len(_texts_to(chat, 302)) == 1
