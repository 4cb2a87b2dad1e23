"""What each person is shown of the commands table: the command menus Telegram keeps (scoped to a
chat or to all private or group chats, in each language) and the lines of /start and /help.

A private chat the bot knows nobody in shows /start and /help only. A person's own menu is set
when they open an invitation, and kept current by the roster gate: their first update in this run,
and the first after their roles, team or language changed (an admin in the command line), sets it
again; someone found deactivated gets the strangers' menu back."""

from __future__ import annotations

import logging
import weakref

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
    """Each command with what it does, and a line under it with an example of its use."""
    return "\n".join(
        f"/{c.name} {t(language, c.description)}\n"
        + raw(language, Text.help_example, example=t(language, c.example))
        for c in commands
    )


def private_help(language: str, staff: Staff | None, admin: bool) -> str:
    """What this person can do here (/start, /help): their commands, or why they have none."""
    if not any(c.offered(staff, admin) and not c.offered(None, False) for c in COMMANDS):
        return t(language, Text.menu_none)  # nothing beyond what everyone has: no role or team yet
    return help_lines(language, [c for c in offered_to(staff, admin) if c is not START])


def group_help(language: str) -> str:
    lines = help_lines(language, [c for c in COMMANDS if c.group])
    return f"{t(language, Text.help_group)}\n{lines}\n{t(language, Text.help_group_private)}"


async def _set(bot: Bot, commands: list[BotCommand], scope: BotCommandScope, language: str | None) -> bool:
    try:
        await bot.set_my_commands(commands, scope=scope, language_code=language)
    except TelegramError as exc:  # the menu is a convenience; the commands work without it
        log.warning("could not set a command menu (%s): %s", scope.type, exc)
        return False
    return True


async def set_default_menus(bot: Bot, default_language: str) -> None:
    """Every private chat's and every group's menu, in each language (the default one unmarked)."""
    for language in LANGUAGES:
        code = None if language == default_language else language
        private = [c for c in COMMANDS if c.private and c.default_menu]
        await _set(bot, _menu(language, private), BotCommandScopeAllPrivateChats(), code)
        await _set(
            bot, _menu(language, [c for c in COMMANDS if c.group]), BotCommandScopeAllGroupChats(), code
        )


# The private menu last set for each person, per bot (by identity: bots of one token compare
# equal), in this run; never stored: after a restart each person's first update sets theirs again.
_SET: dict[int, dict[int, tuple[str, tuple[str, ...]]]] = {}


def _shown(bot: Bot) -> dict[int, tuple[str, tuple[str, ...]]]:
    key = id(bot)
    if key not in _SET:
        _SET[key] = {}
        weakref.finalize(bot, _SET.pop, key, None)
    return _SET[key]


async def set_menu_for(bot: Bot, chat_id: int, staff: Staff | None, admin: bool, language: str) -> None:
    """One person's private menu: the commands their roles offer, unless it is already set."""
    offered = offered_to(staff, admin)
    wanted = (language, tuple(c.name for c in offered))
    shown = _shown(bot)
    if shown.get(chat_id) != wanted and await _set(
        bot, _menu(language, offered), BotCommandScopeChat(chat_id), None
    ):
        shown[chat_id] = wanted


async def drop_menu_of(bot: Bot, chat_id: int) -> None:
    """Someone no longer on the roster: their chat shows the strangers' menu again."""
    _shown(bot).pop(chat_id, None)
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not drop a command menu (chat): %s", exc)
