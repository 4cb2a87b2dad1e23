"""The end of the filing dialog: the summary with Confirm / Edit / Cancel, editing one field, and
the verdict that ends the dialog (at confirmation, or at the phone when the filing is refused)."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.chat import render
from bot.chat.common import in_thread, lang
from bot.delivery.notices import kick
from bot.filing.questions import DIALOG, DRAFT, FIELD_LABELS, FIELDS, Step, ask, draft_of
from bot.follow_up import steps as follow_up_steps
from bot.i18n.keys import Text
from bot.i18n.labels import PURCHASE
from bot.i18n.texts import raw, t, when
from bot.services import services
from domain.customer_details import display_phone
from domain.filing import Accepted, FilingOutcome, FilingRequest, Reason, Rejected, file_registration
from domain.model import BrokenInvariant, ExpectedPurchase


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE, *, in_place: bool = False) -> int:
    """The summary with Confirm / Edit / Cancel; `in_place` edits the pressed message instead."""
    language, svc, draft = lang(update, context), services(context), draft_of(context)
    draft["editing"] = False
    none = t(language, Text.none)
    purchase = draft.get("purchase")
    text = t(
        language,
        Text.summary,
        name=draft["name"],
        phone=display_phone(draft["phone"]),
        address=draft["address"],
        needs=draft.get("needs") or "\x00",
        purchase=raw(language, PURCHASE[ExpectedPurchase(purchase)]) if purchase else "\x00",
        obtained=when(language, datetime.fromisoformat(draft["obtained_at"]), svc.rules.zone),
    ).replace("\x00", none)
    keyboard = InlineKeyboardMarkup(
        [
            [DIALOG.button(context, raw(language, Text.confirm), "confirm")],
            [
                DIALOG.button(context, raw(language, Text.edit), "edit"),
                DIALOG.button(context, raw(language, Text.cancel), "cancel"),
            ],
        ]
    )
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    if in_place and update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    else:
        await update.effective_message.reply_text(text, reply_markup=keyboard)
    return Step.CONFIRM


async def done_with_buttons(update: Update) -> None:
    """An answered question keeps its text but loses its buttons, so it cannot be pressed twice."""
    if update.callback_query:
        await update.callback_query.edit_message_reply_markup(reply_markup=None)


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    svc, draft = services(context), draft_of(context)
    query = update.callback_query
    if query is None or update.effective_user is None:
        raise BrokenInvariant("query, update.effective_user is missing")
    await done_with_buttons(update)
    request = FilingRequest(
        filer_telegram_id=update.effective_user.id,
        customer_name=draft["name"],
        phone=draft["phone"],
        address=draft["address"],
        needs=draft.get("needs"),
        expected_purchase=ExpectedPurchase(draft["purchase"]) if draft.get("purchase") else None,
        obtained_at=datetime.fromisoformat(draft["obtained_at"]),
    )
    now = svc.clock()

    outcome = await in_thread(lambda: file_registration(svc.writer, request, now, svc.rules))
    return await tell_verdict(update, context, outcome)


async def tell_verdict(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: FilingOutcome) -> int:
    """The filing's outcome, which ends the dialog: at confirmation, or at the phone if refused."""
    language, svc = lang(update, context), services(context)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    holder = outcome.similar_holder_name if isinstance(outcome, Accepted) else None
    text = render.verdict(language, outcome, svc.rules, holder_of_similar=holder)
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    keyboard = None
    if isinstance(outcome, Rejected) and outcome.reason is Reason.ALREADY_YOURS and outcome.registration_id:
        keyboard = InlineKeyboardMarkup([[follow_up_steps.start_button(language, outcome.registration_id)]])
    await update.effective_message.reply_text(
        text + "\n\n" + t(language, Text.start_again), reply_markup=keyboard
    )
    kick(context)
    return ConversationHandler.END


async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    return await edit_choices(update, context, in_place=True)


async def edit_choices(update: Update, context: ContextTypes.DEFAULT_TYPE, *, in_place: bool) -> int:
    language = lang(update, context)
    rows = [[DIALOG.button(context, raw(language, label), "field", f)] for f, label in FIELD_LABELS.items()]
    rows.append([DIALOG.button(context, raw(language, Text.back), "back")])
    text, keyboard = t(language, Text.ask_edit_field), InlineKeyboardMarkup(rows)
    if in_place and update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    else:
        if update.effective_message is None:
            raise BrokenInvariant("update.effective_message is missing")
        await update.effective_message.reply_text(text, reply_markup=keyboard)
    return Step.EDIT


async def edit_field(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    step = FIELDS.get(args[0] if args else "")
    if step is None:
        return Step.EDIT
    draft_of(context)["editing"] = True
    await done_with_buttons(update)
    return await ask(step, update, context)


async def back(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    return await summary(update, context, in_place=True)
