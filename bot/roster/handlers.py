"""/start (greeting and invitation links), /invite (admins), /mine and /quota."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.chat import commands, render
from bot.chat.commands import parse_id
from bot.chat.common import current_staff, in_thread, is_private, lang
from bot.chat.menus import group_help, private_help, set_menu_for
from bot.follow_up import steps as follow_up_steps
from bot.i18n.keys import Text
from bot.i18n.labels import ROLE
from bot.i18n.texts import raw, t
from bot.services import Services, services
from domain.model import BrokenInvariant, Role, Team
from domain.roster import (
    TEAM_ROLES,
    Enrolled,
    RosterRefusal,
    create_invite,
    is_admin,
    my_registrations,
    quota_of,
    redeem_invite,
    teams_for_role,
)

MINE_PAGE = 10  # a page a phone shows without scrolling far, well under 4,096 characters
MINE = "mine"
INVITE = "inv"


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

    def redeem() -> Enrolled | None:
        with svc.writer() as uow:
            return redeem_invite(
                uow, code=code, telegram_id=user.id, name=user.full_name[:80], now=svc.clock()
            )

    enrolled = await in_thread(redeem)
    if enrolled is None:
        await message.reply_text(t(language, Text.invite_invalid))
        return
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


# --- /invite: role → team → one-time link ------------------------------------------------------


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    if user is None:
        raise BrokenInvariant("user is missing")
    return is_admin(user.id, await current_staff(update, context), services(context).admin_ids)


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update, context)
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    if not await _admin(update, context):
        await message.reply_text(
            t(language, Text.not_admin)
            if await current_staff(update, context)
            else t(language, Text.stranger)
        )
        return
    rows = [
        [InlineKeyboardButton(raw(language, ROLE[r]), callback_data=f"{INVITE}:role:{r.value}")] for r in Role
    ]
    await message.reply_text(t(language, Text.ask_invite_role), reply_markup=InlineKeyboardMarkup(rows))


async def invite_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, svc = lang(update, context), services(context)
    query = update.callback_query
    if query is None or query.data is None:
        raise BrokenInvariant("query, query.data is missing")
    if not await _admin(update, context):
        await query.answer(raw(language, Text.not_admin), show_alert=True)
        return
    parts = query.data.split(":")
    try:
        role = Role(parts[2])
        team_id = parse_id(parts[3]) if len(parts) > 3 else None
        if len(parts) > 3 and team_id is None:
            raise ValueError("not a team id")
    except (IndexError, ValueError):
        await query.answer(raw(language, Text.stale_button), show_alert=True)
        return
    await query.answer()
    if role in TEAM_ROLES and team_id is None:
        teams = teams_for_role(role, await in_thread(lambda: _teams(svc)))
        if not teams:
            await query.edit_message_text(t(language, Text.no_teams))
            return
        rows = [
            [InlineKeyboardButton(team.name, callback_data=f"{INVITE}:role:{role.value}:{team.id}")]
            for team in teams
        ]
        await query.edit_message_text(
            t(language, Text.ask_invite_team), reply_markup=InlineKeyboardMarkup(rows)
        )
        return
    code = secrets.token_urlsafe(16)
    user = update.effective_user
    if user is None:
        raise BrokenInvariant("user is missing")

    def make() -> Team | None | RosterRefusal:
        with svc.writer() as uow:
            try:
                create_invite(
                    uow,
                    code=code,
                    role=role,
                    team_id=team_id,
                    created_by=user.id,
                    now=svc.clock(),
                    valid_for=timedelta(hours=svc.settings.invite_valid_hours),
                )
            except RosterRefusal as refusal:
                return refusal
            return uow.roster.team_by_id(team_id) if team_id is not None else None

    team = await in_thread(make)
    if isinstance(team, RosterRefusal):  # a forged or outdated button
        await query.edit_message_text(t(language, Text.stale_button))
        return
    link = f"https://t.me/{context.bot.username}?start={code}"
    await query.edit_message_text(
        t(
            language,
            Text.invite_link,
            hours=svc.settings.invite_valid_hours,
            link=link,
            role=raw(language, ROLE[role]),
            team=raw(language, Text.team_suffix, team=team.name) if team else "",
        )
    )


def _teams(svc: Services) -> list[Team]:
    with svc.uow() as uow:
        return uow.roster.teams()


def handlers() -> list[Any]:
    return [
        commands.START.handler(start),
        commands.HELP.handler(help_command),
        commands.MINE.handler(mine),
        CallbackQueryHandler(mine_page_button, pattern=rf"^{MINE}:p:"),
        commands.QUOTA.handler(quota),
        commands.INVITE.handler(invite),
        CallbackQueryHandler(invite_button, pattern=rf"^{INVITE}:role:"),
    ]
