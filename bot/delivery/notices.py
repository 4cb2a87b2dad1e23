"""Delivering the outbox (domain.notices): each notice rendered in its recipient's language from
what was recorded with the event, sent once, its result in the delivery log.

Handlers and commands never send a notice themselves: the use case records it, and `kick` asks for
a delivery pass right after the transaction commits, so people are told at once; the sweep's
pass every minute delivers whatever is left (retries, notices recorded by the command line)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import ContextTypes, ExtBot

from bot.chat.common import in_thread
from bot.decisions.keyboards import extension_keyboard, review_keyboard
from bot.delivery.attempts import send_and_record
from bot.i18n.keys import Text
from bot.i18n.labels import ROLE, keyed
from bot.i18n.texts import raw, t, when
from bot.runtime.rate_limits import BULK
from bot.services import Services
from domain.customer_details import display_phone, mask_name, mask_phone
from domain.model import NoticeKind, Role
from domain.notices import DueNotice, claim_notices

log = logging.getLogger(__name__)

BATCH = 100
# The notices without buttons: one text each (those asking a decision are built above).
_TEXT = keyed(
    "notice_",
    set(NoticeKind)
    - {
        NoticeKind.POSSIBLE_DUPLICATE,
        NoticeKind.REVIEW_REQUESTED,
        NoticeKind.EXTENSION_REQUESTED,
        NoticeKind.INVITE_USED,
    },
)


def notice_message(notice: DueNotice, svc: Services) -> tuple[str, InlineKeyboardMarkup | None]:
    entry, p, zone = notice.entry, notice.entry.payload, svc.rules.zone
    # An admin named in the settings only has no language on the roster: the one they invited in.
    known = notice.to.language if notice.to is not None else p.get("language")
    language = known or svc.settings.default_language
    registration_id = entry.registration_id or 0
    if entry.kind is NoticeKind.INVITE_USED:
        team = p.get("team")
        text = t(
            language,
            Text.notice_invite_used,
            name=p["name"],
            telegram_name=p["telegram_name"],
            role=raw(language, ROLE[Role(p["role"])]),
            team=raw(language, Text.team_suffix, team=team) if team else "",
        )
        return text, None
    if entry.kind is NoticeKind.POSSIBLE_DUPLICATE:
        # Each manager sees their own team's customer in full, the other team's masked (the domain
        # decided which is whose); they settle it with the buttons.
        filed, held = p.get("sees_filed", False), p.get("sees_held", False)
        other = p.get("other_phone")  # absent from notices recorded before it was added
        other_phone = (display_phone(other) if held else mask_phone(other)) if other else ""
        text = t(
            language,
            Text.needs_review_manager,
            filer=p["filer"],
            filer_team=p["filer_team"],
            holder=p["holder"],
            holder_team=p["holder_team"],
            name=p["name"] if filed else mask_name(p["name"]),
            phone=display_phone(p["phone"]) if filed else mask_phone(p["phone"]),
            other_name=p["other_name"] if held else mask_name(p["other_name"]),
            other_phone=other_phone,
        )
        return text, review_keyboard(language, registration_id, possible_duplicate=True)
    if entry.kind is NoticeKind.REVIEW_REQUESTED:
        text = t(
            language,
            Text.review_request,
            staff=p["other"],
            name=p["name"],
            phone=display_phone(p["phone"]),
            address=p["address"],
        )
        return text, review_keyboard(language, registration_id, possible_duplicate=False)
    until = datetime.fromisoformat(p["until"]) if p.get("until") else None
    if entry.kind is NoticeKind.EXTENSION_REQUESTED:
        text = t(
            language,
            Text.extend_request_to_head,
            staff=p["other"],
            name=p["name"],
            phone=display_phone(p["phone"]),
            expiry=when(language, until, zone) if until else "",
            reason=p["reason"],
        )
        return text, extension_keyboard(language, int(p["request_id"]))
    text = t(
        language,
        _TEXT[entry.kind],
        name=p["name"],
        phone=display_phone(p["phone"]),
        other=p["other"],
        days=svc.rules.lapse_after_days,
        until=when(language, until, zone) if until else "",
        reason=p.get("reason", ""),
    )
    return text, None


async def deliver_notices(
    bot: ExtBot[Any], svc: Services, *, going_on: Callable[[], bool] = lambda: True
) -> list[tuple[DueNotice, str]]:
    """Every notice due now, a batch at a time, until none is left or the bot is stopping (what
    is claimed and not sent is claimed again when its lease runs out). One recipient's failure
    is recorded for that notice alone; the others are sent all the same."""
    results: list[tuple[DueNotice, str]] = []
    while going_on():
        batch = await in_thread(
            partial(claim_notices, svc.writer, svc.clock(), limit=BATCH, lease=svc.settings.delivery_lease)
        )
        for notice in batch:
            if not going_on():
                break
            results.append((notice, await _deliver(bot, svc, notice)))
        if len(batch) < BATCH:
            break
    return results


async def _deliver(bot: ExtBot[Any], svc: Services, notice: DueNotice) -> str:
    text, keyboard = notice_message(notice, svc)

    async def send() -> None:
        await bot.send_message(notice.entry.chat_id, text, reply_markup=keyboard, rate_limit_args=BULK)

    status = await send_and_record(send, svc, notice.entry.id, notice.entry.attempts, svc.clock())
    if status != "sent":
        log.warning("notice %s to chat %s: %s", notice.entry.kind.value, notice.entry.chat_id, status)
    return status


def kick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deliver what the handler's use case just recorded, beside the next updates (not before
    them): the handler's own reply is never held back by its notices."""
    svc: Services = context.bot_data["services"]
    context.application.create_task(deliver_notices(context.bot, svc), name="notices")
