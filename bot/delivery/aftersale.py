"""After-sale reminders and misses, and planned-contact reminders, as the sweep sends them: the
database decides what is due (domain.aftersale_reminders); this module renders and delivers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ExtBot

from bot.aftersale import steps as aftersale_steps
from bot.delivery.attempts import send_and_record
from bot.follow_up import steps as follow_up_steps
from bot.i18n.keys import Text
from bot.i18n.labels import AFTERSALE_REMINDER
from bot.i18n.texts import raw, t, when
from bot.runtime.rate_limits import BULK
from bot.services import Services
from domain.aftersale_reminders import AftersaleOutgoing, AftersaleReminderKind
from domain.customer_details import display_phone, mask_phone
from storage.event_log import events

log = logging.getLogger(__name__)


def aftersale_message(outgoing: AftersaleOutgoing, svc: Services) -> tuple[str, InlineKeyboardMarkup | None]:
    """In the reader's language. The holder gets the full phone and a button into the after-sale
    dialog (the follow-up dialog for a planned contact); a manager told of a miss gets the phone
    masked and no button."""
    language = outgoing.to.language or svc.settings.default_language
    reminder, rules = outgoing.reminder, svc.rules
    registration = reminder.registration
    to_managers = reminder.kind.to_managers
    text = t(
        language,
        AFTERSALE_REMINDER[reminder.kind],
        name=registration.customer_name,
        phone=mask_phone(registration.phone) if to_managers else display_phone(registration.phone),
        at=when(language, reminder.deadline, rules.zone),
        days=rules.aftersale_first_contact_workdays,
        every=rules.aftersale_contact_every_days,
        note=reminder.note or "",
        holder=registration.holder_name,
    )
    if to_managers:
        return text, None
    if reminder.kind is AftersaleReminderKind.PLANNED and registration.closed_at is None:
        button = follow_up_steps.start_button(language, registration.id)
    else:
        button = InlineKeyboardButton(
            raw(language, Text.asr_open_button), callback_data=aftersale_steps.start_data(registration.id)
        )
    return text, InlineKeyboardMarkup([[button]])


async def deliver_aftersale(
    bot: ExtBot[Any], svc: Services, outgoing: AftersaleOutgoing, now: datetime
) -> str:
    text, keyboard = aftersale_message(outgoing, svc)

    async def send() -> None:
        await bot.send_message(outgoing.to.telegram_id, text, reply_markup=keyboard, rate_limit_args=BULK)

    status = await send_and_record(send, svc, outgoing.delivery_id, outgoing.attempts, now)
    reminder = outgoing.reminder
    if status == "sent":
        events.info(
            "after-sale reminder sent: %s for registration %s to staff %s",
            reminder.kind.value,
            reminder.registration.id,
            outgoing.to.id,
            extra={
                "event": "reminder_sent",
                "reminder": reminder.kind.value,
                "registration_id": reminder.registration.id,
                "staff_id": outgoing.to.id,
            },
        )
    else:
        log.warning("after-sale reminder %s to staff %s: %s", reminder.kind.value, outgoing.to.id, status)
    return status


async def deliver_aftersale_batch(
    bot: ExtBot[Any],
    svc: Services,
    batch: list[AftersaleOutgoing],
    now: datetime,
    going_on: Callable[[], bool],
    counted: Callable[[int], None],
) -> list[tuple[AftersaleOutgoing, str]]:
    """Each person's in order, everyone's at once (the rate limiter paces them)."""
    statuses: list[str | None] = [None] * len(batch)
    by_person: dict[int, list[int]] = {}
    for index, one in enumerate(batch):
        by_person.setdefault(one.to.telegram_id, []).append(index)

    async def deliver_to(indexes: list[int]) -> None:
        for index in indexes:
            if not going_on():
                return
            statuses[index] = await deliver_aftersale(bot, svc, batch[index], now)
            counted(1)

    async with asyncio.TaskGroup() as group:
        for indexes in by_person.values():
            group.create_task(deliver_to(indexes))
    return [(one, status) for one, status in zip(batch, statuses, strict=True) if status is not None]
