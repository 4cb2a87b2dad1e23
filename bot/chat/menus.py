"""What each person is shown of the commands table: the command menus Telegram keeps (scoped to a
chat or to all private or group chats, in each language) and the lines of /start and /help."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.chat.commands import COMMANDS, START, Command, offered_to
from bot.i18n.keys import Text
from bot.i18n.texts import LANGUAGES, raw, t
from domain.model import Staff

log = logging.getLogger(__name__)


def _menu(language: str, commands: list[Command]) -> list[BotCommand]:
    return [BotCommand(c.name, raw(language, c.description)) for c in commands]


def help_lines(language: str, commands: list[Command]) -> str:
    return "\n".join(f"/{c.name} {t(language, c.description)}" for c in commands)


def private_help(language: str, staff: Staff | None, admin: bool) -> str:
    """What this person can do here (/start, /help): their commands, or why they have none."""
    if not any(c.offered(staff, admin) and not c.offered(None, False) for c in COMMANDS):
        return t(language, Text.menu_none)  # nothing beyond what everyone has: no role or team yet
    return help_lines(language, [c for c in offered_to(staff, admin) if c is not START])


def group_help(language: str) -> str:
    lines = help_lines(language, [c for c in COMMANDS if c.group])
    return f"{t(language, Text.help_group)}\n{lines}\n{t(language, Text.help_group_private)}"


async def _set(bot: Bot, commands: list[BotCommand], scope: BotCommandScope, language: str | None) -> None:
    try:
        await bot.set_my_commands(commands, scope=scope, language_code=language)
    except TelegramError as exc:  # the menu is a convenience; the commands work without it
        log.warning("could not set a command menu (%s): %s", scope.type, exc)


async def set_default_menus(bot: Bot, default_language: str) -> None:
    """Every private chat's and every group's menu, in each language (the default one unmarked)."""
    for language in LANGUAGES:
        code = None if language == default_language else language
        private = [c for c in COMMANDS if c.private and c.default_menu]
        await _set(bot, _menu(language, private), BotCommandScopeAllPrivateChats(), code)
        await _set(
            bot, _menu(language, [c for c in COMMANDS if c.group]), BotCommandScopeAllGroupChats(), code
        )


async def set_menu_for(bot: Bot, chat_id: int, staff: Staff | None, admin: bool, language: str) -> None:
    """One person's private menu: the commands their roles offer."""
    await _set(bot, _menu(language, offered_to(staff, admin)), BotCommandScopeChat(chat_id), None)
