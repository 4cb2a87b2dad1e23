"""The filing dialog's steps and the question each asks (bot.filing.dialog runs them)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    ContextTypes,
)

from bot.chat import commands
from bot.chat.common import lang
from bot.chat.dialogs import ButtonDialog
from bot.i18n.keys import Text
from bot.i18n.labels import PURCHASE
from bot.i18n.texts import raw, t
from bot.services import services
from domain.model import BrokenInvariant, ExpectedPurchase


class Step(IntEnum):
    NAME = 1
    PHONE = 2
    ADDRESS = 3
    NEEDS = 4
    PURCHASE = 5
    OBTAINED = 6
    OBTAINED_TIME = 7
    CONFIRM = 8
    EDIT = 9


PREFIX = "new"
DRAFT = "filing_draft"
FIELDS = {
    "name": Step.NAME,
    "phone": Step.PHONE,
    "address": Step.ADDRESS,
    "needs": Step.NEEDS,
    "purchase": Step.PURCHASE,
    "obtained": Step.OBTAINED,
}

FIELD_LABELS = {
    "name": Text.field_name,
    "phone": Text.field_phone,
    "address": Text.field_address,
    "needs": Text.field_needs,
    "purchase": Text.field_purchase,
    "obtained": Text.field_obtained,
}
# When the details were obtained: the choices offered, and the question each leads to.
OBTAINED = {
    "now": Text.obtained_now,
    "today": Text.obtained_today,
    "yesterday": Text.obtained_yesterday,
    "earlier": Text.obtained_earlier,
}
ASK_OBTAINED_TIME = {
    "today": Text.ask_obtained_time_today,
    "yesterday": Text.ask_obtained_time_yesterday,
    "earlier": Text.ask_obtained_time_earlier,
}

DIALOG = ButtonDialog(
    PREFIX,
    DRAFT,
    Text.cancelled,
    opened_by=commands.NEW,
    ended_text=Text.stale_filing,
    cancel_markup=ReplyKeyboardRemove(),
)


def draft_of(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    return context.user_data.get(DRAFT) or DIALOG.new_draft(context)  # type: ignore[union-attr]


async def ask(step: Step, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Send the question for `step` (or the summary, when editing one field is done)."""
    language = lang(update, context)
    svc = services(context)
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    if step is Step.PHONE:
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(raw(language, Text.share_contact_button), request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await message.reply_text(t(language, Text.ask_phone), reply_markup=keyboard)
    elif step is Step.ADDRESS:
        await message.reply_text(
            t(language, Text.ask_address, min=svc.rules.min_address_chars), reply_markup=ReplyKeyboardRemove()
        )
    elif step is Step.NEEDS:
        await message.reply_text(
            t(language, Text.ask_needs),
            reply_markup=InlineKeyboardMarkup([[DIALOG.button(context, raw(language, Text.skip), "skip")]]),
        )
    elif step is Step.PURCHASE:
        rows = [
            [DIALOG.button(context, raw(language, PURCHASE[p]), "purchase", p.value)]
            for p in ExpectedPurchase
        ]
        await message.reply_text(t(language, Text.ask_purchase), reply_markup=InlineKeyboardMarkup(rows))
    elif step is Step.OBTAINED:
        rows = [
            [DIALOG.button(context, raw(language, label), "obtained", c)] for c, label in OBTAINED.items()
        ]
        await message.reply_text(
            t(language, Text.ask_obtained, hours=svc.rules.filing_window_hours),
            reply_markup=InlineKeyboardMarkup(rows),
        )
    elif step is Step.NAME:
        await message.reply_text(t(language, Text.ask_name))
    return step
