"""Manager group chats: /bindteam, /unbindteam, and following a group that became a supergroup.
Nothing personal is asked or shown in groups; summaries only."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.chat import commands
from bot.chat.commands import ID
from bot.chat.common import in_thread, lang
from bot.i18n.keys import Text
from bot.i18n.texts import raw, t
from bot.services import services
from domain.model import BrokenInvariant, Team
from domain.roster import bind_team_chat, bindable_teams, unbind_team_chat

BIND = "bind"


def _in_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type in ("group", "supergroup")


async def bindteam(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, svc = lang(update, context), services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        raise BrokenInvariant("message, user is missing")
    if not _in_group(update):
        await message.reply_text(t(language, Text.bind_group_only))
        return

    def load() -> list[Team]:
        with svc.uow() as uow:
            return bindable_teams(uow, user.id, svc.admin_ids)

    teams = await in_thread(load)
    if not teams:
        await message.reply_text(t(language, Text.bind_not_allowed))
        return
    rows = [[InlineKeyboardButton(team.name, callback_data=f"{BIND}:{team.id}")] for team in teams[:40]]
    await message.reply_text(t(language, Text.bind_pick), reply_markup=InlineKeyboardMarkup(rows))


async def bind_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, svc = lang(update, context), services(context)
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or query.data is None or user is None or chat is None:
        raise BrokenInvariant("query, query.data, user, chat is missing")
    team_id = int(query.data.split(":")[1])

    def bind() -> Team | None:
        with svc.writer() as uow:
            return bind_team_chat(
                uow,
                telegram_id=user.id,
                team_id=team_id,
                chat_id=chat.id,
                now=svc.clock(),
                admin_ids=svc.admin_ids,
            )

    team = await in_thread(bind)
    if team is None:  # someone else in the group pressed it, or the team is gone
        await query.answer(raw(language, Text.bind_not_allowed), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(t(language, Text.bind_done, team=team.name, time=svc.settings.digest_time))


async def unbindteam(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, svc = lang(update, context), services(context)
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        raise BrokenInvariant("message, user, chat is missing")
    if not _in_group(update):
        await message.reply_text(t(language, Text.bind_group_only))
        return

    def unbind() -> list[Team] | None:
        with svc.writer() as uow:
            return unbind_team_chat(uow, telegram_id=user.id, chat_id=chat.id, admin_ids=svc.admin_ids)

    teams = await in_thread(unbind)
    if not teams:
        await message.reply_text(t(language, Text.unbind_nothing))
        return
    await message.reply_text(t(language, Text.unbind_done, teams="、".join(team.name for team in teams)))


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram moved the group to a supergroup with a new id: the binding follows."""
    message, svc = update.effective_message, services(context)
    if message is None:
        raise BrokenInvariant("message is missing")
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return

    def move() -> None:
        with svc.writer() as uow:
            uow.chats.move_chat(old, new)
            uow.commit()

    await in_thread(move)


def handlers() -> list[Any]:
    return [
        commands.BIND_TEAM.handler(bindteam),
        commands.UNBIND_TEAM.handler(unbindteam),
        CallbackQueryHandler(bind_button, pattern=rf"^{BIND}:{ID}$"),
        MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
    ]
