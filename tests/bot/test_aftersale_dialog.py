"""/aftersale and the after-sale dialog as people use it (issue 14): every step, bad input at each,
cancel, stale buttons, who may act (holder, the team's customer service, nobody else), the
`aftersale:<id>` button, in Chinese and English."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from bot.aftersale.steps import start_data
from bot.app import build_application
from domain.model import FollowUpKind, Role
from domain.registrations import Done, record_follow_up
from domain.rules import Rules
from storage.tables import AftersaleCareRow, AftersaleContactRow, AftersaleItemRow, RegistrationEventRow
from tests.bot.conftest import Chat
from tests.bot.test_filing_dialog import data_of
from tests.bot.test_restart_and_duplicates import _settings
from tests.bot.test_stale_buttons import alert, enrol_as, keyboard
from tests.bot.test_verdicts_and_lists import file_directly
from tests.fakebot import BotHarness, UpdateFactory

DAY = timedelta(days=1)
GUIDE, SERVICE, OTHER_SERVICE = 101, 401, 402


def won(chat: Chat, telegram_id: int, phone: str, name: str = "张三", address: str | None = None) -> int:
    """A registration filed now and won a day later; the clock is left a day after the deal."""
    filed = file_directly(chat, telegram_id, phone, name=name, **({"address": address} if address else {}))
    registration_id = filed.registration_id
    chat.clock.now += DAY
    deal = record_follow_up(
        chat.roster.writer,
        actor_telegram_id=telegram_id,
        registration_id=registration_id,
        kind=FollowUpKind.DEAL,
        note=None,
        amount=Decimal("9800"),
        next_contact_at=None,
        now=chat.clock.now,
        rules=Rules(),
    )
    assert isinstance(deal, Done)
    chat.clock.now += DAY
    return registration_id


def services(chat: Chat) -> None:
    enrol_as(chat, SERVICE, "周客服", Role.SERVICE, "朝阳店")
    enrol_as(chat, OTHER_SERVICE, "吴客服", Role.SERVICE, "业务一部")


def rows(chat: Chat, table) -> list:
    with chat.roster.engine.connect() as conn:
        return list(conn.execute(sa.select(table)))


def event_kinds(chat: Chat) -> list[str]:
    with chat.roster.engine.connect() as conn:
        return [
            r[0] for r in conn.execute(sa.select(RegistrationEventRow.kind).order_by(RegistrationEventRow.id))
        ]


# --- /aftersale -------------------------------------------------------------------------------------


async def test_the_list_orders_by_next_due_marks_overdue_and_tells_customers_apart(chat: Chat) -> None:
    first = won(chat, GUIDE, "13800138000", name="张三")  # deal Wed 11 Nov: first contact by Mon 16
    chat.clock.now += 5 * DAY
    won(chat, GUIDE, "13900139000", name="张三", address="北京市朝阳区建国路99号2栋301")
    file_directly(chat, GUIDE, "13700137000", name="王五")  # open, not an after-sale customer
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/aftersale")
    text = chat.fake.last_text(GUIDE)
    assert "你的售后客户（2 位" in text and "王五" not in text
    lines = [line for line in text.splitlines() if "张三" in line]
    assert "·8000" in lines[0] and "首次回访 11月16日（周一）前 ⚠️ 已逾期" in lines[0]
    assert "·9000" in lines[1] and "已逾期" not in lines[1]
    labels = [label for label, _ in chat.fake.buttons(GUIDE)]
    assert "张三 ·8000" in labels and "张三 ·9000" in labels
    assert "13800138000" not in text and "138 0013 8000" not in text  # the list shows the last digits
    assert start_data(first) not in {data for _, data in chat.fake.buttons(GUIDE)}


async def test_the_list_in_english_and_nothing_to_list(chat: Chat) -> None:
    guide = chat.user(GUIDE, language="en")
    await chat.harness.say(guide, "/aftersale")
    assert "no after-sale customers" in chat.fake.last_text(GUIDE)
    won(chat, GUIDE, "13800138000")
    await chat.harness.say(guide, "/aftersale")
    text = chat.fake.last_text(GUIDE)
    assert "Your after-sale customers (1" in text and "first contact by Mon 16 Nov" in text


async def test_managers_are_not_offered_aftersale_nor_see_anything(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    manager = chat.user(301)
    await chat.harness.say(manager, "/help")
    assert "/aftersale" not in chat.fake.last_text(301)
    await chat.harness.say(manager, "/aftersale")
    assert "张三" not in chat.fake.last_text(301)


async def test_aftersale_in_a_group_points_to_the_private_chat_and_shows_nothing(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    await chat.harness.send(
        chat.harness.factory.group_message(chat.user(GUIDE), "/aftersale", chat_id=-100123)
    )
    texts = chat.fake.texts(-100123)
    assert texts and "私聊" in texts[-1] and "张三" not in texts[-1] and "8000" not in texts[-1]


# --- the dialog, step by step -----------------------------------------------------------------------


async def test_first_contact_with_note_score_and_comment(chat: Chat) -> None:
    registration_id = won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    text = chat.fake.last_text(GUIDE)
    assert "138 0013 8000" in text  # the holder sees the phone in full
    assert "首次回访 11月16日（周一）前" in text and "满意度：还没有记录" in text
    labels = [label for label, _ in chat.fake.buttons(GUIDE)]
    assert "📞 联系客户" in labels and "⭐ 满意度" in labels and "✅ 问题已解决" not in labels
    await h.press(guide, data_of(chat, GUIDE, "联系客户"))
    assert "聊了什么" in chat.fake.last_text(GUIDE)
    await h.say(guide, "很" * 501)
    assert "备注太长" in chat.fake.last_text(GUIDE) or "太长" in chat.fake.last_text(GUIDE)
    await h.say(guide, "电话回访，沙发很满意")
    assert "首次回访：请客户给服务打分" in chat.fake.last_text(GUIDE)
    five = data_of(chat, GUIDE, "5 分")
    for garbage in ("0", "6", "五", "4.5", "abc"):
        await h.say(guide, garbage)
        assert "满意度是 1 到 5 分" in chat.fake.last_text(GUIDE), garbage
    await h.press(guide, five)
    assert "还有什么评价" in chat.fake.last_text(GUIDE)
    await h.say(guide, "送货师傅很专业")
    summary = chat.fake.last_text(GUIDE)
    assert "请确认" in summary and "张三" in summary and "电话回访，沙发很满意" in summary
    assert "满意度：5 分" in summary and "送货师傅很专业" in summary
    assert rows(chat, AftersaleContactRow) == []  # nothing before the confirmation
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    saved = chat.fake.last_text(GUIDE)
    assert "已记录「📞 联系客户」：张三" in saved
    assert "下次回访：12月12日（周六）之前" in saved  # 30 days after this contact (Fri 13 Nov)
    (care,) = rows(chat, AftersaleCareRow)
    assert (care.registration_id, care.contacts, care.satisfaction_score) == (registration_id, 1, 5)
    assert care.satisfaction_comment == "送货师傅很专业"
    assert event_kinds(chat)[-2:] == ["aftersale_contact", "satisfaction"]


async def test_a_later_contact_asks_no_score_and_the_note_can_be_skipped(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    for _ in range(2):
        await h.say(guide, "/aftersale")
        await h.press(guide, data_of(chat, GUIDE, "张三"))
        await h.press(guide, data_of(chat, GUIDE, "联系客户"))
        await h.press(guide, data_of(chat, GUIDE, "跳过"))
        if "打分" in chat.fake.last_text(GUIDE):
            await h.press(guide, data_of(chat, GUIDE, "跳过"))  # the first time: no score
        assert "请确认" in chat.fake.last_text(GUIDE)
        await h.press(guide, data_of(chat, GUIDE, "确认"))
        chat.clock.now += DAY
    (care,) = rows(chat, AftersaleCareRow)
    assert care.contacts == 2 and care.satisfaction_score is None


async def test_a_problem_needs_a_note_then_solving_it_picks_among_the_open_ones(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    for note in ("沙发扶手开裂", "床头柜抽屉卡住"):
        await h.say(guide, "/aftersale")
        await h.press(guide, data_of(chat, GUIDE, "张三"))
        await h.press(guide, data_of(chat, GUIDE, "记录问题"))
        assert "什么问题" in chat.fake.last_text(GUIDE) and chat.fake.buttons(GUIDE) == []  # no skip
        await h.say(guide, "   ")
        assert "请写明客户的问题或需求" in chat.fake.last_text(GUIDE)
        await h.say(guide, "很" * 501)
        assert "太长" in chat.fake.last_text(GUIDE)
        await h.say(guide, note)
        assert "请确认" in chat.fake.last_text(GUIDE) and note in chat.fake.last_text(GUIDE)
        await h.press(guide, data_of(chat, GUIDE, "确认"))
    saved = chat.fake.last_text(GUIDE)
    assert "已记录「⚠️ 记录问题」" in saved and "未处理的问题和需求：2 项，最早 11月17日（周二）之前" in saved
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    assert "解决问题 11月17日（周二）前" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "问题已解决"))
    assert "选择是哪一项" in chat.fake.last_text(GUIDE)
    second = data_of(chat, GUIDE, "床头柜")
    await h.say(guide, "第二个")
    assert "请用上面的按钮" in chat.fake.last_text(GUIDE)
    await h.press(guide, second)
    await h.say(guide, "上门换了滑轨")
    summary = chat.fake.last_text(GUIDE)
    assert "床头柜抽屉卡住" in summary and "上门换了滑轨" in summary
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    assert "未处理的问题和需求：1 项" in chat.fake.last_text(GUIDE)
    items = {r.note: r.closed_at is not None for r in rows(chat, AftersaleItemRow)}
    assert items == {"沙发扶手开裂": False, "床头柜抽屉卡住": True}


async def test_a_need_then_met_straight_when_only_one_is_open(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "记录需求"))
    await h.say(guide, "想加一个同款茶几")
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "需求已满足"))
    assert "怎么处理的" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "跳过"))
    assert "想加一个同款茶几" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    assert "已记录「✅ 需求已满足」" in chat.fake.last_text(GUIDE)
    assert event_kinds(chat)[-2:] == ["need_opened", "need_met"]


async def test_satisfaction_on_its_own_then_it_is_not_offered_again(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "满意度"))
    assert "打几分" in chat.fake.last_text(GUIDE)
    assert "跳过" not in [label for label, _ in chat.fake.buttons(GUIDE)]
    await h.say(guide, "7")
    assert "满意度是 1 到 5 分" in chat.fake.last_text(GUIDE)
    await h.say(guide, "4")
    await h.press(guide, data_of(chat, GUIDE, "跳过"))  # no comment
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    assert "已记录「⭐ 满意度」" in chat.fake.last_text(GUIDE)
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    assert "满意度：4 分" in chat.fake.last_text(GUIDE)
    assert "⭐ 满意度" not in [label for label, _ in chat.fake.buttons(GUIDE)]


async def test_the_whole_dialog_in_english(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE, language="en"), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    assert "What do you want to record?" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "Contact"))
    await h.say(guide, "called, all fine")
    assert "first contact" in chat.fake.last_text(GUIDE)
    four = data_of(chat, GUIDE, "4 ★")
    await h.say(guide, "nine")
    assert "score from 1 to 5" in chat.fake.last_text(GUIDE)
    await h.press(guide, four)
    await h.press(guide, data_of(chat, GUIDE, "Skip"))
    assert "Please confirm" in chat.fake.last_text(GUIDE) and "Satisfaction: 4 of 5" in chat.fake.last_text(
        GUIDE
    )
    await h.press(guide, data_of(chat, GUIDE, "Confirm"))
    saved = chat.fake.last_text(GUIDE)
    assert "Recorded “📞 Contact” for 张三" in saved and "Next contact by Sat 12 Dec" in saved
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "Problem"))
    await h.say(guide, " ")
    assert "Say what the customer's problem or need is" in chat.fake.last_text(GUIDE)
    await h.say(guide, "scratch on the table")
    await h.press(guide, data_of(chat, GUIDE, "Confirm"))
    assert "1 open problem or need, the first by" in chat.fake.last_text(GUIDE)


# --- cancel, garbage, stale -------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["button", "command"])
async def test_cancel_at_the_confirmation_records_nothing(chat: Chat, how: str) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "记录需求"))
    await h.say(guide, "想换窗帘")
    if how == "button":
        await h.press(guide, data_of(chat, GUIDE, "取消"))
    else:
        await h.say(guide, "/cancel")
    assert "已取消" in chat.fake.last_text(GUIDE)
    assert rows(chat, AftersaleItemRow) == []


async def test_typing_where_a_button_is_asked_and_stickers_get_the_hint(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/aftersale")
    pick = data_of(chat, GUIDE, "张三")
    await h.say(guide, "张三")  # the list wants a button
    assert "请用上面的按钮" in chat.fake.last_text(GUIDE)
    await h.press(guide, pick)
    problem = data_of(chat, GUIDE, "记录问题")
    await h.say(guide, "联系")  # so does the action
    assert "请用上面的按钮" in chat.fake.last_text(GUIDE)
    await h.press(guide, problem)
    await h.press(guide, problem)  # pressed twice: a step gone by
    assert "最新的问题" in alert(chat)
    await h.say(guide, "沙发塌陷")
    confirm = data_of(chat, GUIDE, "确认")
    await h.say(guide, "好的")  # the confirmation wants a button
    assert "请用上面的按钮" in chat.fake.last_text(GUIDE)
    await h.press(guide, confirm)
    assert len(rows(chat, AftersaleItemRow)) == 1


async def test_a_forged_action_the_step_did_not_offer_does_nothing(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    nonce = data_of(chat, GUIDE, "联系客户").split(":")[1]
    await h.press(guide, f"as:{nonce}:act:solved")  # no open problem: not offered
    await h.press(guide, f"as:{nonce}:act:nonsense")
    assert event_kinds(chat)[-1] == "follow_up"
    await h.press(guide, data_of(chat, GUIDE, "联系客户"))
    assert "聊了什么" in chat.fake.last_text(GUIDE)


async def test_after_a_restart_a_button_of_an_ended_dialog_says_send_aftersale(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/aftersale")
    listed, pick = chat.fake.last_bot_message_id(GUIDE), data_of(chat, GUIDE, "张三")
    await chat.harness.say(guide, "/cancel")
    application = build_application(_settings(), chat.roster.engine, request=chat.fake, clock=chat.clock)
    factory = UpdateFactory(chat.fake, first_update_id=chat.harness.factory._update_id + 1)
    async with BotHarness(application, fake=chat.fake, factory=factory) as second:
        await second.press(guide, pick, message_id=listed)
        assert "售后记录已经结束" in alert(chat) and "/aftersale" in alert(chat)
        assert keyboard(chat, GUIDE, listed) is None
        await second.say(guide, "/aftersale")  # and what it says works
        await second.press(guide, data_of(chat, GUIDE, "张三"))
        assert "要记录什么" in chat.fake.last_text(GUIDE)


async def test_a_dialog_half_done_goes_on_after_a_restart(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/aftersale")
    await chat.harness.press(guide, data_of(chat, GUIDE, "张三"))
    await chat.harness.press(guide, data_of(chat, GUIDE, "记录需求"))
    application = build_application(_settings(), chat.roster.engine, request=chat.fake, clock=chat.clock)
    factory = UpdateFactory(chat.fake, first_update_id=chat.harness.factory._update_id + 1)
    async with BotHarness(application, fake=chat.fake, factory=factory) as second:
        await second.say(guide, "想加购餐椅")
        await second.press(guide, data_of(chat, GUIDE, "确认"))
        assert "已记录「📝 记录需求」" in chat.fake.last_text(GUIDE)
