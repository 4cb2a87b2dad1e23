"""/arbitrate as a department head uses it, and the people concerned being told."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from domain.model import FollowUpKind
from domain.registrations import record_follow_up
from domain.rules import Rules
from storage.tables import ActionAttemptRow, RegistrationRow
from tests.bot.conftest import Chat
from tests.bot.test_decisions import HEAD, add_head
from tests.bot.test_filing_dialog import data_of
from tests.bot.test_verdicts_and_lists import file_directly


async def test_transfer_with_a_reason_tells_both(chat: Chat) -> None:
    add_head(chat)
    file_directly(chat, 101, "13800138000")
    head = chat.user(HEAD)
    h = chat.harness
    await h.say(head, "/arbitrate")
    await h.say(head, "12345")
    assert "你输入了 5 位" in chat.fake.last_text(HEAD)
    await h.say(head, "13900139000")
    assert "没有报备记录" in chat.fake.last_text(HEAD)
    await h.say(head, "138 0013 8000")
    await h.press(head, data_of(chat, HEAD, "王芳"))
    await h.press(head, data_of(chat, HEAD, "转给其他同事"))
    await h.press(head, data_of(chat, HEAD, "刘洋"))
    await h.say(head, "x")
    assert "至少两个字" in chat.fake.last_text(HEAD)
    await h.say(head, "客户先在刘洋处看样")
    assert "从 王芳 到 刘洋" in chat.fake.last_text(HEAD)
    await h.press(head, data_of(chat, HEAD, "确认"))
    assert "裁决已记录" in chat.fake.last_text(HEAD)
    assert "转由你跟进" in chat.fake.last_text(102) and "客户先在刘洋处看样" in chat.fake.last_text(102)
    assert (
        "已转给其他同事" in chat.fake.last_text(101)
        and "13800138000" not in chat.fake.last_text(101)
        and "138 0013 8000" not in chat.fake.last_text(101)
    )
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(RegistrationRow.holder_id)).scalar_one() == chat.roster.guide2.id


async def test_credit_move(chat: Chat) -> None:
    add_head(chat)
    first = file_directly(chat, 101, "13800138000")
    record_follow_up(
        chat.roster.writer,
        actor_telegram_id=101,
        registration_id=first.registration_id,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("9000"),
        next_contact_at=None,
        now=chat.clock.now,
        rules=Rules(),
    )
    head = chat.user(HEAD)
    await chat.harness.say(head, "/arbitrate")
    await chat.harness.say(head, "13800138000")
    await chat.harness.press(head, data_of(chat, HEAD, "王芳"))
    assert [text for text, _ in chat.fake.buttons(HEAD)] == [
        "调整业绩归属"
    ]  # a won deal cannot move, its credit can
    await chat.harness.press(head, data_of(chat, HEAD, "调整业绩"))
    await chat.harness.press(head, data_of(chat, HEAD, "李强"))
    await chat.harness.say(head, "李强带客户到店")
    await chat.harness.press(head, data_of(chat, HEAD, "确认"))
    assert "业绩记入你名下" in chat.fake.last_text(201)
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(RegistrationRow.credited_to_id)).scalar_one() == chat.roster.sales.id


async def test_only_the_department_head_arbitrates(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    manager = chat.user(301)
    await chat.harness.say(manager, "/arbitrate")
    assert "无权" in chat.fake.last_text(301)
    await chat.harness.press(manager, "arb:abcdef:confirm", message_id=3)
    assert "按钮已过期" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ActionAttemptRow)).scalar_one() == 0


async def test_a_5000_character_reason_is_asked_again_and_nothing_is_decided(chat: Chat) -> None:
    """Issue 10 item 5: the reason is capped (Rules.max_reason_chars), with a hint naming the cap."""
    add_head(chat)
    file_directly(chat, 101, "13800138000")
    head = chat.user(HEAD)
    h = chat.harness
    await h.say(head, "/arbitrate")
    await h.say(head, "13800138000")
    await h.press(head, data_of(chat, HEAD, "王芳"))
    await h.press(head, data_of(chat, HEAD, "转给其他同事"))
    await h.press(head, data_of(chat, HEAD, "刘洋"))
    await h.say(head, "因" * 5000)
    hint = chat.fake.last_text(HEAD)
    assert "理由太长了（最多 500 个字）" in hint and len(hint) < 200
    await h.say(head, "客户先在刘洋处看样")
    assert "从 王芳 到 刘洋" in chat.fake.last_text(HEAD)
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(RegistrationRow.holder_id)).scalar_one() == chat.roster.guide.id
