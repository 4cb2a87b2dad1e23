"""The command menu each person sees: scoped to their chat, in their language, by their roles."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.i18n.texts import raw
from domain.model import TEAM_MANAGER_ROLES, Role, Staff

log = logging.getLogger(__name__)


def commands_for(staff: Staff | None, admin: bool) -> list[str]:
    names: list[str] = []
    if staff is not None and staff.may_file:
        names += ["new", "follow", "mine"]
        if staff.has_quota:
            names += ["quota", "extend"]
    if staff is not None and staff.roles & (TEAM_MANAGER_ROLES | {Role.DEPT_HEAD, Role.OPS_MANAGER}):
        names += ["history", "export"]
    if staff is not None and staff.has(Role.DEPT_HEAD):
        names.append("arbitrate")
    if admin:
        names.append("invite")
    return names + ["cancel", "help", "start"]


async def set_menu_for(bot: Bot, chat_id: int, staff: Staff | None, admin: bool, language: str) -> None:
    commands = [BotCommand(name, raw(language, f"cmd_{name}")) for name in commands_for(staff, admin)]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # the menu is a convenience; the commands work without it
        log.warning("could not set the command menu of chat %s: %s", chat_id, exc)
