"""Issue 13: a stranger is told their numeric Telegram id to give to the admin — in the refusal the
inbound guard sends (still once per LEADBOT_STRANGER_REFUSAL_MINUTES) and in the roster gate's."""

from __future__ import annotations

from domain.roster import deactivate
from tests.bot.conftest import Chat
from tests.bot.test_inbound_guard import REFUSAL, _arrive, _ticks


async def test_a_stranger_is_told_their_id_once_per_refusal_period_in_their_language(chat: Chat) -> None:
    ticks = _ticks(chat)
    stranger, english = chat.user(987654321), chat.user(987654322, language="en")
    await _arrive(chat, chat.harness.factory.message(stranger, "你好"))
    await _arrive(chat, chat.harness.factory.message(english, "hello"))
    (zh,), (en,) = chat.fake.texts(987654321), chat.fake.texts(987654322)
    assert REFUSAL in zh and "<code>987654321</code>" in zh and "管理员" in zh
    assert "Telegram" not in zh
    assert "numeric Telegram id is <code>987654322</code>" in en
    ticks.now += 60  # within the refusal period: nothing more
    await _arrive(chat, chat.harness.factory.message(stranger, "/start"))
    assert len(chat.fake.texts(987654321)) == 1
    ticks.now += 5 * 60
    await _arrive(chat, chat.harness.factory.message(stranger, "/help"))
    assert len(chat.fake.texts(987654321)) == 2 and "<code>987654321</code>" in chat.fake.last_text(987654321)


async def test_someone_deactivated_meanwhile_is_told_their_id_by_the_roster_gate(chat: Chat) -> None:
    await chat.harness.say(chat.user(101), "/mine")
    with chat.roster.writer() as uow:
        deactivate(uow, telegram_id=101, now=chat.clock.now)
    chat.harness.app.bot_data["services"].staff.forget(101)
    await chat.harness.say(chat.user(101), "/new")
    assert REFUSAL in chat.fake.last_text(101) and "<code>101</code>" in chat.fake.last_text(101)


async def test_a_strangers_button_alert_stays_within_telegrams_200_characters(chat: Chat) -> None:
    await chat.harness.press(chat.user(555, language="en"), "new:abcdef:confirm", message_id=5)
    text = chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    assert "sales staff only" in text and len(text) <= 200
