"""The commands table: which commands exist, who is offered each, where it may be used (RULES §2:
groups get summaries and group commands only), and how a command is read. Handlers, the command
menus (set_my_commands), /start and /help, and the group allow-list are all derived from it.

The gate and the dialog switch read commands exactly as PTB's CommandHandler does — the
bot_command entity at offset 0, any case, an optional @botname that must be this bot's — so
no spelling reaches a private handler from a group."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Message, MessageEntity
from telegram.ext import CommandHandler

from bot.i18n.keys import Text
from domain.history import history_scope
from domain.model import Role, Staff

Offered = Callable[[Staff | None, bool], bool]  # (the person on the roster or None, is an admin)


def _files(staff: Staff | None, admin: bool) -> bool:
    return staff is not None and staff.may_file


def _has_quota(staff: Staff | None, admin: bool) -> bool:
    return staff is not None and staff.may_file and staff.has_quota


def _cares(staff: Staff | None, admin: bool) -> bool:
    """The holders of won registrations (the filing roles) and customer service (RULES §7)."""
    return staff is not None and staff.active and (staff.may_file or staff.has(Role.SERVICE))


def _looks_up(staff: Staff | None, admin: bool) -> bool:
    """Team managers (their team), ops managers and department heads (all teams): as the look-up
    itself decides (domain.history)."""
    return history_scope(staff) is not None


def _heads_department(staff: Staff | None, admin: bool) -> bool:
    return staff is not None and staff.has(Role.DEPT_HEAD)


def _admin(staff: Staff | None, admin: bool) -> bool:
    return admin


def _everyone(staff: Staff | None, admin: bool) -> bool:
    return True


@dataclass(frozen=True)
class Command:
    name: str
    description: Text  # in the command menu and in /start and /help
    example: Text  # one line under it in /start and /help: how it is used
    offered: Offered  # whose private menu and /help list it
    private: bool = True  # usable in a private chat
    group: bool = False  # usable in a group chat (the group allow-list)
    default_menu: bool = False  # in the menu of a private chat the bot knows nobody in (strangers)
    dialog: str | None = None  # the dialog it opens (ConversationHandler name), if any

    def handler(self, callback: Callable[..., Any]) -> CommandHandler[Any, Any]:
        return CommandHandler(self.name, callback)


NEW = Command("new", Text.cmd_new, Text.example_new, _files, dialog="filing")
FOLLOW = Command("follow", Text.cmd_follow, Text.example_follow, _files, dialog="follow_up")
MINE = Command("mine", Text.cmd_mine, Text.example_mine, _files)
AFTERSALE = Command("aftersale", Text.cmd_aftersale, Text.example_aftersale, _cares, dialog="aftersale")
# Field salespeople only (RULES §3.6, §4): store guides have no quota and nothing expires.
QUOTA = Command("quota", Text.cmd_quota, Text.example_quota, _has_quota)
EXTEND = Command("extend", Text.cmd_extend, Text.example_extend, _has_quota, dialog="extend")
HISTORY = Command("history", Text.cmd_history, Text.example_history, _looks_up, dialog="history")
EXPORT = Command("export", Text.cmd_export, Text.example_export, _looks_up)
ARBITRATE = Command(
    "arbitrate", Text.cmd_arbitrate, Text.example_arbitrate, _heads_department, dialog="arbitrate"
)
INVITE = Command("invite", Text.cmd_invite, Text.example_invite, _admin, dialog="invite")
CANCEL = Command("cancel", Text.cmd_cancel, Text.example_cancel, _everyone)
# What a stranger's menu holds: /start and /help, which tell them how to be let in.
HELP = Command("help", Text.cmd_help, Text.example_help, _everyone, group=True, default_menu=True)
START = Command("start", Text.cmd_start, Text.example_start, _everyone, default_menu=True)
BIND_TEAM = Command(
    "bindteam", Text.cmd_bindteam, Text.example_bindteam, _everyone, private=False, group=True
)
UNBIND_TEAM = Command(
    "unbindteam", Text.cmd_unbindteam, Text.example_unbindteam, _everyone, private=False, group=True
)

COMMANDS: tuple[Command, ...] = (
    *(NEW, FOLLOW, MINE, AFTERSALE, QUOTA, EXTEND, HISTORY, EXPORT, ARBITRATE, INVITE, CANCEL, HELP, START),
    *(BIND_TEAM, UNBIND_TEAM),
)

# Commands a group chat may use; every other command is private-only, wherever it is typed.
GROUP_COMMANDS = frozenset(c.name for c in COMMANDS if c.group)
# Callback data prefixes of buttons the bot puts in group chats (binding, the private workbook).
GROUP_BUTTONS = ("bind:", "wb:")
# Which dialog each opening command starts.
DIALOG_OF = {f"/{c.name}": c.dialog for c in COMMANDS if c.dialog}


def offered_to(staff: Staff | None, admin: bool) -> list[Command]:
    """The private commands this person may use, in the table's order."""
    return [c for c in COMMANDS if c.private and c.offered(staff, admin)]


def command_of(message: Message | None, bot_username: str | None) -> str | None:
    """The command this message gives this bot, lower case without '/' or '@bot'; None if it
    gives none (plain text, or a command addressed to another bot)."""
    if message is None or not message.text or not message.entities:
        return None
    entity = message.entities[0]
    if entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
        return None
    name, _, addressee = message.text[1 : entity.length].partition("@")
    if addressee and (bot_username is None or addressee.lower() != bot_username.lower()):
        return None
    return name.lower()


# A record id in callback data: positive and within a 64-bit integer, so a forged button with an
# absurd id falls to "this button has expired" instead of overflowing the database's integer.
ID = r"[1-9]\d{0,17}"


def parse_id(text: str | None) -> int | None:
    """A record id from callback data or a command argument; None for anything else."""
    return int(text) if text is not None and re.fullmatch(ID, text) else None


def is_group_button(data: str | None) -> bool:
    return data is not None and data.startswith(GROUP_BUTTONS)
