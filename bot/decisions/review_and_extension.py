"""Decisions with buttons: extension requests (/extend → department head) and manager reviews
(pending filings, possible duplicates). Each press calls one use case; refusals are explained."""

from __future__ import annotations

import secrets
from enum import IntEnum
from typing import Any

from telegram import CallbackQuery, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.chat import commands, render
from bot.chat.choices import distinct_labels
from bot.chat.commands import ID
from bot.chat.common import current_staff, in_thread, lang
from bot.chat.dialogs import Dialog
from bot.chat.stale import drop_buttons, stale
from bot.decisions.keyboards import DECIDE_EXTENSION, EXTEND, REVIEW
from bot.delivery.notices import kick
from bot.i18n.keys import Text
from bot.i18n.texts import raw, t, when
from bot.services import services
from domain.customer_details import Invalid
from domain.decisions import check_review, decide_extension, decide_review, request_extension
from domain.free_text import check_reason
from domain.model import BrokenInvariant, Channel, Registration
from domain.registrations import Done, Refusal, Refused
from domain.roster import my_registrations


class Step(IntEnum):
    PICK = 1
    REASON = 2
    REJECT_REASON = 3


# --- /extend -----------------------------------------------------------------------------------------


async def extend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc = lang(update, context), services(context)
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    staff = await current_staff(update, context)
    if staff is None:  # the roster gate lets only staff through
        raise BrokenInvariant("staff is missing")

    def load() -> list[Registration]:
        with svc.uow() as uow:
            held = my_registrations(uow, staff, svc.clock(), svc.rules)
        return [
            h.registration
            for h in held
            if h.registration.channel is Channel.FIELD and h.registration.expires_at
        ]

    field = await in_thread(load)
    if not field:
        await message.reply_text(t(language, Text.extend_none))
        return ConversationHandler.END
    nonce = secrets.token_hex(3)
    context.user_data["extend"] = {"nonce": nonce}  # type: ignore[index]
    zone = svc.rules.zone
    options = [
        (r.id, [f"{r.customer_name} ·{r.phone[-4:]}", f"· {when(language, r.filed_at, zone)}"])
        for r in field[:30]
    ]
    rows = [
        [InlineKeyboardButton(label, callback_data=f"{EXTEND}:{nonce}:{registration_id}")]
        for registration_id, label in distinct_labels(options)
    ]
    await message.reply_text(t(language, Text.extend_pick), reply_markup=InlineKeyboardMarkup(rows))
    return Step.PICK


async def extend_from_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """`ex:go:<id>` on an expiry reminder: straight to the reason for that registration."""
    query = update.callback_query
    if query is None or query.data is None:
        raise BrokenInvariant("query, query.data is missing")
    context.user_data["extend"] = {"nonce": "button"}  # type: ignore[index]
    return await _ask_reason(update, context, query.data.split(":")[2])


async def extend_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    query = update.callback_query
    if query is None or query.data is None:
        raise BrokenInvariant("query, query.data is missing")
    _, nonce, registration_id = query.data.split(":")
    draft = context.user_data.get("extend")  # type: ignore[union-attr]
    if draft is None or draft["nonce"] != nonce:
        # An older /extend list while a newer one is open: pick from the newer one.
        await stale(update, context, Text.stale_in_progress if draft else None)
        return None
    return await _ask_reason(update, context, registration_id)


async def _ask_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, registration_id: str) -> int | None:
    language, svc = lang(update, context), services(context)
    query = update.callback_query
    if query is None:
        raise BrokenInvariant("query is missing")
    draft = context.user_data["extend"]  # type: ignore[index]
    await query.answer()

    def load() -> Registration | None:
        with svc.uow() as uow:
            return uow.registrations.registration(int(registration_id))

    registration = await in_thread(load)
    user = update.effective_user
    staff = await current_staff(update, context)
    if (
        registration is None
        or registration.expires_at is None
        or staff is None
        or registration.holder_id != staff.id
    ):
        if user is None:
            raise BrokenInvariant("user is missing")
        await context.bot.send_message(query.from_user.id, t(language, Text.extend_gone))
        return ConversationHandler.END
    draft["registration_id"] = registration.id
    text = t(
        language,
        Text.extend_ask_reason,
        name=registration.customer_name,
        expiry=when(language, registration.expires_at, svc.rules.zone),
    )
    await context.bot.send_message(query.from_user.id, text)
    return Step.REASON


async def extend_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc = lang(update, context), services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        raise BrokenInvariant("message, user is missing")
    reason = check_reason(message.text, svc.rules)
    if isinstance(reason, Invalid):
        await message.reply_text(render.problem_hint(language, reason, svc.rules))
        return Step.REASON
    draft = context.user_data.pop("extend")  # type: ignore[union-attr]
    outcome = await in_thread(
        lambda: request_extension(
            svc.writer,
            actor_telegram_id=user.id,
            registration_id=draft["registration_id"],
            reason=reason,
            now=svc.clock(),
            rules=svc.rules,
        )
    )
    if not isinstance(outcome, Done):
        await message.reply_text(render.refusal(language, outcome))
        return ConversationHandler.END
    await message.reply_text(t(language, Text.extend_sent if outcome.notices else Text.extend_no_head))
    kick(context)
    return ConversationHandler.END


async def extension_decision(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language, svc = lang(update, context), services(context)
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        raise BrokenInvariant("query, query.data, user is missing")
    _, verdict, request_id = query.data.split(":")
    outcome = await in_thread(
        lambda: decide_extension(
            svc.writer,
            actor_telegram_id=user.id,
            request_id=int(request_id),
            approve=verdict == "ok",
            now=svc.clock(),
            rules=svc.rules,
        )
    )
    if not isinstance(outcome, Done):
        await _refused_decision(query, language, outcome)
        return
    await query.answer()
    actor = await current_staff(update, context)
    decided = t(
        language,
        Text.decided_approved if verdict == "ok" else Text.decided_declined,
        by=actor.name if actor else "",
    )
    await query.edit_message_text(
        f"{query.message.text_html if isinstance(query.message, Message) else ''}\n\n{decided}"
    )
    kick(context)


# --- reviews --------------------------------------------------------------------------------------


async def review_approve(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _decide_review(update, context, int(_last(update)), approve=True, reason=None)


async def review_reject(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Rejecting needs a reason: ask for it — once it is clear this person may reject it, and
    that nobody decided it meanwhile — then decide."""
    language, svc, user, query = (
        lang(update, context),
        services(context),
        update.effective_user,
        update.callback_query,
    )
    if query is None or user is None:
        raise BrokenInvariant("query, user is missing")
    registration_id = int(_last(update))
    refused = await in_thread(
        lambda: check_review(
            svc.writer,
            actor_telegram_id=user.id,
            registration_id=registration_id,
            now=svc.clock(),
            rules=svc.rules,
        )
    )
    if refused is not None:
        await _refused_decision(query, language, refused)
        return ConversationHandler.END
    await query.answer()
    context.user_data["reject"] = {  # type: ignore[index]
        "registration_id": registration_id,
        "message_id": query.message.message_id if query.message else None,
        "text": query.message.text_html if isinstance(query.message, Message) else "",
    }
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(
        t(lang(update, context), Text.review_ask_reason), reply_markup=ForceReply(selective=True)
    )
    return Step.REJECT_REASON


async def reject_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message, svc = update.effective_message, services(context)
    if message is None:
        raise BrokenInvariant("message is missing")
    reason = check_reason(message.text, svc.rules)
    if isinstance(reason, Invalid):
        await message.reply_text(render.problem_hint(lang(update, context), reason, svc.rules))
        return Step.REJECT_REASON
    pending = context.user_data.pop("reject")  # type: ignore[union-attr]
    await _decide_review(
        update, context, pending["registration_id"], approve=False, reason=reason, pressed=pending
    )
    return ConversationHandler.END


async def _decide_review(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    registration_id: int,
    *,
    approve: bool,
    reason: str | None,
    pressed: dict[str, Any] | None = None,
) -> None:
    language, svc, user = lang(update, context), services(context), update.effective_user
    if user is None:
        raise BrokenInvariant("user is missing")
    outcome = await in_thread(
        lambda: decide_review(
            svc.writer,
            actor_telegram_id=user.id,
            registration_id=registration_id,
            approve=approve,
            reason=reason,
            now=svc.clock(),
            rules=svc.rules,
        )
    )
    query = update.callback_query
    if not isinstance(outcome, Done):
        if query:
            await _refused_decision(query, language, outcome)
        else:
            if update.effective_message is None:
                raise BrokenInvariant("update.effective_message is missing")
            await update.effective_message.reply_text(render.refusal(language, outcome))
        return
    actor = await current_staff(update, context)
    by = actor.name if actor else ""
    decided = (
        t(language, Text.decided_approved, by=by)
        if approve
        else t(language, Text.decided_rejected, by=by, reason=reason)
    )
    if query:
        await query.answer()
        await query.edit_message_text(
            f"{query.message.text_html if isinstance(query.message, Message) else ''}\n\n{decided}"
        )
    elif pressed and pressed.get("message_id") and update.effective_chat:
        await context.bot.edit_message_text(
            f"{pressed['text']}\n\n{decided}",
            chat_id=update.effective_chat.id,
            message_id=pressed["message_id"],
        )
    kick(context)


# Refusals that mean the decision's moment has passed, for everyone: its buttons go.
_SETTLED = frozenset(
    {Refusal.ALREADY_DECIDED, Refusal.NOT_PENDING, Refusal.NOT_FOUND, Refusal.CLOSED, Refusal.TAKEN}
)


async def _refused_decision(query: CallbackQuery, language: str, refused: Refused) -> None:
    """Why this decision button does nothing; once it is decided or gone, the buttons go too
    (someone not entitled keeps them: they are the entitled person's to press)."""
    if refused.refusal is Refusal.NOT_FOUND:
        await query.answer(raw(language, Text.stale_decision), show_alert=True)
    else:
        await query.answer(render.refusal_alert(language, refused), show_alert=True)
    if refused.refusal in _SETTLED:
        await drop_buttons(query)


def _last(update: Update) -> str:
    if update.callback_query is None or update.callback_query.data is None:
        raise BrokenInvariant("update.callback_query, update.callback_query.data is missing")
    return update.callback_query.data.rsplit(":", 1)[1]


async def _older_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pick from an /extend list once the reason is being asked: answer the question below."""
    await stale(update, context, Text.stale_in_progress)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data.pop("extend", None)  # type: ignore[union-attr]
    context.user_data.pop("reject", None)  # type: ignore[union-attr]
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(t(lang(update, context), Text.follow_cancelled))
    return ConversationHandler.END


def handlers() -> list[Any]:
    text = filters.TEXT & ~filters.COMMAND
    return [
        Dialog(
            entry_points=[
                commands.EXTEND.handler(extend),
                CallbackQueryHandler(extend_from_button, pattern=rf"^{EXTEND}:go:{ID}$"),
            ],
            states={
                Step.PICK: [CallbackQueryHandler(extend_pick, pattern=rf"^{EXTEND}:[0-9a-f]{{6}}:{ID}$")],
                Step.REASON: [MessageHandler(text, extend_reason)],
            },
            fallbacks=[
                commands.CANCEL.handler(cancel),
                CallbackQueryHandler(_older_pick, pattern=rf"^{EXTEND}:[0-9a-f]{{6}}:"),
            ],
            name="extend",
        ),
        Dialog(
            entry_points=[CallbackQueryHandler(review_reject, pattern=rf"^{REVIEW}:no:{ID}$")],
            states={Step.REJECT_REASON: [MessageHandler(text, reject_reason)]},
            fallbacks=[commands.CANCEL.handler(cancel)],
            name="review_reject",
        ),
        CallbackQueryHandler(review_approve, pattern=rf"^{REVIEW}:ok:{ID}$"),
        CallbackQueryHandler(extension_decision, pattern=rf"^{DECIDE_EXTENSION}:(ok|no):{ID}$"),
    ]
