"""Issue 13: /help lists the commands this person may use, each with a one-line example; every
person's menu holds their commands only, kept current when their roles change; a chat the bot
knows nobody in shows /start and /help."""

from __future__ import annotations

import pytest

from domain.model import Role
from domain.roster import deactivate, enrol
from tests.bot.conftest import ADMIN_ID, Chat
from tests.bot.test_decisions import HEAD, add_head


def listed(text: str) -> list[str]:
    return [line.split()[0][1:] for line in text.splitlines() if line.startswith("/")]


def chat_menus(chat: Chat, chat_id: int) -> list[list[str]]:
    return [
        [c["command"] for c in call.params["commands"]]
        for call in chat.fake.calls_to("setMyCommands")
        if call.params["scope"] == {"type": "chat", "chat_id": chat_id}
    ]


@pytest.mark.parametrize(
    ("telegram_id", "offered", "not_offered"),
    [
        (
            101,
            ["new", "follow", "mine", "aftersale", "cancel", "help"],
            ["extend", "quota", "history", "arbitrate", "invite"],
        ),
        (
            201,
            ["new", "follow", "mine", "aftersale", "quota", "extend", "cancel", "help"],
            ["history", "arbitrate"],
        ),
        (301, ["history", "export", "cancel", "help"], ["new", "aftersale", "extend", "quota", "arbitrate"]),
        (HEAD, ["history", "export", "arbitrate", "cancel", "help"], ["new", "extend", "invite"]),
        (ADMIN_ID, ["invite", "cancel", "help"], ["new", "aftersale", "history", "arbitrate"]),
    ],
)
async def test_help_lists_this_persons_commands_each_with_an_example_and_so_does_their_menu(
    chat: Chat, telegram_id: int, offered: list[str], not_offered: list[str]
) -> None:
    add_head(chat)
    await chat.harness.say(chat.user(telegram_id), "/help")
    text = chat.fake.last_text(telegram_id)
    assert listed(text) == offered
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("/"):
            assert lines[i + 1].startswith("<i>例：")  # the example under each command
    # The menu is set at their first update, without /start: the same commands and /start.
    (menu,) = chat_menus(chat, telegram_id)
    assert menu == [*offered, "start"]
    assert not set(not_offered) & set(menu)


async def test_a_store_guide_sees_neither_extend_nor_quota_and_a_salesperson_sees_both(chat: Chat) -> None:
    await chat.harness.say(chat.user(101), "/start")
    await chat.harness.say(chat.user(201), "/start")
    (guide,), (sales,) = chat_menus(chat, 101), chat_menus(chat, 201)
    assert "extend" not in guide and "quota" not in guide
    assert "extend" in sales and "quota" in sales
    assert "/extend" not in chat.fake.last_text(101) and "/extend" in chat.fake.last_text(201)


async def test_help_examples_are_in_the_readers_language(chat: Chat) -> None:
    await chat.harness.say(chat.user(201, language="en"), "/help")
    text = chat.fake.last_text(201)
    assert "/extend Ask for an extension\n<i>e.g. the customer can be measured only next week" in text
    assert "例" not in text


async def test_the_menu_is_set_once_a_run_and_again_when_the_roles_change(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/mine")
    await chat.harness.say(guide, "/help")
    assert chat_menus(chat, 101) == [["new", "follow", "mine", "aftersale", "cancel", "help", "start"]]
    with chat.roster.writer() as uow:  # the admin makes her the store's manager too (CLI)
        enrol(
            uow,
            telegram_id=101,
            name="王芳",
            roles=frozenset({Role.GUIDE, Role.STORE_MANAGER}),
            team_name="朝阳店",
            region=None,
            now=chat.clock.now,
        )
    chat.harness.app.bot_data["services"].staff.forget(101)
    await chat.harness.say(guide, "/mine")
    assert chat_menus(chat, 101)[-1] == [
        "new",
        "follow",
        "mine",
        "aftersale",
        "history",
        "export",
        "cancel",
        "help",
        "start",
    ]


async def test_someone_deactivated_gets_the_strangers_menu_back(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/mine")
    with chat.roster.writer() as uow:
        deactivate(uow, telegram_id=101, now=chat.clock.now)
    chat.harness.app.bot_data["services"].staff.forget(101)
    await chat.harness.say(guide, "/mine")
    assert "只供本公司销售人员使用" in chat.fake.last_text(101)
    (dropped,) = chat.fake.calls_to("deleteMyCommands")
    assert dropped.params["scope"] == {"type": "chat", "chat_id": 101}


async def test_a_stranger_is_shown_start_and_help_only(chat: Chat) -> None:
    defaults = [
        [c["command"] for c in call.params["commands"]]
        for call in chat.fake.calls_to("setMyCommands")
        if call.params["scope"]["type"] == "all_private_chats"
    ]
    assert defaults and all(menu == ["help", "start"] for menu in defaults)
    await chat.harness.say(chat.user(555), "/help")
    assert chat_menus(chat, 555) == []  # nobody's menu is set for a stranger


async def test_group_help_lists_the_group_commands_with_examples(chat: Chat) -> None:
    manager = chat.user(301)
    await chat.harness.send(chat.harness.factory.group_message(manager, "/help", chat_id=-100500))
    text = chat.fake.last_text(-100500)
    assert listed(text) == ["help", "bindteam", "unbindteam"]
    assert "<i>例：在群里发送 /bindteam" in text
