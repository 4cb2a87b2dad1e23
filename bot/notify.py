"""Telling people what happened to their registrations, unasked, in their own language."""

from __future__ import annotations

import logging

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.services import Services
from bot.texts import t, when
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


async def send_notices(
    context: ContextTypes.DEFAULT_TYPE,
    notices: tuple[Notice, ...] | list[Notice],
    svc: Services,
    *,
    reason: str | None = None,
) -> None:
    for notice in notices:
        try:
            await context.bot.send_message(notice.to.telegram_id, notice_text(notice, svc, reason))
        except TelegramError as exc:  # they blocked the bot or never opened it: the log keeps the event
            log.warning("could not deliver a %s notice to staff %s: %s", notice.what, notice.to.id, exc)
