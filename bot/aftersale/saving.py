"""The after-sale dialog's last step: the use case its answers call (domain.aftersale_care), and the
reply — what was recorded and what is due next, in local time — or the refusal."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.aftersale.resale import save_resale
from bot.aftersale.steps import ACTION_LABEL, Action, day
from bot.chat import render
from bot.chat.common import in_thread, lang
from bot.delivery.notices import kick
from bot.i18n.keys import Text
from bot.i18n.texts import raw, t
from bot.services import Services, services
from domain.aftersale import CareItemKind, DueKind
from domain.aftersale_care import (
    CareDone,
    CareOutcome,
    close_care_item,
    open_care_item,
    record_aftersale_contact,
    record_birthday,
    record_satisfaction,
)
from domain.care_days import Birthday
from domain.model import BrokenInvariant

_CONTACTS = frozenset({DueKind.FIRST_CONTACT, DueKind.CONTACT})


def _record(svc: Services, tid: int, draft: dict[str, Any]) -> CareOutcome:
    action = Action(draft["action"])
    common: dict[str, Any] = {
        "actor_telegram_id": tid,
        "registration_id": draft["registration_id"],
        "now": svc.clock(),
        "rules": svc.rules,
    }
    if action is Action.CONTACT:
        return record_aftersale_contact(
            svc.writer,
            note=draft.get("note"),
            score=draft.get("score"),
            comment=draft.get("comment"),
            **common,
        )
    if action is Action.SATISFACTION:
        return record_satisfaction(svc.writer, score=draft["score"], comment=draft.get("comment"), **common)
    if action is Action.BIRTHDAY:
        month, day_, year = draft["birthday"]
        return record_birthday(svc.writer, birthday=Birthday(month, day_, year), **common)
    if action in (Action.PROBLEM, Action.NEED):
        kind = CareItemKind.PROBLEM if action is Action.PROBLEM else CareItemKind.NEED
        return open_care_item(svc.writer, kind=kind, note=draft.get("note"), **common)
    kind = CareItemKind.PROBLEM if action is Action.SOLVED else CareItemKind.NEED
    return close_care_item(svc.writer, kind=kind, item_id=draft["item_id"], note=draft.get("note"), **common)


def saved_text(language: str, action: Action, done: CareDone, svc: Services) -> str:
    """What was recorded, the next contact due, and the open problems and needs."""
    zone, now = svc.rules.zone, svc.clock()
    lines = [
        t(
            language,
            Text.as_saved,
            action=raw(language, ACTION_LABEL[action]),
            name=done.registration.customer_name,
        )
    ]
    contact = next((d for d in done.dues if d.kind in _CONTACTS), None)
    if contact is not None:
        lines.append(t(language, Text.as_next_contact, day=day(language, contact.due_at, zone)))
    elif not done.care.ended(now):
        lines.append(t(language, Text.as_no_contact_due))
    items = [d for d in done.dues if d.kind not in _CONTACTS]
    if items:
        lines.append(
            t(language, Text.as_open_items, count=len(items), day=day(language, items[0].due_at, zone))
        )
    return "\n".join(lines)


async def save(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any]) -> int:
    language, svc, user = lang(update, context), services(context), update.effective_user
    if user is None or update.effective_message is None:
        raise BrokenInvariant("user, update.effective_message is missing")
    if Action(draft["action"]) is Action.RESALE:
        return await save_resale(update, context, draft)
    outcome = await in_thread(lambda: _record(svc, user.id, draft))
    if not isinstance(outcome, CareDone):
        await update.effective_message.reply_text(render.refusal(language, outcome))
        return ConversationHandler.END
    await update.effective_message.reply_text(saved_text(language, Action(draft["action"]), outcome, svc))
    kick(context)
    return ConversationHandler.END
