"""Work the bot does unasked: the reminder sweep (a repeating PTB job). The database decides what
is due and who sends it (domain.reminders); this module only renders and delivers."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot import follow_up_dialog
from bot.common import in_thread
from bot.services import Services
from bot.texts import raw, t, when
from domain.customer_details import display_phone
from domain.reminders import Outgoing, ReminderKind, backoff, plan_reminders

log = logging.getLogger(__name__)


def reminder_message(outgoing: Outgoing, svc: Services) -> tuple[str, InlineKeyboardMarkup]:
    """The reminder in the holder's language, with buttons straight into the follow-up dialog."""
    language = outgoing.to.language or svc.settings.default_language
    reminder, rules = outgoing.reminder, svc.rules
    registration = reminder.registration
    text = t(
        language,
        f"reminder_{reminder.kind.value}",
        name=registration.customer_name,
        phone=display_phone(registration.phone),
        at=when(language, reminder.deadline, rules.zone),
        every=rules.follow_up_every_days,
        days=rules.lapse_after_days,
    )
    if reminder.kind is ReminderKind.EXPIRY:
        buttons = [
            [InlineKeyboardButton(raw(language, "record_measurement"), callback_data=follow_up_dialog.start_data(registration.id))],
            [InlineKeyboardButton(raw(language, "ask_extension_button"), callback_data=f"ex:go:{registration.id}")],
        ]
    else:
        buttons = [[follow_up_dialog.start_button(language, registration.id)]]
    return text, InlineKeyboardMarkup(buttons)


async def deliver(bot: Bot, svc: Services, outgoing: Outgoing, now: datetime) -> str:
    """Send one reminder and record the result: sent, retry later, or undeliverable for good."""
    text, keyboard = reminder_message(outgoing, svc)
    status, retry_at, error = "sent", None, None
    try:
        await bot.send_message(outgoing.to.telegram_id, text, reply_markup=keyboard)
    except RetryAfter as exc:
        status, error = "pending", "retry_after"
        retry_at = now + _seconds(exc.retry_after)
    except Forbidden as exc:  # the person blocked the bot: their manager sees it in the summary
        status, error = "undeliverable", exc.message
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            status, error = "undeliverable", exc.message
        else:
            status, error, retry_at = "pending", exc.message, now + backoff(outgoing.attempts)
    except TelegramError as exc:  # network trouble: try again with backoff
        status, error, retry_at = "pending", exc.message, now + backoff(outgoing.attempts)
    if outgoing.delivery_id is not None:
        delivery_id = outgoing.delivery_id

        def record() -> None:
            with svc.writer() as uow:
                uow.mark_delivery(delivery_id, status=status, now=now, retry_at=retry_at, error=error)
                uow.commit()

        await in_thread(record)
    if status != "sent":
        log.warning("reminder %s to staff %s: %s (%s)", outgoing.reminder.kind.value, outgoing.to.id, status, error)
    return status


def _seconds(value: Any) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


async def sweep(bot: Bot, svc: Services, now: datetime, *, dry_run: bool = False) -> list[tuple[Outgoing, str]]:
    """One pass: plan (record) what is due at `now`, then deliver it."""
    outgoing = await in_thread(lambda: plan_reminders(svc.writer, now, svc.rules, dry_run=dry_run))
    if dry_run:
        return [(o, "would send") for o in outgoing]
    return [(o, await deliver(bot, svc, o, now)) for o in outgoing]


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc: Services = context.bot_data["services"]
    results = await sweep(context.bot, svc, svc.clock())
    if results:
        log.info("reminder sweep: %d sent, %d not", sum(s == "sent" for _, s in results), sum(s != "sent" for _, s in results))
