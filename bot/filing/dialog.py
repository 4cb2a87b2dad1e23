"""/new: the guided filing dialog (name → phone → address → needs → purchase time → obtained → confirm).

Each answer is checked at once with the same domain checks the filing uses, and a wrong answer
gets a specific hint and the same question again. The draft lives in user_data; every button
carries the draft's nonce, so a button from an older dialog answers "expired" instead of acting.
The summary, editing one field and the verdict are in bot.filing.confirmation.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.chat import commands, render
from bot.chat.common import current_staff, in_thread, lang
from bot.chat.parsing import parse_clock_time, parse_local_datetime, today_at, within_reach, yesterday_at
from bot.filing import confirmation
from bot.filing.questions import (
    ASK_OBTAINED_TIME,
    DIALOG,
    Step,
    ask,
    draft_of,
)
from bot.i18n.keys import Text
from bot.i18n.texts import t
from bot.services import Services, services
from domain.customer_details import (
    Invalid,
    Problem,
    check_address,
    check_name,
    check_needs,
    normalize_phone,
)
from domain.filing import (
    check_obtained_at,
    check_phone,
)
from domain.model import BrokenInvariant, ExpectedPurchase


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language = lang(update, context)
    if update.effective_message is None or update.effective_user is None:
        raise BrokenInvariant("update.effective_message, update.effective_user is missing")
    staff = await current_staff(update, context)
    if staff is None:
        await update.effective_message.reply_text(render.stranger(language, update.effective_user.id))
        return ConversationHandler.END
    if not staff.may_file:
        await update.effective_message.reply_text(t(language, Text.not_filer))
        return ConversationHandler.END
    DIALOG.new_draft(context)
    await update.effective_message.reply_text(t(language, Text.ask_name), reply_markup=ReplyKeyboardRemove())
    return Step.NAME


async def _after_answer(next_step: Step, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Go on to the next question, or back to the summary when one field was being edited."""
    if draft_of(context).get("editing"):
        return await confirmation.summary(update, context)
    return await ask(next_step, update, context)


async def _hint(update: Update, context: ContextTypes.DEFAULT_TYPE, problem: Invalid, step: Step) -> int:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(
        render.problem_hint(lang(update, context), problem, services(context).rules)
    )
    return step


async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    name = check_name(update.effective_message.text or "", services(context).rules)
    if isinstance(name, Invalid):
        return await _hint(update, context, name, Step.NAME)
    draft_of(context)["name"] = name
    return await _after_answer(Step.PHONE, update, context)


async def got_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    typed = message.contact.phone_number if message.contact else (message.text or "")
    phone = normalize_phone(typed, services(context).rules)
    if isinstance(phone, Invalid):
        return await _hint(update, context, phone, Step.PHONE)
    svc, draft, filer = services(context), draft_of(context), await current_staff(update, context)
    if filer is None:
        raise BrokenInvariant("the roster gate let a stranger into the filing dialog")
    name, now = draft["name"], svc.clock()
    refused = await in_thread(lambda: check_phone(svc.uow, svc.writer, filer, name, phone, now, svc.rules))
    if refused is not None:
        await message.reply_text("✓", reply_markup=ReplyKeyboardRemove())  # the contact keyboard
        return await confirmation.tell_verdict(update, context, refused)
    draft["phone"] = phone
    if draft.get("editing"):
        # The contact keyboard must go before the summary's inline buttons come.
        await message.reply_text("✓", reply_markup=ReplyKeyboardRemove())
    return await _after_answer(Step.ADDRESS, update, context)


async def got_address(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    address = check_address(update.effective_message.text or "", services(context).rules)
    if isinstance(address, Invalid):
        return await _hint(update, context, address, Step.ADDRESS)
    draft_of(context)["address"] = address
    return await _after_answer(Step.NEEDS, update, context)


async def got_needs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    needs = check_needs(update.effective_message.text or "", services(context).rules)
    if isinstance(needs, Invalid):
        return await _hint(update, context, needs, Step.NEEDS)
    draft_of(context)["needs"] = needs
    return await _after_answer(Step.PURCHASE, update, context)


async def got_obtained_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed time of today or yesterday, or a date and time for "earlier"."""
    message = update.effective_message
    if message is None:
        raise BrokenInvariant("message is missing")
    language, svc, mode = lang(update, context), services(context), draft_of(context).get("obtained_mode")
    now, zone = svc.clock(), svc.rules.zone
    text = message.text or ""
    if mode in ("today", "yesterday"):
        clock = parse_clock_time(text)
        if clock is None:
            await message.reply_text(t(language, Text.bad_time))
            # Today's hour buttons go with the question: below the hint, so they are at hand.
            return await _ask_obtained_time(update, context) if mode == "today" else Step.OBTAINED_TIME
        obtained = (today_at if mode == "today" else yesterday_at)(clock, now, zone)
    else:
        parsed = parse_local_datetime(text, now, zone)
        if parsed is None:
            await message.reply_text(t(language, Text.bad_datetime, example=_example(now, svc)))
            return Step.OBTAINED_TIME
        if not within_reach(parsed, now):
            await message.reply_text(t(language, Text.date_out_of_reach, example=_example(now, svc)))
            return Step.OBTAINED_TIME
        obtained = parsed
    return await _take_obtained(update, context, obtained)


async def _hour(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    """An hour button under "at what time today?"."""
    if not args or not args[0].isdigit() or int(args[0]) > 23:
        return Step.OBTAINED_TIME
    svc = services(context)
    await confirmation.done_with_buttons(update)
    return await _take_obtained(update, context, today_at(time(int(args[0])), svc.clock(), svc.rules.zone))


async def _take_obtained(update: Update, context: ContextTypes.DEFAULT_TYPE, obtained: datetime) -> int:
    """A time that has not come yet is a slip: say so and ask again, never read it as last year's.
    One too long ago is filed and answered `late` (RULES §3.3)."""
    svc = services(context)
    if isinstance(check_obtained_at(obtained, svc.clock(), svc.rules), Invalid):
        await _hint(update, context, Invalid(Problem.OBTAINED_IN_FUTURE), Step.OBTAINED_TIME)
        return await _ask_obtained_time(update, context)
    draft_of(context)["obtained_at"] = obtained.isoformat()
    return await confirmation.summary(update, context)


async def _ask_obtained_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    language, svc, mode = lang(update, context), services(context), draft_of(context).get("obtained_mode")
    now = svc.clock()
    keyboard = None
    if mode == "today":
        # The last hours up to now, on the hour; any other minute can be typed.
        hour = now.astimezone(svc.rules.zone).hour
        buttons = [
            DIALOG.button(context, f"{h}:00", "hour", str(h)) for h in range(max(0, hour - 11), hour + 1)
        ]
        keyboard = InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(
        t(language, ASK_OBTAINED_TIME[str(mode)], example=_example(now, svc)), reply_markup=keyboard
    )
    return Step.OBTAINED_TIME


def _example(now: datetime, svc: Services) -> str:
    local = now.astimezone(svc.rules.zone)
    return f"{local.month}-{max(1, local.day - 2)} 15:30"


async def _skip_needs(update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]) -> int:
    draft_of(context)["needs"] = None
    await confirmation.done_with_buttons(update)
    return await _after_answer(Step.PURCHASE, update, context)


async def _purchase(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    if not args or args[0] not in {p.value for p in ExpectedPurchase}:
        return Step.PURCHASE
    draft_of(context)["purchase"] = args[0]
    await confirmation.done_with_buttons(update)
    return await _after_answer(Step.OBTAINED, update, context)


async def _obtained(update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> int:
    svc, draft = services(context), draft_of(context)
    choice = args[0] if args else ""
    now = svc.clock()
    await confirmation.done_with_buttons(update)
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    if choice == "now":
        draft["obtained_at"] = now.isoformat()
    elif choice in ("today", "yesterday", "earlier"):
        draft["obtained_mode"] = choice
        return await _ask_obtained_time(update, context)
    else:
        return Step.OBTAINED
    return await confirmation.summary(update, context)


def _use_buttons(step: Step) -> Any:
    """Typing (or a sticker) where a button is expected: say so, and ask again below."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        if update.effective_message is None:
            raise BrokenInvariant("update.effective_message is missing")
        await update.effective_message.reply_text(t(lang(update, context), Text.use_buttons))
        if step is Step.CONFIRM:
            return await confirmation.summary(update, context)
        if step is Step.EDIT:
            return await confirmation.edit_choices(update, context, in_place=False)
        return await ask(step, update, context)

    return handler


def _ask_again(step: Step) -> Any:
    """A sticker, photo or file where text is expected: the step's question again."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        return await ask(step, update, context)

    return handler


DIALOG.actions.update(
    skip=_skip_needs,
    purchase=_purchase,
    obtained=_obtained,
    hour=_hour,
    confirm=confirmation.confirm,
    edit=confirmation.edit,
    field=confirmation.edit_field,
    back=confirmation.back,
    cancel=DIALOG.cancel_button,
)
_buttons = DIALOG.on


def conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    return DIALOG.conversation(
        name="filing",
        entry_points=[commands.NEW.handler(start)],
        states={
            Step.NAME: [MessageHandler(text, got_name), MessageHandler(other, _ask_again(Step.NAME))],
            Step.PHONE: [
                MessageHandler(text | filters.CONTACT, got_phone),
                MessageHandler(other, _ask_again(Step.PHONE)),
            ],
            Step.ADDRESS: [
                MessageHandler(text, got_address),
                MessageHandler(other, _ask_again(Step.ADDRESS)),
            ],
            Step.NEEDS: [
                _buttons("skip"),
                MessageHandler(text, got_needs),
                MessageHandler(other, _ask_again(Step.NEEDS)),
            ],
            Step.PURCHASE: [_buttons("purchase"), MessageHandler(text | other, _use_buttons(Step.PURCHASE))],
            Step.OBTAINED: [_buttons("obtained"), MessageHandler(text | other, _use_buttons(Step.OBTAINED))],
            Step.OBTAINED_TIME: [
                _buttons("hour"),
                MessageHandler(text, got_obtained_time),
                MessageHandler(other, _ask_obtained_time),
            ],
            Step.CONFIRM: [
                _buttons("confirm", "edit", "cancel"),
                MessageHandler(text | other, _use_buttons(Step.CONFIRM)),
            ],
            Step.EDIT: [
                _buttons("field", "back", "cancel"),
                MessageHandler(text | other, _use_buttons(Step.EDIT)),
            ],
        },
    )
