"""Who may use the after-sale dialog (RULES §7, §2): the holder and the team's customer service,
nobody else; the `aftersale:<id>` button other messages carry; full phones only to them, nothing
in groups."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.aftersale.steps import start_button, start_data
from storage.tables import AftersaleCareRow, RegistrationRow
from tests.bot.conftest import Chat
from tests.bot.test_aftersale_dialog import GUIDE, OTHER_SERVICE, SERVICE, rows, services, won
from tests.bot.test_filing_dialog import data_of
from tests.bot.test_stale_buttons import alert
from tests.bot.test_verdicts_and_lists import file_directly

DAY = timedelta(days=1)


async def test_the_teams_service_lists_and_records_on_a_team_customer_without_becoming_holder(
    chat: Chat,
) -> None:
    services(chat)
    registration_id = won(chat, GUIDE, "13800138000")
    helper, h = chat.user(SERVICE), chat.harness
    await h.say(helper, "/help")
    assert "/aftersale" in chat.fake.last_text(SERVICE)
    await h.say(helper, "/aftersale")
    assert "张三" in chat.fake.last_text(SERVICE)
    await h.press(helper, data_of(chat, SERVICE, "张三"))
    assert "138 0013 8000" in chat.fake.last_text(SERVICE)  # the team's service sees it in full
    await h.press(helper, data_of(chat, SERVICE, "联系客户"))
    await h.say(helper, "客服回访")
    await h.press(helper, data_of(chat, SERVICE, "3 分"))
    await h.press(helper, data_of(chat, SERVICE, "跳过"))
    await h.press(helper, data_of(chat, SERVICE, "确认"))
    assert "已记录「📞 联系客户」：张三" in chat.fake.last_text(SERVICE)
    (care,) = rows(chat, AftersaleCareRow)
    assert care.contacts == 1 and care.satisfaction_score == 3
    with chat.roster.engine.connect() as conn:
        holder = conn.execute(
            sa.select(RegistrationRow.holder_id, RegistrationRow.credited_to_id).where(
                RegistrationRow.id == registration_id
            )
        ).one()
    assert holder == (chat.roster.guide.id, chat.roster.guide.id)


async def test_another_teams_service_and_a_colleague_see_nothing_and_are_refused(chat: Chat) -> None:
    services(chat)
    registration_id = won(chat, GUIDE, "13800138000")
    for telegram_id in (OTHER_SERVICE, 102):  # 业务一部's service; 王芳's colleague 刘洋
        person = chat.user(telegram_id)
        await chat.harness.say(person, "/aftersale")
        assert "没有售后客户" in chat.fake.last_text(telegram_id)
        await chat.harness.press(person, start_data(registration_id))
        refusal = alert(chat)
        assert "只有报备人或本团队的客服" in refusal and "8000" not in refusal
        assert "138 0013 8000" not in (chat.fake.last_text(telegram_id) or "")
    assert rows(chat, AftersaleCareRow)[0].contacts == 0


async def test_the_entry_button_opens_the_dialog_at_the_customer_from_any_state(chat: Chat) -> None:
    registration_id = won(chat, GUIDE, "13800138000")
    file_directly(chat, GUIDE, "13900139000", name="李四", address="北京市朝阳区建国路99号2栋301")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/follow")  # another dialog half done
    assert start_button("zh", registration_id).callback_data == f"aftersale:{registration_id}"
    await h.press(guide, start_data(registration_id))
    assert "张三" in chat.fake.last_text(GUIDE) and "要记录什么" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "记录需求"))
    await h.say(guide, "想要配套床头柜")  # read by this dialog, not by /follow
    assert "请确认" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    assert "已记录「📝 记录需求」" in chat.fake.last_text(GUIDE)
    await h.press(guide, start_data(registration_id))  # the same button again: it still works
    assert "满足需求" in chat.fake.last_text(GUIDE)


async def test_the_entry_button_refuses_what_is_not_an_after_sale_customer(chat: Chat) -> None:
    open_one = file_directly(chat, GUIDE, "13900139000", name="李四").registration_id
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/mine")
    await h.press(guide, start_data(open_one))
    assert "还没有成交" in alert(chat)
    await h.press(guide, start_data(999999))
    assert "找不到" in alert(chat) or "不存在" in alert(chat)
    for forged in ("aftersale:0", "aftersale:abc", "aftersale:", "aftersale:1:2", "aftersale:" + "9" * 30):
        await h.press(guide, forged)
        assert "按钮已过期" in alert(chat), forged


async def test_the_entry_button_in_english_and_after_care_ended(chat: Chat) -> None:
    registration_id = won(chat, GUIDE, "13800138000")
    guide = chat.user(GUIDE, language="en")
    assert start_button("en", registration_id).text == "🧾 After-sale"
    chat.clock.now += 400 * DAY
    await chat.harness.say(guide, "/help")
    await chat.harness.press(guide, start_data(registration_id))
    assert "After-sale care for this customer has ended" in alert(chat)
    await chat.harness.say(guide, "/aftersale")
    assert "no after-sale customers" in chat.fake.last_text(GUIDE)


async def test_a_problem_opened_during_care_can_be_solved_after_it_ended(chat: Chat) -> None:
    registration_id = won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/mine")
    await h.press(guide, start_data(registration_id))
    await h.press(guide, data_of(chat, GUIDE, "记录问题"))
    await h.say(guide, "柜门变形")
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    chat.clock.now += 400 * DAY
    await h.say(guide, "/aftersale")
    assert "解决问题" in chat.fake.last_text(GUIDE) and "已逾期" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    labels = [label for label, _ in chat.fake.buttons(GUIDE)]
    assert "✅ 问题已解决" in labels and "📞 联系客户" not in labels
    await h.press(guide, data_of(chat, GUIDE, "问题已解决"))
    await h.press(guide, data_of(chat, GUIDE, "跳过"))
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    assert "已记录「✅ 问题已解决」" in chat.fake.last_text(GUIDE)


async def test_the_entry_button_pressed_in_a_group_does_nothing(chat: Chat) -> None:
    registration_id = won(chat, GUIDE, "13800138000")
    update = chat.harness.factory.callback(
        chat.user(GUIDE), start_data(registration_id), message_id=1, chat_id=-100123
    )
    await chat.harness.send(update)
    assert not [m for m in chat.fake.sent_messages(-100123) if "张三" in str(m) or "8000" in str(m)]
    assert not [m for m in chat.fake.sent_messages(GUIDE) if "要记录什么" in str(m)]


async def test_what_changed_meanwhile_is_the_use_cases_to_refuse_at_the_confirmation(chat: Chat) -> None:
    services(chat)
    won(chat, GUIDE, "13800138000")
    guide, helper, h = chat.user(GUIDE), chat.user(SERVICE), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "满意度"))
    await h.say(guide, "5")
    await h.press(guide, data_of(chat, GUIDE, "跳过"))
    confirm = data_of(chat, GUIDE, "确认")
    await h.say(helper, "/aftersale")  # customer service rates the customer meanwhile
    await h.press(helper, data_of(chat, SERVICE, "张三"))
    await h.press(helper, data_of(chat, SERVICE, "满意度"))
    await h.say(helper, "4")
    await h.press(helper, data_of(chat, SERVICE, "跳过"))
    await h.press(helper, data_of(chat, SERVICE, "确认"))
    await h.press(guide, confirm)
    assert "满意度已经记录过了" in chat.fake.last_text(GUIDE)
    assert rows(chat, AftersaleCareRow)[0].satisfaction_score == 4


async def test_a_long_list_is_paged(chat: Chat) -> None:
    services(chat)
    for i in range(10):
        won(chat, GUIDE if i % 2 else 102, f"1380000{i:04d}", name=f"客户{i}")
        chat.clock.now -= 2 * DAY  # all deals on the same days
    helper, h = chat.user(SERVICE), chat.harness
    await h.say(helper, "/aftersale")
    assert "（10 位" in chat.fake.last_text(SERVICE) and "(1/2)" in chat.fake.last_text(SERVICE)
    assert sum("客户" in label for label, _ in chat.fake.buttons(SERVICE)) == 8
    await h.press(helper, data_of(chat, SERVICE, "下一页"))
    assert sum("客户" in label for label, _ in chat.fake.buttons(SERVICE)) == 2
    await h.press(helper, data_of(chat, SERVICE, "上一页"))
    await h.press(helper, data_of(chat, SERVICE, "客户"))
    assert "要记录什么" in chat.fake.last_text(SERVICE)
