"""Telling people what happened to their registrations, unasked, in their own language."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n.texts import t, when
from bot.services import Services
from domain.customer_details import display_phone
from domain.model import Notice

log = logging.getLogger(__name__)


def notice_text(notice: Notice, svc: Services, reason: str | None = None) -> str:
    language = notice.to.language or svc.settings.default_language
    registration = notice.registration
    until = registration.expires_at
    return t(
        language,
        f"notice_{notice.what}",
        name=registration.customer_name,
        phone=display_phone(registration.phone),
        other=notice.other.name if notice.other else "",
        days=svc.rules.lapse_after_days,
        until=when(language, until, svc.rules.zone) if until else "",
        reason=reason or "",
    )


async def deliver(
    bot: Bot, chat_id: int, text: str, *, what: str, reply_markup: InlineKeyboardMarkup | None = None
) -> bool:
    """One recipient's message. A recipient who blocked the bot or never opened it fails alone:
    the others are still told, and the dialog that caused the message still ends normally."""
    try:
        await bot.send_message(chat_id, text, reply_markup=reply_markup)
    except TelegramError as exc:  # the event's log keeps what happened; this is only the telling
        log.warning("could not deliver a %s to chat %s: %s", what, chat_id, exc)
        return False
    return True


async def send_notices(
    context: ContextTypes.DEFAULT_TYPE,
    notices: tuple[Notice, ...] | list[Notice],
    svc: Services,
    *,
    reason: str | None = None,
) -> None:
    for notice in notices:
        await deliver(
            context.bot, notice.to.telegram_id, notice_text(notice, svc, reason), what=f"{notice.what} notice"
        )
