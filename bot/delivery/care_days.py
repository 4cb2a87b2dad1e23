"""Care-day greeting reminders (客户关怀) as the sweep sends them: domain.care_days decides what is
due and claims it in the delivery log; this module renders and delivers. The holder's private chat
gets every customer of the day with the full phone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from telegram.ext import ExtBot

from bot.delivery.attempts import send_and_record
from bot.i18n.keys import Text
from bot.i18n.texts import t
from bot.runtime.rate_limits import BULK
from bot.services import Services
from domain.care_days import CareDayOutgoing, Occasion
from domain.customer_details import display_phone
from storage.event_log import events

log = logging.getLogger(__name__)

LISTED = 60  # customers listed in one message (Telegram takes 4096 characters); the rest counted
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def day_text(language: str, day: date) -> str:
    if language == "en":
        return f"{_WEEKDAYS['en'][day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]}"
    return f"{day.month}月{day.day}日（周{_WEEKDAYS['zh'][day.weekday()]}）"


def care_day_message(outgoing: CareDayOutgoing, svc: Services) -> str:
    language = outgoing.to.language or svc.settings.default_language
    care_day, customers = outgoing.care_day, outgoing.customers
    day = day_text(language, care_day.day)
    if care_day.occasion is Occasion.FESTIVAL:
        festival = care_day.name_en if language == "en" else care_day.name_zh
        head = t(language, Text.care_day_festival, day=day, festival=festival, count=len(customers))
    else:
        head = t(language, Text.care_day_birthday, day=day, count=len(customers))
    lines = [
        t(language, Text.care_day_line, name=c.name, phone=display_phone(c.phone)) for c in customers[:LISTED]
    ]
    if len(customers) > LISTED:
        lines.append(t(language, Text.care_day_more, count=len(customers) - LISTED))
    return "\n".join([head, *lines])


async def deliver_care_day(bot: ExtBot[Any], svc: Services, outgoing: CareDayOutgoing, now: datetime) -> str:
    text = care_day_message(outgoing, svc)

    async def send() -> None:
        await bot.send_message(outgoing.to.telegram_id, text, rate_limit_args=BULK)

    status = await send_and_record(send, svc, outgoing.delivery_id, outgoing.attempts, now)
    if status == "sent":
        events.info(
            "care-day reminder sent: %s to staff %s",
            outgoing.care_day.reference,
            outgoing.to.id,
            extra={"event": "reminder_sent", "reminder": "care_day", "staff_id": outgoing.to.id},
        )
    else:
        log.warning(
            "care-day reminder %s to staff %s: %s", outgoing.care_day.reference, outgoing.to.id, status
        )
    return status


async def deliver_care_day_batch(
    bot: ExtBot[Any],
    svc: Services,
    batch: list[CareDayOutgoing],
    now: datetime,
    going_on: Callable[[], bool],
    counted: Callable[[int], None],
) -> list[tuple[CareDayOutgoing, str]]:
    """One message per holder; everyone's at once (the rate limiter paces them)."""
    statuses: list[str | None] = [None] * len(batch)

    async def deliver_one(index: int) -> None:
        if going_on():
            statuses[index] = await deliver_care_day(bot, svc, batch[index], now)
            counted(1)

    async with asyncio.TaskGroup() as group:
        for index in range(len(batch)):
            group.create_task(deliver_one(index))
    return [(one, status) for one, status in zip(batch, statuses, strict=True) if status is not None]
