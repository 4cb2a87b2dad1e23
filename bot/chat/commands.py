"""Which commands and buttons exist where, and how a command is read (RULES §2: groups get
summaries and group commands only).

The gate and the dialog switch read commands exactly as PTB's CommandHandler does — the
bot_command entity at offset 0, any case, an optional @botname that must be this bot's — so
no spelling reaches a private handler from a group."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity

# Commands a group chat may use; every other command is private-only, wherever it is typed.
GROUP_COMMANDS = frozenset({"bindteam", "unbindteam", "help"})
# Callback data prefixes of buttons the bot puts in group chats (binding, the private workbook).
GROUP_BUTTONS = ("bind:", "wb:")


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
