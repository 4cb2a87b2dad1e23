"""/invite (admins): the colleague's name → role → team → a one-time link. `/invite 张三` gives the
name at once. The invitee joins under that name; the admin is told when the link is used (a
notice recorded with the enrolment, domain.roster.redeem_invite)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes, ConversationHandler, MessageHandler, filters

from bot.chat import commands, render
from bot.chat.commands import parse_id
from bot.chat.common import current_staff, in_thread, lang
from bot.chat.dialogs import ButtonDialog
from bot.i18n.keys import Text
from bot.i18n.labels import ROLE
from bot.i18n.texts import raw, t
from bot.services import Services, services
from domain.customer_details import Invalid
from domain.free_text import check_staff_name
from domain.model import BrokenInvariant, Role, Team
from domain.roster import TEAM_ROLES, RosterRefusal, create_invite, is_admin, teams_for_role

PREFIX = "inv"
DRAFT = "invite_draft"


class Step(IntEnum):
    NAME = 1
    ROLE = 2
    TEAM = 3


DIALOG = ButtonDialog(
    PREFIX, DRAFT, Text.invite_cancelled, opened_by=commands.INVITE, ended_text=Text.stale_invite
)
_draft, _button = DIALOG.draft, DIALOG.button


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    if user is None:
        raise BrokenInvariant("user is missing")
    return is_admin(user.id, await current_staff(update, context), services(context).admin_ids)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc, message = lang(update, context), services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    if not await _admin(update, context):
        staff = await current_staff(update, context)
        await message.reply_text(t(language, Text.not_admin if staff else Text.stranger))
        return ConversationHandler.END
    DIALOG.new_draft(context)
    if context.args:
        name = check_staff_name(" ".join(context.args), svc.rules)
        if not isinstance(name, Invalid):
            _draft(context)["name"] = name
            await message.reply_text(
                t(language, Text.ask_invite_role), reply_markup=_roles(context, language)
            )
            return Step.ROLE
    await message.reply_text(t(language, Text.ask_invite_name))
    return Step.NAME


async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc, message = lang(update, context), services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    name = check_staff_name(message.text or "", svc.rules)
    if isinstance(name, Invalid):
        await message.reply_text(render.problem_hint(language, name, svc.rules))
        return Step.NAME
    _draft(context)["name"] = name
    await message.reply_text(t(language, Text.ask_invite_role), reply_markup=_roles(context, language))
    return Step.ROLE


def _roles(context: ContextTypes.DEFAULT_TYPE, language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(context, raw(language, ROLE[r]), "role", r.value)] for r in Role])


async def _role(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    language, svc, query = lang(update, context), services(context), update.callback_query
    if query is None:
        raise BrokenInvariant("update.callback_query is missing")
    try:
        role = Role(args[0])
    except (IndexError, ValueError):
        await query.edit_message_text(t(language, Text.stale_button))
        return ConversationHandler.END
    _draft(context)["role"] = role.value
    if role not in TEAM_ROLES:
        return await _make(update, context, role, None)
    teams = teams_for_role(role, await in_thread(lambda: _teams(svc)))
    if not teams:
        await query.edit_message_text(t(language, Text.no_teams))
        return ConversationHandler.END
    rows = [[_button(context, team.name, "team", str(team.id))] for team in teams]
    await query.edit_message_text(t(language, Text.ask_invite_team), reply_markup=InlineKeyboardMarkup(rows))
    return Step.TEAM


async def _team(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    team_id = parse_id(args[0]) if args else None
    role = Role(_draft(context)["role"])
    if team_id is None:
        if update.callback_query is None:
            raise BrokenInvariant("update.callback_query is missing")
        await update.callback_query.edit_message_text(t(lang(update, context), Text.stale_button))
        return ConversationHandler.END
    return await _make(update, context, role, team_id)


async def _make(update: Update, context: ContextTypes.DEFAULT_TYPE, role: Role, team_id: int | None) -> int:
    language, svc = lang(update, context), services(context)
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        raise BrokenInvariant("update.callback_query, user is missing")
    draft = context.user_data.pop(DRAFT)  # type: ignore[union-attr]
    if not await _admin(update, context):  # no longer an admin since the dialog began
        await query.edit_message_text(t(language, Text.not_admin))
        return ConversationHandler.END
    code = secrets.token_urlsafe(16)

    def make() -> Team | None | RosterRefusal:
        with svc.writer() as uow:
            try:
                create_invite(
                    uow,
                    code=code,
                    role=role,
                    team_id=team_id,
                    name=draft["name"],
                    created_by=user.id,
                    language=language,
                    now=svc.clock(),
                    valid_for=timedelta(hours=svc.settings.invite_valid_hours),
                    rules=svc.rules,
                )
            except RosterRefusal as refusal:
                return refusal
            return uow.roster.team_by_id(team_id) if team_id is not None else None

    team = await in_thread(make)
    if isinstance(team, RosterRefusal):  # a forged or outdated button, or the team is gone
        await query.edit_message_text(t(language, Text.stale_button))
        return ConversationHandler.END
    link = f"https://t.me/{context.bot.username}?start={code}"
    await query.edit_message_text(
        t(
            language,
            Text.invite_link,
            name=draft["name"],
            hours=svc.settings.invite_valid_hours,
            link=link,
            role=raw(language, ROLE[role]),
            team=raw(language, Text.team_suffix, team=team.name) if team else "",
        )
    )
    return ConversationHandler.END


def _teams(svc: Services) -> list[Team]:
    with svc.uow() as uow:
        return uow.roster.teams()


DIALOG.actions.update(role=_role, team=_team)


def conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    return DIALOG.conversation(
        name="invite",
        entry_points=[commands.INVITE.handler(start)],
        states={
            Step.NAME: [MessageHandler(text, got_name)],
            Step.ROLE: [DIALOG.on("role")],
            Step.TEAM: [DIALOG.on("team")],
        },
    )
