"""The full tracking workbook for those entitled to it (RULES §2): group chats get the masked
copy; a team's managers (and ops managers, department heads) get the full one in private — by
the button under the group's summary or by /export."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.chat import commands
from bot.chat.commands import parse_id
from bot.chat.common import current_staff, in_thread, is_private, lang
from bot.digests.tracking_sheet import tracking_workbook
from bot.i18n.keys import Text
from bot.i18n.texts import raw, t
from bot.services import Services, services
from domain.digest import TeamReport
from domain.history import history_scope
from domain.model import BrokenInvariant, Team

WORKBOOK = "wb"


def private_workbook_button(language: str, team_id: int) -> InlineKeyboardMarkup:
    """Under a group's summary: the full workbook, sent privately to whoever may have it."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    raw(language, Text.workbook_private_button), callback_data=f"{WORKBOOK}:{team_id}"
                )
            ]
        ]
    )


def _full_workbook(svc: Services, team_id: int, language: str) -> tuple[TeamReport, bytes] | None:
    now = svc.clock()
    with svc.uow() as uow:
        report = uow.reports.team_report(team_id, now, svc.rules)
    if report is None:
        return None
    data = tracking_workbook(report, language, svc.rules.zone, mask_phones=False)
    return report, data


async def _send_full_workbook(
    update: Update, context: ContextTypes.DEFAULT_TYPE, team_id: int
) -> Text | None:
    """Sends the team's full workbook to the person's private chat if they may have it; the key
    of the text that says why not, otherwise."""
    language, svc, user = lang(update, context), services(context), update.effective_user
    if user is None:
        raise BrokenInvariant("user is missing")
    scope = history_scope(await current_staff(update, context))
    if scope is None or not scope.covers(team_id):
        return Text.workbook_not_entitled
    built = await in_thread(lambda: _full_workbook(svc, team_id, language))
    if built is None:  # the team is gone
        return Text.export_no_teams
    report, data = built
    filename = (
        raw(language, Text.digest_workbook_title, team=report.team.name, date=report.digest.day.isoformat())
        + ".xlsx"
    )
    try:
        await context.bot.send_document(
            user.id, data, filename=filename, caption=t(language, Text.export_caption, team=report.team.name)
        )
    except (Forbidden, BadRequest):  # they never opened a private chat with the bot
        return Text.workbook_open_private_first
    return None


async def workbook_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, query = lang(update, context), update.callback_query
    if query is None or query.data is None:
        raise BrokenInvariant("query, query.data is missing")
    team_id = parse_id(query.data.split(":")[1])
    if team_id is None:
        await query.answer(raw(language, Text.stale_button), show_alert=True)
        return
    refusal = await _send_full_workbook(update, context, team_id)
    if refusal is not None:
        await query.answer(raw(language, refusal), show_alert=True)
    elif is_private(update):
        await query.answer()
    else:
        await query.answer(raw(language, Text.workbook_sent_private))


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export in private: the full workbook of the person's team, or a choice of the teams
    they see in full."""
    language, svc, message = lang(update, context), services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    scope = history_scope(await current_staff(update, context))
    if scope is None:
        await message.reply_text(t(language, Text.workbook_not_entitled))
        return

    def load() -> list[Team]:
        with svc.uow() as uow:
            return [team for team in uow.roster.teams() if scope.covers(team.id)]

    teams = await in_thread(load)
    if not teams:
        await message.reply_text(t(language, Text.export_no_teams))
        return
    if len(teams) == 1:
        refusal = await _send_full_workbook(update, context, teams[0].id)
        if refusal is not None:
            await message.reply_text(t(language, refusal))
        return
    rows = [[InlineKeyboardButton(team.name, callback_data=f"{WORKBOOK}:{team.id}")] for team in teams[:90]]
    await message.reply_text(t(language, Text.export_pick_team), reply_markup=InlineKeyboardMarkup(rows))


def handlers() -> list[Any]:
    return [
        commands.EXPORT.handler(export),
        CallbackQueryHandler(workbook_button, pattern=rf"^{WORKBOOK}:"),
    ]
