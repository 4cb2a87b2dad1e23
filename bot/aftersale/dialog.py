"""/aftersale and the after-sale dialog (RULES §7): pick one of your after-sale customers (or come
straight from an `aftersale:<id>` button) → what to record → its note, the open item, the
satisfaction score and comment, as each needs → a summary to confirm → recorded, with what is due
next. Who may record is the use cases' (domain.aftersale_care) to say; this only asks and shows."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes, ConversationHandler, MessageHandler, filters

from bot.aftersale import birthday
from bot.aftersale.saving import save
from bot.aftersale.steps import (
    ACTION_LABEL,
    DIALOG,
    DRAFT,
    OPEN_PREFIX,
    Action,
    Step,
    cared_by,
    cared_one,
    header,
    list_page,
)
from bot.chat import commands, render
from bot.chat.choices import distinct_labels
from bot.chat.commands import ID
from bot.chat.common import lang
from bot.i18n.keys import Text
from bot.i18n.texts import raw, t
from bot.services import services
from domain.aftersale import MAX_SCORE, MIN_SCORE, CareItemKind
from domain.aftersale_customers import Cared
from domain.customer_details import Invalid
from domain.free_text import check_note
from domain.model import BrokenInvariant
from domain.registrations import Refused

_draft, _button = DIALOG.draft, DIALOG.button
_ITEM_KIND = {Action.SOLVED: CareItemKind.PROBLEM, Action.MET: CareItemKind.NEED}
_REQUIRED_NOTE = frozenset({Action.PROBLEM, Action.NEED})
_NOTE_QUESTION = {
    Action.CONTACT: Text.as_ask_contact_note,
    Action.PROBLEM: Text.as_ask_problem_note,
    Action.NEED: Text.as_ask_need_note,
    Action.SOLVED: Text.as_ask_close_note,
    Action.MET: Text.as_ask_close_note,
}


async def _show(update: Update, text: str, keyboard: InlineKeyboardMarkup | None, in_place: bool) -> None:
    if in_place and update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
        return
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/aftersale: the list, most pressing first, with a button each."""
    language, message = lang(update, context), update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    cared = await cared_by(update, context)
    if not cared:
        await message.reply_text(t(language, Text.as_none))
        return ConversationHandler.END
    DIALOG.new_draft(context)
    text, keyboard = list_page(context, language, cared, 0, services(context).rules.zone)
    await message.reply_text(text, reply_markup=keyboard)
    return Step.PICK


async def start_from_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`aftersale:<id>` on any message (a reminder): straight to what to record for that customer."""
    query = update.callback_query
    if query is None or query.data is None:
        raise BrokenInvariant("query, query.data is missing")
    language = lang(update, context)
    registration_id = commands.parse_id(query.data.split(":")[1])
    if registration_id is None:  # the pattern takes ids only
        raise BrokenInvariant("an after-sale button without an id")
    cared = await cared_one(update, context, registration_id)
    if isinstance(cared, Refused):
        await query.answer(render.refusal_alert(language, cared), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    DIALOG.new_draft(context)
    return await _ask_action(update, context, cared, in_place=False)


async def _pick(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    registration_id = commands.parse_id(args[0] if args else None)
    cared = await cared_one(update, context, registration_id) if registration_id else None
    if not isinstance(cared, Cared):  # care ended or the list is out of date
        await _show(update, t(lang(update, context), Text.as_gone), None, True)
        context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
        return ConversationHandler.END
    return await _ask_action(update, context, cared, in_place=True)


async def _turn_page(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    cared = await cared_by(update, context) or []
    page = int(args[0]) if args and args[0].isdigit() else 0
    text, keyboard = list_page(context, lang(update, context), cared, page, services(context).rules.zone)
    await _show(update, text, keyboard, True)
    return Step.PICK


async def _ask_action(
    update: Update, context: ContextTypes.DEFAULT_TYPE, cared: Cared, *, in_place: bool
) -> int:
    language, care = lang(update, context), cared.care
    draft = _draft(context)
    draft.update(
        registration_id=cared.registration.id,
        name=cared.registration.customer_name,
        first=care.contacts == 0 and care.satisfaction is None,
        open={kind.value: [[i.id, i.note] for i in care.open_items(kind)] for kind in CareItemKind},
    )
    actions = [Action.CONTACT, Action.PROBLEM, Action.NEED]
    if care.open_items(CareItemKind.PROBLEM):
        actions.append(Action.SOLVED)
    if care.open_items(CareItemKind.NEED):
        actions.append(Action.MET)
    if care.satisfaction is None and not care.ended(services(context).clock()):
        actions.append(Action.SATISFACTION)
    if not care.ended(services(context).clock()):
        actions.append(Action.BIRTHDAY)
    if care.ended(services(context).clock()):  # only finishing what was opened during care
        actions = [a for a in actions if a in _ITEM_KIND]
    actions.append(Action.RESALE)  # within the resale window the use case says (domain.resale)
    draft["offered"] = [a.value for a in actions]
    labelled = [_button(context, raw(language, ACTION_LABEL[a]), "act", a.value) for a in actions]
    rows = [labelled[i : i + 2] for i in range(0, len(labelled), 2)]
    rows.append([_button(context, raw(language, Text.cancel), "cancel")])
    text = header(language, cared, services(context).rules.zone) + "\n\n" + t(language, Text.as_ask_action)
    await _show(update, text, InlineKeyboardMarkup(rows), in_place)
    return Step.ACTION


async def _act(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    draft, language = _draft(context), lang(update, context)
    if not args or args[0] not in draft["offered"]:
        return Step.ACTION
    action = Action(args[0])
    draft["action"] = action.value
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    await _show(update, f"<b>{t(language, ACTION_LABEL[action])}</b>", None, False)
    if action is Action.SATISFACTION:
        return await _ask_score(update, context, skippable=False)
    if action is Action.RESALE:
        return await _ask_confirm(update, context)
    if action is Action.BIRTHDAY:
        await _show(update, t(language, Text.as_ask_birthday), None, False)
        return Step.BIRTHDAY
    if action in _ITEM_KIND:
        items = draft["open"][_ITEM_KIND[action].value]
        if len(items) > 1:
            labels = distinct_labels([(item_id, [note]) for item_id, note in items])
            rows = [[_button(context, label, "item", str(item_id))] for item_id, label in labels]
            rows.append([_button(context, raw(language, Text.cancel), "cancel")])
            await _show(update, t(language, Text.as_ask_item), InlineKeyboardMarkup(rows), False)
            return Step.ITEM
        draft["item_id"], draft["item_note"] = items[0]
    return await _ask_note(update, context)


async def got_birthday(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not await birthday.read(update, context, _draft(context)):
        return Step.BIRTHDAY
    return await _ask_confirm(update, context)


async def _item(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    draft = _draft(context)
    items = draft["open"][_ITEM_KIND[Action(draft["action"])].value]
    chosen = next((i for i in items if args and str(i[0]) == args[0]), None)
    if chosen is None:
        return Step.ITEM
    draft["item_id"], draft["item_note"] = chosen
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _ask_note(update, context)


async def _ask_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, action = lang(update, context), Action(_draft(context)["action"])
    keyboard = None
    if action not in _REQUIRED_NOTE:
        keyboard = InlineKeyboardMarkup([[_button(context, raw(language, Text.skip), "skipnote")]])
    await _show(update, t(language, _NOTE_QUESTION[action]), keyboard, False)
    return Step.NOTE


async def got_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    svc, language, message = services(context), lang(update, context), update.effective_message
    if message is None:
        raise BrokenInvariant("update.effective_message is missing")
    note = check_note(message.text, svc.rules)
    if isinstance(note, Invalid):
        await message.reply_text(render.problem_hint(language, note, svc.rules))
        return Step.NOTE
    if note is None and Action(_draft(context)["action"]) in _REQUIRED_NOTE:
        await message.reply_text(t(language, Text.refused_note_required))
        return Step.NOTE
    _draft(context)["note"] = note
    return await _after_note(update, context)


async def _skip_note(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    if Action(_draft(context)["action"]) in _REQUIRED_NOTE:
        return Step.NOTE
    _draft(context)["note"] = None
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _after_note(update, context)


async def _after_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    draft = _draft(context)
    if Action(draft["action"]) is Action.CONTACT and draft["first"]:
        return await _ask_score(update, context, skippable=True)
    return await _ask_confirm(update, context)


async def _ask_score(update: Update, context: ContextTypes.DEFAULT_TYPE, *, skippable: bool) -> int:
    language = lang(update, context)
    scores = range(MIN_SCORE, MAX_SCORE + 1)
    rows = [[_button(context, raw(language, Text.as_score_label, score=s), "score", str(s)) for s in scores]]
    if skippable:
        rows.append([_button(context, raw(language, Text.skip), "skipscore")])
    question = Text.as_ask_score_first if skippable else Text.as_ask_score
    await _show(update, t(language, question), InlineKeyboardMarkup(rows), False)
    return Step.SCORE


async def _score(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    if not args or args[0] not in {str(s) for s in range(MIN_SCORE, MAX_SCORE + 1)}:
        return Step.SCORE
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _scored(update, context, int(args[0]))


async def got_score(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("update.effective_message is missing")
    typed = (message.text or "").strip()
    if typed not in {str(s) for s in range(MIN_SCORE, MAX_SCORE + 1)}:
        await message.reply_text(t(lang(update, context), Text.as_bad_score))
        return Step.SCORE
    return await _scored(update, context, int(typed))


async def _scored(update: Update, context: ContextTypes.DEFAULT_TYPE, score: int) -> int:
    language = lang(update, context)
    _draft(context)["score"] = score
    skip = InlineKeyboardMarkup([[_button(context, raw(language, Text.skip), "skipcomment")]])
    await _show(update, t(language, Text.as_ask_comment), skip, False)
    return Step.COMMENT


async def _skip_score(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    if Action(_draft(context)["action"]) is not Action.CONTACT:
        return Step.SCORE
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _ask_confirm(update, context)


async def got_comment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    svc, message = services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("update.effective_message is missing")
    comment = check_note(message.text, svc.rules)
    if isinstance(comment, Invalid):
        await message.reply_text(render.problem_hint(lang(update, context), comment, svc.rules))
        return Step.COMMENT
    _draft(context)["comment"] = comment
    return await _ask_confirm(update, context)


async def _skip_comment(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    _draft(context)["comment"] = None
    return await _ask_confirm(update, context)


async def _ask_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, draft = lang(update, context), _draft(context)
    details = ""
    if draft.get("item_note"):
        details += t(language, Text.as_confirm_item, item=draft["item_note"])
    if draft.get("note"):
        details += t(language, Text.as_confirm_note, note=draft["note"])
    details += birthday.confirm_line(language, draft)
    if draft.get("score"):
        details += t(language, Text.as_confirm_score, score=draft["score"])
    if draft.get("comment"):
        details += t(language, Text.as_confirm_comment, comment=draft["comment"])
    action = raw(language, ACTION_LABEL[Action(draft["action"])])
    # The details are escaped texts already, and they end the summary.
    text = t(language, Text.as_confirm, name=draft["name"], action=action, details="") + details
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
    return await save(update, context, context.user_data.pop(DRAFT))  # type: ignore[union-attr]


async def use_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(t(lang(update, context), Text.use_buttons_above))


DIALOG.actions.update(
    pick=_pick,
    page=_turn_page,
    act=_act,
    item=_item,
    skipnote=_skip_note,
    score=_score,
    skipscore=_skip_score,
    skipcomment=_skip_comment,
    confirm=_confirm,
    cancel=DIALOG.cancel_button,
)
_buttons = DIALOG.on


def conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    return DIALOG.conversation(
        name="aftersale",
        entry_points=[
            commands.AFTERSALE.handler(start),
            CallbackQueryHandler(start_from_button, pattern=rf"^{OPEN_PREFIX}:{ID}$"),
        ],
        states={
            Step.PICK: [_buttons("pick", "page", "cancel"), MessageHandler(other, use_buttons)],
            Step.ACTION: [_buttons("act", "cancel"), MessageHandler(other, use_buttons)],
            Step.ITEM: [_buttons("item", "cancel"), MessageHandler(other, use_buttons)],
            Step.NOTE: [
                _buttons("skipnote"),
                MessageHandler(text, got_note),
                MessageHandler(other, use_buttons),
            ],
            Step.SCORE: [
                _buttons("score", "skipscore"),
                MessageHandler(text, got_score),
                MessageHandler(other, use_buttons),
            ],
            Step.COMMENT: [
                _buttons("skipcomment"),
                MessageHandler(text, got_comment),
                MessageHandler(other, use_buttons),
            ],
            Step.BIRTHDAY: [
                _buttons("cancel"),
                MessageHandler(text, got_birthday),
                MessageHandler(other, use_buttons),
            ],
            Step.CONFIRM: [_buttons("confirm", "cancel"), MessageHandler(other, use_buttons)],
        },
    )
