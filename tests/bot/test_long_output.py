"""Long output: every message fits Telegram's limits; long lists page with buttons (issue 10 item 5)."""

from __future__ import annotations

from bot.runtime.outgoing import CAPTION_LIMIT, MESSAGE_LIMIT
from domain.filing import Accepted, FilingRequest, file_registration
from domain.rules import Rules
from tests.bot.conftest import Chat
from tests.unit.test_outgoing import units, visible


async def test_the_bot_fits_every_message_and_caption(chat: Chat) -> None:
    bot = chat.harness.app.bot
    await bot.send_message(101, "长" * 9000)
    await bot.send_message(101, "<b>" + "x" * 9000 + "</b>")
    sent = chat.fake.calls_to("sendMessage")[-2:]
    assert all(units(visible(c.params["text"])) <= MESSAGE_LIMIT for c in sent)
    assert sent[1].params["text"].endswith("…</b>")
    await bot.send_document(101, b"data", filename="a.txt", caption="说明" * 1000)
    assert units(chat.fake.calls_to("sendDocument")[-1].params["caption"]) <= CAPTION_LIMIT


async def test_mine_pages_through_many_registrations_with_buttons(chat: Chat) -> None:
    for n in range(25):
        request = FilingRequest(
            101, "客户" + "名" * 35 + str(n), f"1380013{n:04d}", f"北京市朝阳区建国路{n}号" + "院" * 150
        )
        assert isinstance(file_registration(chat.roster.writer, request, chat.clock.now, Rules()), Accepted)
    guide = chat.user(101)
    await chat.harness.say(guide, "/mine")
    first = chat.fake.last_text(101)
    assert "（25 个）" in first and "第 1/3 页" in first and units(first) <= MESSAGE_LIMIT
    buttons = chat.fake.buttons(101)
    follow = [data for _, data in buttons if data and data.startswith("fu:go:")]
    assert len(follow) == 10 and len(set(follow)) == 10
    (next_page,) = [data for text, data in buttons if "下一页" in text]
    await chat.harness.press(guide, next_page)
    second = chat.fake.last_text(101)
    assert "第 2/3 页" in second and "11." in second and "1. " not in second.split("\n")[1][:3]
    assert any("上一页" in text for text, _ in chat.fake.buttons(101))
    await chat.harness.press(guide, "mine:p:99")  # a forged page: the last one
    assert "第 3/3 页" in chat.fake.last_text(101)
    assert not chat.harness.errors


async def test_every_text_to_a_group_has_its_phones_masked(chat: Chat) -> None:
    """Issue 10 item 2: whatever view renders for a group, a phone typed into it is masked."""
    bot = chat.harness.app.bot
    await bot.send_message(-100123, "团队 朝阳店 138.0013.8000 / (010) 1234-5678 联系")
    await bot.send_document(-100123, b"x", filename="a.txt", caption="电话 +86 (138) 0013 8000")
    await bot.send_message(101, "你的客户 13800138000")  # a person's own private chat: as written
    group_text = chat.fake.calls_to("sendMessage")[-2].params["text"]
    assert "0013.8000" not in group_text and "1234-5678" not in group_text and "138****8000" in group_text
    assert "0013 8000" not in chat.fake.calls_to("sendDocument")[-1].params["caption"]
    assert "13800138000" in chat.fake.calls_to("sendMessage")[-1].params["text"]
