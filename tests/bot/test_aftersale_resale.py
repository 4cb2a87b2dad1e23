"""The after-sale dialog's 🛒 New purchase (RULES §7, repeat purchase), the whole dialog through the
real Application, in Chinese and English: confirmed, a new registration held by the holder, linked
to the won one; customer service refused; pressed twice, the customer is open already."""

from __future__ import annotations

import sqlalchemy as sa

from domain.model import Role
from storage.tables import RegistrationRow
from tests.bot.conftest import Chat
from tests.bot.test_aftersale_dialog import SERVICE, won
from tests.bot.test_filing_dialog import data_of
from tests.bot.test_stale_buttons import enrol_as

GUIDE = 101


def resales(chat: Chat) -> list[tuple[int, int | None]]:
    with chat.roster.engine.connect() as conn:
        query = sa.select(RegistrationRow.holder_id, RegistrationRow.resale_of_id).where(
            RegistrationRow.resale_of_id.is_not(None)  # type: ignore[union-attr]
        )
        return [tuple(r) for r in conn.execute(query)]


async def new_purchase(chat: Chat, user, label: str, pick: str = "张三") -> str:
    h = chat.harness
    await h.say(user, "/aftersale")
    await h.press(user, data_of(chat, user.id, pick))
    await h.press(user, data_of(chat, user.id, label))
    return chat.fake.last_text(user.id)


async def test_the_holder_opens_a_new_purchase_in_chinese(chat: Chat) -> None:
    registration_id = won(chat, GUIDE, "13800138000")
    guide = chat.user(GUIDE)
    summary = await new_purchase(chat, guide, "再次购买")
    assert "请确认" in summary and "张三" in summary and "再次购买" in summary
    assert resales(chat) == []  # nothing before the confirmation
    await chat.harness.press(guide, data_of(chat, GUIDE, "确认"))
    reply = chat.fake.last_text(GUIDE)
    assert "已为张三开立新的报备（再次购买），报备人：王芳" in reply
    assert resales(chat) == [(chat.roster.guide.id, registration_id)]
    # Pressed again: the customer has a valid registration now.
    await new_purchase(chat, guide, "再次购买")
    await chat.harness.press(guide, data_of(chat, GUIDE, "确认"))
    assert "已有一条有效的报备" in chat.fake.last_text(GUIDE)
    assert len(resales(chat)) == 1
    # The new registration is among the holder's open ones.
    await chat.harness.say(guide, "/mine")
    assert "张三" in chat.fake.last_text(GUIDE)


async def test_the_holder_opens_a_new_purchase_in_english_and_cancel_opens_nothing(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    guide = chat.user(GUIDE, language="en")
    await new_purchase(chat, guide, "New purchase")
    await chat.harness.press(guide, data_of(chat, GUIDE, "Cancel"))
    assert resales(chat) == []
    await new_purchase(chat, guide, "New purchase")
    await chat.harness.press(guide, data_of(chat, GUIDE, "Confirm"))
    assert "A new registration is open for 张三 (new purchase), held by 王芳" in chat.fake.last_text(GUIDE)
    assert len(resales(chat)) == 1


async def test_customer_service_is_refused(chat: Chat) -> None:
    won(chat, GUIDE, "13800138000")
    enrol_as(chat, SERVICE, "周客服", Role.SERVICE, "朝阳店")
    service = chat.user(SERVICE)
    await new_purchase(chat, service, "再次购买")
    await chat.harness.press(service, data_of(chat, SERVICE, "确认"))
    assert "只有这位客户的报备人可以开立再次购买" in chat.fake.last_text(SERVICE)
    assert resales(chat) == []
