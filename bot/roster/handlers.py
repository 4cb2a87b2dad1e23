"""/start (greeting and invitation links), /mine and /quota; /invite is bot.roster.invite."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.chat import commands, render
from bot.chat.commands import parse_id
from bot.chat.common import current_staff, in_thread, is_private, lang
from bot.chat.menus import group_help, private_help, set_menu_for
from bot.delivery.notices import kick
from bot.follow_up import steps as follow_up_steps
from bot.i18n.keys import Text
from bot.i18n.labels import ROLE
from bot.i18n.texts import raw, t, when
from bot.services import Services, services
from domain.model import BrokenInvariant, Role
from domain.roster import (
    Enrolled,
    InviteProblem,
    InviteRefused,
    is_admin,
    my_registrations,
    quota_of,
    redeem_invite,
)

MINE_PAGE = 10  # a page a phone shows without scrolling far, well under 4,096 characters
MINE = "mine"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, svc = lang(update, context), services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        raise BrokenInvariant("message, user is missing")
    if context.args:
        await _join(update, context, context.args[0][:64])
        return
    staff = await current_staff(update, context)
    admin = is_admin(user.id, staff, svc.admin_ids)
    if staff is None and not admin:
        await message.reply_text(t(language, Text.stranger))
        return
    name = staff.name if staff else user.full_name
    body = private_help(language, staff, admin)
    await message.reply_text(t(language, Text.welcome, name=name) + "\n\n" + body)
    await set_menu_for(context.bot, user.id, staff, admin, language)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: in a group, what groups can do; in private, this person's commands."""
    language, svc = lang(update, context), services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        raise BrokenInvariant("message, user is missing")
    if not is_private(update):
        await message.reply_text(group_help(language))
        return
    staff = await current_staff(update, context)
    admin = is_admin(user.id, staff, svc.admin_ids)
    await message.reply_text(private_help(language, staff, admin))


async def _join(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    language, svc = lang(update, context), services(context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        raise BrokenInvariant("user, message is missing")

    def redeem() -> Enrolled | InviteRefused:
        with svc.writer() as uow:
            return redeem_invite(
                uow, code=code, telegram_id=user.id, telegram_name=user.full_name[:80], now=svc.clock()
            )

    enrolled = await in_thread(redeem)
    if isinstance(enrolled, InviteRefused):
        await message.reply_text(_refused(language, enrolled, svc))
        return
    kick(context)  # the admin who made the invitation is told now
    role = min(enrolled.staff.roles, key=list(Role).index)
    text = t(
        language,
        Text.invite_welcome,
        name=enrolled.staff.name,
        role=raw(language, ROLE[role]),
        team=raw(language, Text.team_suffix, team=enrolled.team.name) if enrolled.team else "",
    )
    admin = is_admin(user.id, enrolled.staff, svc.admin_ids)
    await message.reply_text(text + "\n\n" + private_help(language, enrolled.staff, admin))
    await set_menu_for(context.bot, user.id, enrolled.staff, admin, language)


def _refused(language: str, refused: InviteRefused, svc: Services) -> str:
    if refused.problem is InviteProblem.EXPIRED and refused.expired_at is not None:
        return t(language, Text.invite_expired, at=when(language, refused.expired_at, svc.rules.zone))
    return t(language, _INVITE_PROBLEM[refused.problem])


_INVITE_PROBLEM = {
    InviteProblem.UNKNOWN: Text.invite_unknown,
    InviteProblem.USED: Text.invite_used,
    InviteProblem.USED_BY_YOU: Text.invite_used_by_you,
    InviteProblem.EXPIRED: Text.invite_unknown,  # with no time on record: cannot say when
}


async def mine(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mine: one page of open registrations, each with its follow-up button; ◀ ▶ page on."""
    await _mine_page(update, context, 0)


async def mine_page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        raise BrokenInvariant("query, query.data is missing")
    await query.answer()
    page = (parse_id(query.data.split(":")[2]) or 1) - 1 if query.data.count(":") == 2 else 0
    await _mine_page(update, context, page)


async def _mine_page(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int) -> None:
    language, svc = lang(update, context), services(context)
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    staff = await current_staff(update, context)
    if staff is None:
        await message.reply_text(t(language, Text.stranger))
        return

    def load() -> list[Any]:
        with svc.uow() as uow:
            return my_registrations(uow, staff, svc.clock(), svc.rules)

    held = await in_thread(load)
    if not held:
        text, keyboard = t(language, Text.mine_empty), None
    else:
        pages = (len(held) + MINE_PAGE - 1) // MINE_PAGE
        page = min(max(page, 0), pages - 1)
        first = page * MINE_PAGE
        shown = list(enumerate(held[first : first + MINE_PAGE], first + 1))
        lines = [t(language, Text.mine_header, count=len(held))]
        lines += [render.held_line(language, i, h, svc.rules.zone) for i, h in shown]
        if pages > 1:
            lines.append(t(language, Text.mine_page, page=page + 1, pages=pages))
        rows = [
            [
                InlineKeyboardButton(
                    f"{i}. {label}"[:60], callback_data=follow_up_steps.start_data(h.registration.id)
                )
            ]
            for (i, h), (_, label) in zip(
                shown, render.follow_labels(language, [h for _, h in shown], svc.rules.zone), strict=True
            )
        ]
        turns = []
        if page > 0:
            turns.append(
                InlineKeyboardButton(raw(language, Text.page_prev), callback_data=f"{MINE}:p:{page}")
            )
        if page < pages - 1:
            turns.append(
                InlineKeyboardButton(raw(language, Text.page_next), callback_data=f"{MINE}:p:{page + 2}")
            )
        if turns:
            rows.append(turns)
        text, keyboard = "\n".join(lines), InlineKeyboardMarkup(rows)
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    else:
        await message.reply_text(text, reply_markup=keyboard)


async def quota(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, svc = lang(update, context), services(context)
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    staff = await current_staff(update, context)
    if staff is None:
        await message.reply_text(t(language, Text.stranger))
        return
    if not staff.may_file:
        await message.reply_text(t(language, Text.not_filer))
        return

    def load() -> Any:
        with svc.uow() as uow:
            return quota_of(uow, staff, svc.clock(), svc.rules)

    status = await in_thread(load)
    if status is None:
        await message.reply_text(t(language, Text.quota_store))
    else:
        await message.reply_text(
            t(language, Text.quota_status, used=status.used, limit=status.limit, left=status.left)
        )


def handlers() -> list[Any]:
    return [
        commands.START.handler(start),
        commands.HELP.handler(help_command),
        commands.MINE.handler(mine),
        CallbackQueryHandler(mine_page_button, pattern=rf"^{MINE}:p:"),
        commands.QUOTA.handler(quota),
    ]
