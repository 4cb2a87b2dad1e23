"""The after-sale dialog's birthday step (客户关怀): typed as 3-15, 3月15日 or 1990-03-15; garbage
and impossible days (2-30) get a hint saying what is wrong and record nothing; in Chinese and
English."""

from __future__ import annotations

from storage.tables import AftersaleCareRow
from tests.bot.conftest import Chat
from tests.bot.test_aftersale_dialog import GUIDE, rows, won
from tests.bot.test_filing_dialog import data_of


async def test_the_birthday_step_with_garbage_then_a_date(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "生日"))
    assert "客户的生日是哪天" in chat.fake.last_text(GUIDE)
    for garbage, hint in (
        ("2-30", "没有这一天"),
        ("下周二", "没看懂"),
        ("13-01", "没有这一天"),
        ("2999-1-1", "出生年份"),
    ):
        await h.say(guide, garbage)
        assert hint in chat.fake.last_text(GUIDE), garbage
    await h.say(guide, "3月15日")
    summary = chat.fake.last_text(GUIDE)
    assert "请确认" in summary and "生日：03-15" in summary
    assert [c.birth_month for c in rows(chat, AftersaleCareRow)] == [None]  # nothing before the confirmation
    await h.press(guide, data_of(chat, GUIDE, "确认"))
    assert "已记录「🎂 生日」：张三" in chat.fake.last_text(GUIDE)
    (care,) = rows(chat, AftersaleCareRow)
    assert (care.birth_month, care.birth_day, care.birth_year) == (3, 15, None)


async def test_the_birthday_step_in_english_with_a_year(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide, h = chat.user(GUIDE, language="en"), chat.harness
    await h.say(guide, "/aftersale")
    await h.press(guide, data_of(chat, GUIDE, "张三"))
    await h.press(guide, data_of(chat, GUIDE, "Birthday"))
    assert "When is the customer's birthday?" in chat.fake.last_text(GUIDE)
    await h.say(guide, "2-30")
    assert "There is no such day" in chat.fake.last_text(GUIDE)
    await h.say(guide, "1990-03-15")
    assert "Birthday: 1990-03-15" in chat.fake.last_text(GUIDE)
    await h.press(guide, data_of(chat, GUIDE, "Confirm"))
    (care,) = rows(chat, AftersaleCareRow)
    assert (care.birth_month, care.birth_day, care.birth_year) == (3, 15, 1990)
