"""/arbitrate (department head): phone → registration → transfer or credit → colleague → reason →
confirm. The use case checks entitlement again and logs every refusal."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.chat import commands, render
from bot.chat.choices import distinct_labels
from bot.chat.common import current_staff, in_thread, lang
from bot.chat.dialogs import ButtonDialog
from bot.delivery.notices import kick
from bot.i18n.keys import Text
from bot.i18n.labels import ARBITRATION, STATE
from bot.i18n.texts import raw, t, when
from bot.services import services
from domain.customer_details import Invalid, normalize_phone
from domain.decisions import Arbitration, arbitrate
from domain.free_text import check_reason
from domain.lifecycle import standing_at
from domain.model import BrokenInvariant, Registration, Role, Staff
from domain.registrations import Done

PREFIX = "arb"
DRAFT = "arbitration_draft"
PAGE = 8


class Step(IntEnum):
    PHONE = 1
    PICK = 2
    ACTION = 3
    TARGET = 4
    REASON = 5
    CONFIRM = 6


DIALOG = ButtonDialog(
    PREFIX, DRAFT, Text.follow_cancelled, opened_by=commands.ARBITRATE, ended_text=Text.stale_arbitration
)
_draft, _button = DIALOG.draft, DIALOG.button


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, message = lang(update, context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    staff = await current_staff(update, context)
    if staff is None or not staff.has(Role.DEPT_HEAD):
        await message.reply_text(t(language, Text.refused_not_entitled))
        return ConversationHandler.END
    DIALOG.new_draft(context)
    await message.reply_text(t(language, Text.arb_ask_phone))
    return Step.PHONE


async def got_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc, message = lang(update, context), services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    phone = normalize_phone(message.text or "", svc.rules)
    if isinstance(phone, Invalid):
        await message.reply_text(render.problem_hint(language, phone, svc.rules))
        return Step.PHONE

    def load() -> list[Registration]:
        with svc.uow() as uow:
            return uow.registrations.registrations_of_customer(phone)

    registrations = await in_thread(load)
    if not registrations:
        await message.reply_text(t(language, Text.arb_none))
        return Step.PHONE
    now, zone = svc.clock(), svc.rules.zone
    options = []
    for r in reversed(registrations[-PAGE:]):
        state = raw(language, STATE[standing_at(r, now, svc.rules).state])
        # Two of the same holder and state are told apart by their filing date.
        options.append(
            (
                r.id,
                [f"{r.customer_name} · {r.holder_name} · {state}", f"· {when(language, r.filed_at, zone)}"],
            )
        )
    rows = [[_button(context, label, "pick", str(i))] for i, label in distinct_labels(options)]
    await message.reply_text(t(language, Text.arb_pick), reply_markup=InlineKeyboardMarkup(rows))
    return Step.PICK


async def _pick(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    language, svc = lang(update, context), services(context)

    def load() -> Registration | None:
        with svc.uow() as uow:
            return uow.registrations.registration(int(args[0]))

    registration = await in_thread(load)
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    if registration is None:
        await update.callback_query.edit_message_text(t(language, Text.refused_not_found))
        return ConversationHandler.END
    _draft(context).update(
        registration_id=registration.id, name=registration.customer_name, holder=registration.holder_name
    )
    rows = []
    if registration.holds_claim and registration.closure is None:
        rows.append(
            [_button(context, raw(language, Text.arb_transfer), "action", Arbitration.TRANSFER.value)]
        )
    if registration.credited_to_id is not None:
        rows.append([_button(context, raw(language, Text.arb_credit), "action", Arbitration.CREDIT.value)])
    if not rows:
        await update.callback_query.edit_message_text(t(language, Text.arb_nothing))
        return ConversationHandler.END
    state = raw(language, STATE[standing_at(registration, svc.clock(), svc.rules).state])
    text = t(
        language,
        Text.arb_ask_action,
        name=registration.customer_name,
        holder=registration.holder_name,
        state=state,
    )
    await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    return Step.ACTION


async def _action(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    _draft(context)["decision"] = Arbitration(args[0]).value
    return await _targets(update, context, ["0"])


async def _targets(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    language, svc = lang(update, context), services(context)

    def load() -> tuple[list[Staff], dict[int, str]]:
        with svc.uow() as uow:
            teams = {team.id: team.name for team in uow.roster.teams()}
            return [s for s in uow.roster.all_staff() if s.may_file], teams

    people, teams = await in_thread(load)
    page = int(args[0]) if args and args[0].isdigit() else 0
    # Namesakes are told apart by their team.
    options = [
        (s.telegram_id, [s.name, f"· {teams.get(s.team_id or 0, '')}"])
        for s in people[page * PAGE : (page + 1) * PAGE]
    ]
    rows = [[_button(context, label, "to", str(i))] for i, label in distinct_labels(options)]
    nav = []
    if page > 0:
        nav.append(_button(context, raw(language, Text.page_prev), "people", str(page - 1)))
    if (page + 1) * PAGE < len(people):
        nav.append(_button(context, raw(language, Text.page_next), "people", str(page + 1)))
    if nav:
        rows.append(nav)
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_text(
        t(language, Text.arb_ask_target), reply_markup=InlineKeyboardMarkup(rows)
    )
    return Step.TARGET


async def _to(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    svc = services(context)

    def load() -> Staff | None:
        with svc.uow() as uow:
            return uow.roster.staff_by_telegram_id(int(args[0]))

    target = await in_thread(load)
    _draft(context).update(to_telegram_id=int(args[0]), to_name=target.name if target else args[0])
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_text(t(lang(update, context), Text.arb_ask_reason))
    return Step.REASON


async def got_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc, message = lang(update, context), services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    reason = check_reason(message.text, svc.rules)
    if isinstance(reason, Invalid):
        await message.reply_text(render.problem_hint(language, reason, svc.rules))
        return Step.REASON
    draft = _draft(context)
    draft["reason"] = reason
    what = raw(language, ARBITRATION[Arbitration(draft["decision"])])
    text = t(
        language,
        Text.arb_confirm,
        what=what,
        name=draft["name"],
        from_=draft["holder"],
        to=draft["to_name"],
        reason=reason,
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(context, raw(language, Text.confirm), "confirm"),
                _button(context, raw(language, Text.cancel), "cancel"),
            ]
        ]
    )
    await message.reply_text(text, reply_markup=keyboard)
    return Step.CONFIRM


async def _confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    language, svc, user = lang(update, context), services(context), update.effective_user
    draft = context.user_data.pop(DRAFT)  # type: ignore[union-attr]
    if user is None or update.callback_query is None:
        raise BrokenInvariant("user, update.callback_query is missing")
    outcome = await in_thread(
        lambda: arbitrate(
            svc.writer,
            actor_telegram_id=user.id,
            registration_id=draft["registration_id"],
            decision=Arbitration(draft["decision"]),
            to_telegram_id=draft["to_telegram_id"],
            reason=draft["reason"],
            now=svc.clock(),
            rules=svc.rules,
        )
    )
    if not isinstance(outcome, Done):
        await update.callback_query.edit_message_text(render.refusal(language, outcome))
        return ConversationHandler.END
    what = raw(language, ARBITRATION[Arbitration(draft["decision"])])
    await update.callback_query.edit_message_text(
        t(language, Text.arb_done, what=what, name=draft["name"], to=draft["to_name"])
    )
    kick(context)
    return ConversationHandler.END


DIALOG.actions.update(
    pick=_pick, action=_action, people=_targets, to=_to, confirm=_confirm, cancel=DIALOG.cancel_button
)
_buttons = DIALOG.on


def conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    return DIALOG.conversation(
        name="arbitrate",
        entry_points=[commands.ARBITRATE.handler(start)],
        states={
            Step.PHONE: [MessageHandler(text, got_phone)],
            Step.PICK: [_buttons("pick")],
            Step.ACTION: [_buttons("action")],
            Step.TARGET: [_buttons("to", "people")],
            Step.REASON: [MessageHandler(text, got_reason)],
            Step.CONFIRM: [_buttons("confirm", "cancel")],
        },
    )
