"""/history: a manager looks a customer up by phone and reads the whole timeline (RULES §2, §3, §4).

`/history 13800138000` answers at once; `/history` alone asks for the phone. What the reader may
see, and what is masked, is decided by domain.history; this module only asks and renders.
"""

from __future__ import annotations

import html
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler, MessageHandler, filters

from bot.chat import commands, render
from bot.chat.common import current_staff, in_thread, lang
from bot.chat.dialogs import Dialog
from bot.i18n.keys import Text
from bot.i18n.labels import DEADLINE, FOLLOW_UP_KIND, HISTORY_ENTRY, REJECTION_REASON, STATE
from bot.i18n.texts import joined, raw, t, when
from bot.services import services
from domain.customer_details import Invalid, display_phone
from domain.filing import Reason
from domain.history import (
    NOTED_EVENTS,
    Entry,
    RegistrationView,
    Timeline,
    customer_history,
    history_scope,
)
from domain.model import BrokenInvariant
from domain.registrations import Refusal, Refused

# Telegram refuses longer messages; counted in UTF-16 code units, as Telegram counts.
MESSAGE_LIMIT = 4096


class Step(IntEnum):
    PHONE = 1


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language = lang(update, context)
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    staff = await current_staff(update, context)
    if staff is None:
        await message.reply_text(t(language, Text.stranger))
        return ConversationHandler.END
    if history_scope(staff) is None:
        await message.reply_text(t(language, Text.history_not_entitled))
        return ConversationHandler.END
    if context.args:
        return await _look_up(update, context, " ".join(context.args))
    await message.reply_text(t(language, Text.history_ask_phone))
    return Step.PHONE


async def got_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    return await _look_up(
        update, context, message.contact.phone_number if message.contact else (message.text or "")
    )


async def _look_up(update: Update, context: ContextTypes.DEFAULT_TYPE, typed: str) -> int:
    language, svc = lang(update, context), services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        raise BrokenInvariant("message, user is missing")

    def load() -> Timeline | Refused | Invalid:
        with svc.uow() as uow:
            return customer_history(
                uow, actor_telegram_id=user.id, phone=typed, now=svc.clock(), rules=svc.rules
            )

    found = await in_thread(load)
    if isinstance(found, Invalid):
        await message.reply_text(render.problem_hint(language, found, svc.rules))
        return Step.PHONE
    if isinstance(found, Refused):
        key = {Refusal.NOT_STAFF: Text.stranger, Refusal.NOT_ENTITLED: Text.history_not_entitled}.get(
            found.refusal, Text.history_nothing
        )
        await message.reply_text(t(language, key))
        return ConversationHandler.END
    for chunk in split_message(timeline_text(language, found, svc.rules.zone)):
        await message.reply_text(chunk)
    return ConversationHandler.END


async def ask_again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A sticker or photo where the phone is expected."""
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(t(lang(update, context), Text.history_ask_phone))
    return Step.PHONE


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(t(lang(update, context), Text.history_cancelled))
    return ConversationHandler.END


# --- rendering ----------------------------------------------------------------------------------


def timeline_text(language: str, timeline: Timeline, zone: ZoneInfo) -> str:
    """HTML, one thing per line, so it can be split anywhere between lines."""
    lines = [t(language, Text.history_header, phone=display_phone(timeline.phone))]
    if timeline.registrations:
        lines += ["", t(language, Text.history_registrations, count=len(timeline.registrations))]
        for view in timeline.registrations:
            lines += _registration_lines(language, view, zone)
    lines += ["", t(language, Text.history_timeline)]
    lines += [_entry_line(language, entry, zone) for entry in timeline.entries]
    return "\n".join(lines)


def _registration_lines(language: str, view: RegistrationView, zone: ZoneInfo) -> list[str]:
    standing = view.standing
    line = t(
        language,
        Text.history_registration,
        id=view.id,
        name=view.customer_name,
        holder=view.holder,
        team=view.team,
        filed=when(language, view.filed_at, zone),
        state=raw(language, STATE[standing.state]),
    )
    if standing.challenging:
        line += t(language, Text.history_challenging, id=view.challenge_of_id)
    if standing.provisional is not None:
        line += t(language, Text.history_provisional, state=raw(language, STATE[standing.provisional]))
    if standing.deadline is not None:
        deadline = t(
            language,
            DEADLINE[standing.deadline.kind],
            at=when(language, standing.deadline.at, zone),
        )
        line += raw(language, Text.list_separator) + deadline
    detail = (
        t(language, Text.history_masked)
        if view.masked
        else t(language, Text.history_address, address=view.address)
    )
    return [line, detail]


def _entry_line(language: str, entry: Entry, zone: ZoneInfo) -> str:
    what = t(
        language,
        HISTORY_ENTRY[entry.kind],
        id=entry.registration_id,
        name=entry.customer_name,
        reason=raw(language, REJECTION_REASON[Reason(entry.reason)]) if entry.reason else "",
        other=entry.other or raw(language, Text.history_unknown_staff),
        kind=raw(language, FOLLOW_UP_KIND[entry.follow_up_kind]) if entry.follow_up_kind else "",
        until=when(language, entry.until, zone) if entry.until else "",
        item=entry.item_id or "",
        score=entry.score or "",
    )
    details = [what]
    if entry.amount is not None:
        details.append(t(language, Text.history_amount, amount=f"{entry.amount:,.2f}"))
    if entry.written:
        key = Text.history_note if entry.kind in NOTED_EVENTS else Text.history_reason
        details.append(t(language, key, text=entry.written))
    if entry.next_contact_at is not None:
        details.append(t(language, Text.history_next_contact, at=when(language, entry.next_contact_at, zone)))
    actor = entry.actor or raw(language, Text.history_unknown_staff)
    # The parts are escaped already; raw() puts them together without escaping them twice.
    return raw(
        language,
        Text.history_line,
        at=html.escape(when(language, entry.at, zone), quote=False),
        actor=html.escape(actor, quote=False),
        what=joined(language, details),
    )


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Messages of at most `limit`, cut between lines. No line comes near the limit: notes and
    reasons are capped at 500 characters."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        length = _utf16_len(line) + (1 if current else 0)
        if current and size + length > limit:
            chunks.append("\n".join(current).strip("\n"))
            current, size, length = [], 0, _utf16_len(line)
        current.append(line)
        size += length
    chunks.append("\n".join(current).strip("\n"))
    return [chunk for chunk in chunks if chunk]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def handlers() -> list[Any]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND & ~filters.CONTACT & ~filters.StatusUpdate.ALL
    return [
        Dialog(
            entry_points=[commands.HISTORY.handler(start)],
            states={
                Step.PHONE: [
                    MessageHandler(text | filters.CONTACT, got_phone),
                    MessageHandler(other, ask_again),
                ],
            },
            fallbacks=[commands.CANCEL.handler(cancel)],
            name="history",
        )
    ]
