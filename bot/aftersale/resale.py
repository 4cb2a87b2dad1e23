"""The after-sale dialog's 🛒 New purchase (RULES §7, repeat purchase): confirmed like the other
actions, it opens a new registration of the customer from the won one (domain.resale) and replies
with the new registration and its next follow-up, or the refusal."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.chat import render
from bot.chat.common import in_thread, lang
from bot.delivery.notices import kick
from bot.i18n.keys import Text
from bot.i18n.texts import t
from bot.services import services
from domain.model import BrokenInvariant
from domain.resale import ResaleOpened, open_resale


async def save_resale(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any]) -> int:
    language, svc, user = lang(update, context), services(context), update.effective_user
    if user is None or update.effective_message is None:
        raise BrokenInvariant("user, update.effective_message is missing")
    outcome = await in_thread(
        lambda: open_resale(
            svc.writer,
            actor_telegram_id=user.id,
            registration_id=draft["registration_id"],
            now=svc.clock(),
            rules=svc.rules,
        )
    )
    if not isinstance(outcome, ResaleOpened):
        await update.effective_message.reply_text(render.refusal(language, outcome))
        return ConversationHandler.END
    new = outcome.registration
    next_step = render.next_step(language, outcome.deadline, svc.rules.zone)
    await update.effective_message.reply_text(
        t(language, Text.as_resale_done, name=new.customer_name, holder=new.holder_name, next=next_step)
    )
    kick(context)  # a review request, when review is on, goes out through the outbox
    return ConversationHandler.END
