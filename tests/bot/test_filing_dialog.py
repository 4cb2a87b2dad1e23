"""/new as a person uses it: real Update JSON through the real Application and a fake Bot API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storage.tables import FilingAttemptRow, RegistrationRow
from tests.bot.conftest import Chat

ADDRESS = "北京市朝阳区建国路88号3栋1201"


def count(chat: Chat, table) -> int:
    with chat.roster.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def data_of(chat: Chat, chat_id: int, label_part: str) -> str:
    for text, data in chat.fake.buttons(chat_id):
        if label_part in text:
            assert data is not None
            return data
    raise AssertionError(f"no button with {label_part!r}: {chat.fake.buttons(chat_id)}")


async def fill(
    chat: Chat,
    user,
    *,
    name="张三",
    phone="138 0013 8000",
    address=ADDRESS,
    needs="1.8米床垫",
    purchase="一个月内",
    obtained="刚刚",
):
    h = chat.harness
    await h.say(user, "/new")
    await h.say(user, name)
    await h.say(user, phone)
    await h.say(user, address)
    if needs is None:
        await h.press(user, data_of(chat, user.id, "跳过"))
    else:
        await h.say(user, needs)
    await h.press(user, data_of(chat, user.id, purchase))
    await h.press(user, data_of(chat, user.id, obtained))


async def test_happy_path_files_and_names_the_first_follow_up(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide)
    summary = chat.fake.last_text(guide.id)
    assert "张三" in summary and "138 0013 8000" in summary and ADDRESS in summary and "1.8米床垫" in summary
    await chat.harness.press(guide, data_of(chat, guide.id, "确认"))
    verdict = chat.fake.last_text(guide.id)
    assert "报备成功" in verdict
    assert "11月13日（周五）10:00" in verdict  # T0 is Tue 10 Nov 10:00 in Shanghai; +3 days
    assert count(chat, RegistrationRow) == 1


async def test_every_step_shows_its_number(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide)
    texts = "\n".join(chat.fake.texts(guide.id))
    for step in ("1/6", "2/6", "3/6", "4/6", "5/6", "6/6"):
        assert step in texts


async def test_english_speaker_gets_english_throughout(chat: Chat) -> None:
    guide = chat.user(101, language="en")
    h = chat.harness
    await h.say(guide, "/new")
    assert "Customer's name" in chat.fake.last_text(guide.id)
    await h.say(guide, "Zhang San")
    await h.say(guide, "12345")
    assert "Too few digits: you typed 5" in chat.fake.last_text(guide.id)
    await h.say(guide, "13800138000")
    await h.say(guide, ADDRESS)
    await h.press(guide, data_of(chat, guide.id, "Skip"))
    await h.press(guide, data_of(chat, guide.id, "Within a week"))
    await h.press(guide, data_of(chat, guide.id, "Just now"))
    await h.press(guide, data_of(chat, guide.id, "Confirm"))
    verdict = chat.fake.last_text(guide.id)
    assert "Filed!" in verdict and "Follow up by Fri 13 Nov 10:00" in verdict
    # No Chinese word in an English reply, apart from the customer's own address.
    for text in chat.fake.texts(guide.id):
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text.replace(ADDRESS, "")), text


# --- bad input at every step: a specific hint, the same question, nothing stored ---------------


@pytest.mark.parametrize(
    ("garbage", "hint"),
    [
        ("😀😀😀", "不像姓名"),
        ("长" * 5000, "姓名太长"),
        ("   ", "不像姓名"),  # Telegram strips it to nothing but PTB may still deliver spaces
    ],
)
async def test_garbage_name_is_asked_again(chat: Chat, garbage: str, hint: str) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/new")
    await chat.harness.say(guide, garbage)
    reply = chat.fake.last_text(guide.id)
    assert hint in reply or "请输入客户姓名" in reply
    assert len(reply) < 200  # the 5,000 characters are not echoed back
    await chat.harness.say(guide, "张三")
    assert "2/6" in chat.fake.last_text(guide.id)


@pytest.mark.parametrize(
    ("garbage", "hint"),
    [
        ("1380013800", "你输入了 10 位"),
        ("138001380001", "你输入了 12 位"),
        ("call me", "只能包含数字"),
        ("12345678901", "不是有效的电话号码"),
        ("'; DROP TABLE customer;--", "只能包含数字"),
        ("9" * 5000, "只能包含数字"),
    ],
)
async def test_garbage_phone_is_asked_again_with_a_specific_hint(chat: Chat, garbage: str, hint: str) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/new")
    await chat.harness.say(guide, "张三")
    await chat.harness.say(guide, garbage)
    assert hint in chat.fake.last_text(guide.id) or (
        "位数太多" in chat.fake.last_text(guide.id) and garbage.startswith("9")
    )
    await chat.harness.say(guide, "13800138000")
    assert "3/6" in chat.fake.last_text(guide.id)


@pytest.mark.parametrize(
    ("garbage", "hint"),
    [
        ("", "太简略"),
        ("北", "太简略"),
        ("北京市朝阳区", "太简略"),
        ("广东省深圳市南山区", "只写了省/市/区"),
        ("路" * 5000, "太长"),
    ],
)
async def test_garbage_address_is_asked_again(chat: Chat, garbage: str, hint: str) -> None:
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    await h.say(guide, "张三")
    await h.say(guide, "13800138000")
    await h.say(guide, garbage or " ")
    assert hint in chat.fake.last_text(guide.id)
    await h.say(guide, ADDRESS)
    assert "4/6" in chat.fake.last_text(guide.id)


async def test_sticker_and_typing_where_buttons_are_expected(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    sticker = h.factory.message(guide, "")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {
        "file_id": "x",
        "file_unique_id": "y",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    await h.send(sticker)
    assert "1/6" in chat.fake.last_text(guide.id)
    await h.say(guide, "张三")
    await h.say(guide, "13800138000")
    await h.say(guide, ADDRESS)
    await h.say(guide, "沙发")
    await h.say(guide, "下个月吧")  # a button is expected here
    assert "请用下面的按钮选择" in chat.fake.texts(guide.id)[-2]
    assert "5/6" in chat.fake.last_text(guide.id)
    await h.press(guide, data_of(chat, guide.id, "一周内"))
    assert "6/6" in chat.fake.last_text(guide.id)
    assert count(chat, RegistrationRow) == 0 and count(chat, FilingAttemptRow) == 0


async def test_html_in_a_name_is_echoed_escaped(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide, name="<b>&王</b>")
    summary = chat.fake.last_text(guide.id)
    assert "&lt;b&gt;&amp;王&lt;/b&gt;" in summary and "<b>&王" not in summary
    await chat.harness.press(guide, data_of(chat, guide.id, "确认"))
    assert "&lt;b&gt;&amp;王&lt;/b&gt;" in chat.fake.last_text(guide.id)


async def test_phone_from_a_shared_contact(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    await h.say(guide, "张三")
    assert any(text == "📇 从通讯录选择" for text, _ in chat.fake.buttons(guide.id))
    await h.share_contact(guide, "+86 139 0013 9000", own=False)
    assert "3/6" in chat.fake.last_text(guide.id)
    await h.say(guide, ADDRESS)
    await h.say(guide, "床垫")
    await h.press(guide, data_of(chat, guide.id, "不确定"))
    await h.press(guide, data_of(chat, guide.id, "刚刚"))
    assert "139 0013 9000" in chat.fake.last_text(guide.id)


# --- summary: edit, cancel, stale buttons -----------------------------------------------------


async def test_edit_one_field_keeps_the_others(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await fill(chat, guide)
    await h.press(guide, data_of(chat, guide.id, "修改"))
    await h.press(guide, data_of(chat, guide.id, "电话"))
    assert "2/6" in chat.fake.last_text(guide.id)
    await h.say(guide, "139-0013-9000")
    summary = chat.fake.last_text(guide.id)
    assert "139 0013 9000" in summary and "张三" in summary and ADDRESS in summary and "1.8米床垫" in summary
    await h.press(guide, data_of(chat, guide.id, "修改"))
    await h.press(guide, data_of(chat, guide.id, "返回"))
    await h.press(guide, data_of(chat, guide.id, "确认"))
    assert "报备成功" in chat.fake.last_text(guide.id) and "139 0013 9000" in chat.fake.last_text(guide.id)


async def test_cancel_button_and_command_file_nothing(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide)
    await chat.harness.press(guide, data_of(chat, guide.id, "取消"))
    assert "已取消" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "/new")
    await chat.harness.say(guide, "张三")
    await chat.harness.say(guide, "/cancel")
    assert "已取消" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "13800138000")  # no dialog any more
    assert "没有进行中的操作" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "/cancel")
    assert "当前没有进行中的操作" in chat.fake.last_text(guide.id)
    assert count(chat, RegistrationRow) == 0 and count(chat, FilingAttemptRow) == 0


async def test_button_from_an_old_dialog_is_refused(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await fill(chat, guide)
    old_confirm = data_of(chat, guide.id, "确认")
    old_message = chat.fake.last_bot_message_id(guide.id)
    await h.press(guide, data_of(chat, guide.id, "取消"))
    await fill(chat, guide, name="李四", phone="13900139000")
    await h.press(guide, old_confirm, message_id=old_message)
    answer = chat.fake.calls_to("answerCallbackQuery")[-1].params
    assert "按钮已过期" in answer["text"]
    assert count(chat, RegistrationRow) == 0
    await h.press(guide, data_of(chat, guide.id, "确认"))  # the live dialog still works
    assert "李四" in chat.fake.last_text(guide.id)


async def test_pressing_confirm_twice_files_once(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide)
    confirm = data_of(chat, guide.id, "确认")
    await chat.harness.press(guide, confirm)
    await chat.harness.press(guide, confirm)
    assert count(chat, RegistrationRow) == 1 and count(chat, FilingAttemptRow) == 1
    assert "按钮已过期" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]


async def test_unknown_button_data(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.press(guide, "garbage:data:<b>", message_id=77)
    assert "按钮已过期" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]


# --- who may file ---------------------------------------------------------------------------------


async def test_stranger_gets_a_polite_refusal_and_nothing_else(chat: Chat) -> None:
    stranger = chat.user(555)
    for text in ("/start", "/new", "/mine", "/quota", "13800138000", "/invite"):
        await chat.harness.say(stranger, text)
        assert "只供本公司销售人员使用" in chat.fake.last_text(stranger.id)
    await chat.harness.press(stranger, "new:abcdef:confirm", message_id=5)
    assert "只供本公司销售人员使用" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    assert count(chat, FilingAttemptRow) == 0


async def test_deactivated_person_loses_access_at_once_even_mid_dialog(chat: Chat) -> None:
    from domain.roster import deactivate

    guide = chat.user(101)
    await fill(chat, guide)
    with chat.roster.writer() as uow:
        deactivate(uow, telegram_id=101, now=chat.clock.now)
    await chat.harness.press(guide, data_of(chat, guide.id, "确认"))
    assert "只供本公司销售人员使用" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    await chat.harness.say(guide, "/mine")
    assert "只供本公司销售人员使用" in chat.fake.last_text(guide.id)
    assert count(chat, RegistrationRow) == 0


async def test_managers_cannot_file(chat: Chat) -> None:
    manager = chat.user(301)
    await chat.harness.say(manager, "/new")
    assert "只有导购和业务员可以报备" in chat.fake.last_text(manager.id)


async def test_new_in_a_group_is_refused_without_asking_anything(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.send(chat.harness.factory.group_message(guide, "/new"))
    assert "私聊" in chat.fake.sent_messages()[-1]["text"]
    for command in ("/mine", "/quota", "/follow", "/history 13800138000", "/invite"):
        await chat.harness.send(chat.harness.factory.group_message(guide, command))
        assert "私聊" in chat.fake.sent_messages()[-1]["text"], command


# --- issue 10 item 7: times typed at "when was the information obtained" ----------------------------


def obtained_at(chat: Chat) -> str:
    with chat.roster.engine.connect() as conn:
        stored = conn.execute(sa.select(RegistrationRow.obtained_at)).scalar_one()
    return stored.strftime("%Y-%m-%d %H:%M")  # UTC


async def test_tomorrows_date_is_refused_and_asked_again_then_files(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await fill(chat, guide, obtained="更早")  # T0 is Tue 10 Nov 10:00 in Shanghai
    for typed in ("11-11 9:00", "2026-11-11 9:00", "11-10 15:00", "11-10"):  # tomorrow; today, still to come
        await h.say(guide, typed)
        assert "获得信息的时间不能晚于现在" in chat.fake.texts(guide.id)[-2], typed
        assert "哪天几点拿到的" in chat.fake.last_text(guide.id)
    await h.say(guide, "11-9 15:00")
    summary = chat.fake.last_text(guide.id)
    assert "请核对" in summary and "11月9日（周一）15:00" in summary
    await h.press(guide, data_of(chat, guide.id, "确认"))
    assert "报备成功" in chat.fake.last_text(guide.id)
    assert obtained_at(chat) == "2026-11-09 07:00"


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("0001-01-01 00:00", "离今天太远"),
        ("9999-12-31 23:59", "离今天太远"),
        ("2026-02-30 10:00", "没看懂"),
        ("13-01 10:00", "没看懂"),
        ("11-09 99:00", "没看懂"),
        ("99999999999999999999", "没看懂"),
    ],
)
async def test_absurd_dates_get_a_hint_and_the_dialog_goes_on(chat: Chat, typed: str, hint: str) -> None:
    guide = chat.user(101)
    await fill(chat, guide, obtained="更早")
    await chat.harness.say(guide, typed)
    assert hint in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "11-10 8:00")
    await chat.harness.press(guide, data_of(chat, guide.id, "确认"))
    assert "报备成功" in chat.fake.last_text(guide.id)


async def test_earlier_today_asks_the_time_and_refuses_one_still_to_come(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await fill(chat, guide, obtained="今天早些时候")
    assert "今天几点拿到的" in chat.fake.last_text(guide.id)
    hours = [text for text, _ in chat.fake.buttons(guide.id)]
    assert hours[0] == "0:00" and hours[-1] == "10:00"  # up to the current hour, no later
    await h.say(guide, "11:30")
    assert "获得信息的时间不能晚于现在" in chat.fake.texts(guide.id)[-2]
    assert "今天几点拿到的" in chat.fake.last_text(guide.id)
    await h.say(guide, "25:00")
    assert "没看懂这个时间" in chat.fake.texts(guide.id)[-2]
    await h.press(guide, data_of(chat, guide.id, "8:00"))
    assert "11月10日（周二）08:00" in chat.fake.last_text(guide.id)
    await h.press(guide, data_of(chat, guide.id, "确认"))
    assert "报备成功" in chat.fake.last_text(guide.id)
    assert obtained_at(chat) == "2026-11-10 00:00"  # 08:00 in Shanghai, not local midnight


async def test_earlier_today_takes_a_typed_time(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide, obtained="今天早些时候")
    await chat.harness.say(guide, "9点15")
    await chat.harness.press(guide, data_of(chat, guide.id, "确认"))
    assert obtained_at(chat) == "2026-11-10 01:15"


# --- issue 10 items 5 and 13: needs capped; a phone is not an address --------------------------------


async def test_a_phone_typed_as_the_address_is_refused_with_its_hint(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    await h.say(guide, "张三")
    await h.say(guide, "13800138000")
    for typed in ("13800138000", "+86 138 0013 8000", "010-12345678 转 8"):
        await h.say(guide, typed)
        assert "这是电话号码，不是地址" in chat.fake.last_text(guide.id)
    await h.say(guide, ADDRESS)
    assert "4/6" in chat.fake.last_text(guide.id)


async def test_5000_characters_of_needs_are_asked_again(chat: Chat) -> None:
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    await h.say(guide, "张三")
    await h.say(guide, "13800138000")
    await h.say(guide, ADDRESS)
    await h.say(guide, "床" * 5000)
    hint = chat.fake.last_text(guide.id)
    assert "最多 500 个字" in hint and len(hint) < 200
    await h.say(guide, "1.8米床垫")
    assert "5/6" in chat.fake.last_text(guide.id)
    assert count(chat, RegistrationRow) == 0
