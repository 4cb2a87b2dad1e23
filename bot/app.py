"""The one place that assembles the Telegram Application."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import arbitration_dialog, decisions, errors, group_handlers, jobs, filing_dialog, follow_up_dialog, history_handlers, roster_handlers
from bot.common import current_staff, in_thread, is_private, lang
from bot.config import Settings
from bot.services import Services, services, utc_now
from bot.texts import LANGUAGES, raw, t
from bot.updates import InboxQueue, LedgeredApplication
from storage.persistence import DatabasePersistence
from storage.update_ledger import UpdateLedger

log = logging.getLogger("leadbot")

# What the bot asks Telegram for (polling and webhook alike); the roster gate ignores the rest.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]

# Everyone's default menu; /start narrows it to each person's roles (bot.menus).
_MENU = ("new", "follow", "mine", "quota", "extend", "cancel", "start")


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utc_now,
    run_id: str | None = None,
) -> LedgeredApplication[Any, Any, Any, Any, Any, Any]:
    assert settings.telegram_token, "LEADBOT_TELEGRAM_TOKEN is required"
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .defaults(bot_defaults(settings))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    ledger = UpdateLedger(engine, run_id or uuid.uuid4().hex)
    inbox = InboxQueue(ledger, clock)
    builder = (
        builder.application_class(LedgeredApplication)
        .update_queue(inbox)
        .persistence(DatabasePersistence(engine, clock))
    )
    application = builder.build()
    assert isinstance(application, LedgeredApplication)
    application.ledger, application.clock = ledger, clock
    application.bot_data["services"] = Services(settings, engine, clock)

    # Before the dialogs (group 0), one handler per group: the roster gate that every private
    # update passes through, then the rule that starting a dialog ends any other left open.
    application.add_handler(TypeHandler(Update, _roster_gate), group=-2)
    application.add_handler(TypeHandler(Update, _one_dialog_at_a_time), group=-1)
    application.add_handler(filing_dialog.conversation())
    application.add_handler(follow_up_dialog.conversation())
    application.add_handler(arbitration_dialog.conversation())
    for handler in history_handlers.handlers():
        application.add_handler(handler)
    for handler in decisions.handlers():
        application.add_handler(handler)
    for handler in group_handlers.handlers():
        application.add_handler(handler)
    for handler in roster_handlers.handlers():
        application.add_handler(handler)
    application.add_handler(CommandHandler("cancel", _nothing_to_cancel))
    application.add_handler(CallbackQueryHandler(_stale))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, _idle))
    application.add_error_handler(errors.on_error)
    if settings.sweep_interval_seconds and application.job_queue is not None:
        # The database says what is due; this job only asks it every minute (DESIGN: scheduling).
        application.job_queue.run_repeating(jobs.sweep_job, interval=settings.sweep_interval_seconds, first=5, name="sweep")
    return application


def bot_defaults(settings: Settings) -> Defaults:
    """How every message goes out, from the chat or the command line: HTML, local times."""
    return Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.rules.zone)


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu, localized: Chinese by default, English for English-speaking phones."""
    settings: Settings = application.bot_data["services"].settings
    for language in LANGUAGES:
        commands = [BotCommand(c, raw(language, f"cmd_{c}")) for c in _MENU]
        code = None if language == settings.default_language else language
        try:
            await application.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code=code)
        except TelegramError as exc:  # the menu is a convenience; the bot works without it
            log.warning("could not set the command menu: %s", exc)


async def _roster_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Only staff on the roster get past this (RULES §2): strangers and the deactivated get a
    polite refusal and nothing else, whatever they send. An invitation link, and the admins who
    make them, pass."""
    if update.message is None and update.callback_query is None and update.my_chat_member is None:
        # Edits, channel posts and kinds Telegram adds later: not asked for (ALLOWED_UPDATES),
        # and an edited answer must not be read as the dialog's next one.
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is None:
        return
    message = update.effective_message
    if not is_private(update):
        # Groups get summaries only: nothing personal is asked or shown there (DESIGN).
        command = ((message.text or "") if message else "").split(maxsplit=1)[0:1]
        if command and command[0].split("@")[0] in _PRIVATE_COMMANDS:
            await message.reply_text(t(lang(update, context), "private_only"))  # type: ignore[union-attr]
            raise ApplicationHandlerStop
        return
    if message is not None and update.callback_query is None:
        text = message.text or ""
        if text.startswith("/start ") and len(text.split()) == 2:
            return
    svc = services(context)
    language = lang(update, context)
    staff = await current_staff(update, context)
    if staff is not None:
        if staff.language != language:
            await in_thread(lambda: _remember_language(svc, user.id, language))
        return
    if user.id in svc.admin_ids:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(raw(language, "stranger"), show_alert=True)
    elif message is not None:
        await message.reply_text(t(language, "stranger"))
    raise ApplicationHandlerStop


_PRIVATE_COMMANDS = frozenset(
    {"/start", "/new", "/follow", "/mine", "/quota", "/extend", "/history", "/arbitrate", "/invite"}
)

# Which dialog each opening command or button starts (ConversationHandler names).
_DIALOG_OPENERS = {
    "/new": "filing",
    "/follow": "follow_up",
    "/extend": "extend",
    "/arbitrate": "arbitrate",
    "/history": "history",
    "fu:go:": "follow_up",
    "ex:go:": "extend",
    "rv:no:": "review_reject",
}


async def _one_dialog_at_a_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A person starting a dialog leaves any other half-done one: otherwise the older dialog,
    registered first, would read the new dialog's answers as its own."""
    if update.callback_query is not None:
        opening = update.callback_query.data or ""
    elif update.effective_message is not None and (update.effective_message.text or "").startswith("/"):
        opening = update.effective_message.text.split(maxsplit=1)[0].split("@")[0]  # type: ignore[union-attr]
    else:
        return
    starting = next((name for prefix, name in _DIALOG_OPENERS.items() if opening.startswith(prefix)), None)
    if starting is None:
        return
    for handler in context.application.handlers[0]:
        if isinstance(handler, ConversationHandler) and handler.name != starting:
            # PTB has no public "end this conversation for this user"; _update_state is what
            # the handler itself uses, and keeps persistence in step.
            handler._update_state(ConversationHandler.END, handler._get_key(update))


def _remember_language(svc: Services, telegram_id: int, language: str) -> None:
    """Messages the bot sends unasked (takeovers, decisions) go out in the person's language."""
    with svc.writer() as uow:
        uow.set_language(telegram_id, language)
        uow.commit()


async def _nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(t(lang(update, context), "nothing_to_cancel"))


async def _stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(raw(lang(update, context), "stale_button"), show_alert=True)


async def _idle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything said in private outside a dialog (strangers never get here): the menu hint."""
    message = update.effective_message
    if message is None or not is_private(update):
        return
    await message.reply_text(t(lang(update, context), "idle_hint"))
