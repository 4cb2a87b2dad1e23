"""/follow: record a follow-up — pick the registration → kind → note → next contact (→ amount →
confirm for deposits, deals and losses) → saved, with the new state and next deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.chat import commands, render
from bot.chat.commands import ID
from bot.chat.common import in_thread, lang
from bot.chat.parsing import parse_local_datetime, within_reach
from bot.delivery.notices import kick
from bot.follow_up.steps import (
    DIALOG,
    DRAFT,
    NEXT_IN_DAYS,
    PREFIX,
    PROVISIONAL_WARNING,
    WARNING,
    Step,
    held_by,
    pick_page,
    why_not_held,
)
from bot.i18n.keys import Text
from bot.i18n.labels import FOLLOW_UP_KIND, STATE
from bot.i18n.texts import raw, t, when
from bot.services import Services, services
from domain.customer_details import Invalid
from domain.free_text import check_note
from domain.model import BrokenInvariant, FollowUpKind, State
from domain.registrations import MAX_AMOUNT, Done, Refusal, parse_amount, record_follow_up

_draft, _button = DIALOG.draft, DIALOG.button


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language = lang(update, context)
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    held = await held_by(update, context)
    if not held:
        await message.reply_text(t(language, Text.follow_none))
        return ConversationHandler.END
    DIALOG.new_draft(context)
    if len(held) == 1:
        _draft(context).update(
            registration_id=held[0].registration.id,
            name=held[0].registration.customer_name,
            pending_review=held[0].standing.state is State.PENDING_REVIEW,
        )
        return await _ask_kind(update, context, in_place=False)
    text, keyboard = pick_page(context, language, held, 0, services(context).rules.zone)
    await message.reply_text(text, reply_markup=keyboard)
    return Step.PICK


async def start_from_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`fu:go:<id>` on a /mine entry or a verdict: straight to the kind for that customer."""
    query = update.callback_query
    if query is None or query.data is None:
        raise BrokenInvariant("query, query.data is missing")
    language = lang(update, context)
    held = await held_by(update, context) or []
    registration_id = int(query.data.split(":")[2])
    chosen = next((h for h in held if h.registration.id == registration_id), None)
    if chosen is None:
        await query.answer(
            raw(language, await why_not_held(update, context, registration_id)), show_alert=True
        )
        return ConversationHandler.END
    await query.answer()
    DIALOG.new_draft(
        context,
        registration_id=chosen.registration.id,
        name=chosen.registration.customer_name,
        pending_review=chosen.standing.state is State.PENDING_REVIEW,
    )
    return await _ask_kind(update, context, in_place=False)


async def _ask_kind(update: Update, context: ContextTypes.DEFAULT_TYPE, *, in_place: bool) -> int:
    language = lang(update, context)
    kinds = list(FollowUpKind)
    rows = [
        [_button(context, raw(language, FOLLOW_UP_KIND[k]), "kind", k.value) for k in kinds[i : i + 2]]
        for i in range(0, len(kinds), 2)
    ]
    rows.append([_button(context, raw(language, Text.cancel), "cancel")])
    text = t(language, Text.follow_ask_kind, name=_draft(context)["name"])
    await _show(update, text, InlineKeyboardMarkup(rows), in_place)
    return Step.KIND


async def _show(update: Update, text: str, keyboard: InlineKeyboardMarkup | None, in_place: bool) -> None:
    if in_place and update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    else:
        if update.effective_message is None:
            raise BrokenInvariant("update.effective_message is missing")
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def _pick(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    held = await held_by(update, context) or []
    chosen = next((h for h in held if [str(h.registration.id)] == args), None)
    if chosen is None:  # closed or moved meanwhile: the list is out of date
        await _show(update, t(lang(update, context), Text.follow_gone), None, True)
        return ConversationHandler.END
    _draft(context).update(
        registration_id=chosen.registration.id,
        name=chosen.registration.customer_name,
        pending_review=chosen.standing.state is State.PENDING_REVIEW,
    )
    return await _ask_kind(update, context, in_place=True)


async def _turn_page(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    held = await held_by(update, context) or []
    page = int(args[0]) if args and args[0].isdigit() else 0
    text, keyboard = pick_page(context, lang(update, context), held, page, services(context).rules.zone)
    await _show(update, text, keyboard, True)
    return Step.PICK


async def _kind(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    language = lang(update, context)
    try:
        kind = FollowUpKind(args[0])
    except (IndexError, ValueError):
        return Step.KIND
    _draft(context)["kind"] = kind.value
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    label = raw(language, FOLLOW_UP_KIND[kind])
    await update.callback_query.edit_message_text(
        t(language, Text.follow_ask_kind, name=_draft(context)["name"]) + f" <b>{label}</b>"
    )
    skip = InlineKeyboardMarkup([[_button(context, raw(language, Text.skip), "skipnote")]])
    await _show(update, t(language, Text.follow_ask_note), skip, False)
    return Step.NOTE


async def got_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    svc = services(context)
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    note = check_note(update.effective_message.text, svc.rules)
    if isinstance(note, Invalid):
        await update.effective_message.reply_text(render.problem_hint(lang(update, context), note, svc.rules))
        return Step.NOTE
    _draft(context)["note"] = note
    return await _ask_next(update, context)


async def _skip_note(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    _draft(context)["note"] = None
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _ask_next(update, context)


async def _ask_next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language = lang(update, context)
    kind = FollowUpKind(_draft(context)["kind"])
    if kind in (FollowUpKind.DEAL, FollowUpKind.LOST):
        # Nothing to plan after a deal (after-sale care comes later) or a lost customer.
        return await _after_next(update, context)
    row = [_button(context, raw(language, NEXT_IN_DAYS[d]), "next", str(d)) for d in NEXT_IN_DAYS]
    text = t(language, Text.follow_ask_next, example=_example(services(context)))
    await _show(update, text, InlineKeyboardMarkup([row[:2], row[2:]]), False)
    return Step.NEXT


def _example(svc: Services) -> str:
    ahead = (svc.clock() + timedelta(days=2)).astimezone(svc.rules.zone)
    return f"{ahead.month}-{ahead.day} 15:30"


async def got_next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date and time for the next contact: it must lie ahead (a year left out means
    the nearest such date, so '1-5' typed in December is next January's)."""
    language, svc, message = lang(update, context), services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    now = svc.clock()
    planned = parse_local_datetime(message.text or "", now, svc.rules.zone)
    if planned is None:
        await message.reply_text(t(language, Text.bad_datetime, example=_example(svc)))
        return Step.NEXT
    if not within_reach(planned, now):
        await message.reply_text(t(language, Text.date_out_of_reach, example=_example(svc)))
        return Step.NEXT
    if planned <= now:
        await message.reply_text(t(language, Text.next_contact_past))
        return Step.NEXT
    _draft(context)["next_contact_at"] = planned.isoformat()
    return await _after_next(update, context)


async def _next(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    days = int(args[0]) if args and args[0] in {"0", "1", "3", "7"} else 0
    svc = services(context)
    _draft(context)["next_contact_at"] = (svc.clock() + timedelta(days=days)).isoformat() if days else None
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _after_next(update, context)


async def _after_next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language = lang(update, context)
    kind = FollowUpKind(_draft(context)["kind"])
    if kind is FollowUpKind.DEPOSIT:
        skip = InlineKeyboardMarkup([[_button(context, raw(language, Text.skip), "skipamount")]])
        await _show(update, t(language, Text.follow_ask_amount_deposit), skip, False)
        return Step.AMOUNT
    if kind is FollowUpKind.DEAL:
        await _show(update, t(language, Text.follow_ask_amount_deal), None, False)
        return Step.AMOUNT
    if kind is FollowUpKind.LOST:
        return await _ask_confirm(update, context)
    return await _save(update, context)


async def got_amount(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language = lang(update, context)
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    amount = parse_amount(update.effective_message.text)
    if amount is Refusal.AMOUNT_TOO_LARGE:
        await update.effective_message.reply_text(
            t(language, Text.amount_too_large, max=f"{MAX_AMOUNT:,.0f}")
        )
        return Step.AMOUNT
    if amount is None or isinstance(amount, Refusal):
        await update.effective_message.reply_text(t(language, Text.bad_amount))
        return Step.AMOUNT
    _draft(context)["amount"] = str(amount)
    return await _ask_confirm(update, context)


async def _skip_amount(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    _draft(context)["amount"] = None
    return await _ask_confirm(update, context)


async def _ask_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Deposits, deals and losses settle credit or free the customer: a summary first."""
    language, draft = lang(update, context), _draft(context)
    kind = draft["kind"]
    text = t(
        language,
        Text.follow_confirm,
        name=draft["name"],
        kind=raw(language, FOLLOW_UP_KIND[FollowUpKind(kind)]),
        amount=raw(language, Text.amount_suffix, amount=draft["amount"]) if draft.get("amount") else "",
        # Under review a deposit or deal is provisional: the credit is not theirs until approved.
        warning=raw(
            language,
            PROVISIONAL_WARNING[kind]
            if draft.get("pending_review") and kind in PROVISIONAL_WARNING
            else WARNING[kind],
        ),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(context, raw(language, Text.confirm), "confirm"),
                _button(context, raw(language, Text.cancel), "cancel"),
            ]
        ]
    )
    await _show(update, text, keyboard, False)
    return Step.CONFIRM


async def _confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _save(update, context)


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc, draft = lang(update, context), services(context), context.user_data.pop(DRAFT)  # type: ignore[union-attr]
    user = update.effective_user
    if user is None or update.effective_message is None:
        raise BrokenInvariant("user, update.effective_message is missing")
    next_contact = datetime.fromisoformat(draft["next_contact_at"]) if draft.get("next_contact_at") else None
    amount = Decimal(draft["amount"]) if draft.get("amount") else None
    kind = FollowUpKind(draft["kind"])
    outcome = await in_thread(
        lambda: record_follow_up(
            svc.writer,
            actor_telegram_id=user.id,
            registration_id=draft["registration_id"],
            kind=kind,
            note=draft.get("note"),
            amount=amount,
            next_contact_at=next_contact,
            now=svc.clock(),
            rules=svc.rules,
        )
    )
    if not isinstance(outcome, Done):
        await update.effective_message.reply_text(render.refusal(language, outcome))
        return ConversationHandler.END
    lines = [
        t(
            language,
            Text.follow_saved,
            kind=raw(language, FOLLOW_UP_KIND[kind]),
            name=outcome.registration.customer_name,
            state=raw(language, STATE[outcome.standing.state]),
        ),
        render.next_step(language, outcome.standing.deadline, svc.rules.zone, first=False),
    ]
    if next_contact is not None:
        lines.append(t(language, Text.follow_next_contact, at=when(language, next_contact, svc.rules.zone)))
    await update.effective_message.reply_text("\n".join(line for line in lines if line))
    kick(context)
    return ConversationHandler.END


async def use_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(t(lang(update, context), Text.use_buttons_above))


DIALOG.actions.update(
    pick=_pick,
    page=_turn_page,
    kind=_kind,
    skipnote=_skip_note,
    next=_next,
    skipamount=_skip_amount,
    confirm=_confirm,
    cancel=DIALOG.cancel_button,
)
_buttons = DIALOG.on


def conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    return DIALOG.conversation(
        name="follow_up",
        entry_points=[
            commands.FOLLOW.handler(start),
            CallbackQueryHandler(start_from_button, pattern=rf"^{PREFIX}:go:{ID}$"),
        ],
        states={
            Step.PICK: [_buttons("pick", "page", "cancel"), MessageHandler(other, use_buttons)],
            Step.KIND: [_buttons("kind", "cancel"), MessageHandler(other, use_buttons)],
            Step.NOTE: [
                _buttons("skipnote"),
                MessageHandler(text, got_note),
                MessageHandler(other, use_buttons),
            ],
            Step.NEXT: [_buttons("next"), MessageHandler(text, got_next), MessageHandler(other, use_buttons)],
            Step.AMOUNT: [
                _buttons("skipamount"),
                MessageHandler(text, got_amount),
                MessageHandler(other, use_buttons),
            ],
            Step.CONFIRM: [_buttons("confirm", "cancel"), MessageHandler(other, use_buttons)],
        },
    )
