"""/new as a person uses it: real Update JSON through the real Application and a fake Bot API."""

from __future__ import annotations

from datetime import timedelta

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


async def fill(chat: Chat, user, *, name="张三", phone="138 0013 8000", address=ADDRESS, needs="1.8米床垫", purchase="一个月内", obtained="刚刚"):
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
    assert "张三" in summary and "13800138000" in summary and ADDRESS in summary and "1.8米床垫" in summary
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
