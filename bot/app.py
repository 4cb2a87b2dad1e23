"""The one place that assembles the Telegram Application."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseRateLimiter,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.aftersale import dialog as aftersale_dialog
from bot.chat import commands, render
from bot.chat.commands import DIALOG_OF, GROUP_COMMANDS, command_of, is_group_button
from bot.chat.common import current_staff, in_thread, is_private, lang
from bot.chat.dialogs import bind_dialogs, open_dialog
from bot.chat.menus import drop_menu_of, set_default_menus, set_menu_for
from bot.chat.stale import stale
from bot.config import Settings
from bot.decisions import arbitration as arbitration_dialog
from bot.decisions import review_and_extension as decisions
from bot.delivery import sweep as jobs
from bot.digests import workbook as workbook_handlers
from bot.filing import dialog as filing_dialog
from bot.follow_up import dialog as follow_up_dialog
from bot.history import handlers as history_handlers
from bot.i18n.keys import Text
from bot.i18n.texts import language_of, raw, t
from bot.roster import groups as group_handlers
from bot.roster import handlers as roster_handlers
from bot.roster import invite as invite_dialog
from bot.runtime import errors
from bot.runtime.inbound_guard import guard_for, is_invite_link
from bot.runtime.rate_limits import LaneRateLimiter
from bot.runtime.updates import InboxQueue, LedgeredApplication, PollingBot, guard_of
from bot.services import Services, services, utc_now
from domain.model import BrokenInvariant
from domain.roster import is_admin
from domain.rules import Rules
from domain.working_days import CalendarKind, covers
from storage.db import checkpoint
from storage.persistence import DatabasePersistence
from storage.update_ledger import UpdateLedger

log = logging.getLogger("leadbot")

# What the bot asks Telegram for (polling and webhook alike); the roster gate ignores the rest.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
CHECKPOINT_INTERVAL_S = 10  # SQLite: the WAL stays a few MB between checkpoints at a busy hour


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utc_now,
    run_id: str | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> LedgeredApplication:
    """The bot as `leadbot run` starts it; tests and benches pass their own HTTP layer, clock
    and (when pacing is not what they measure) rate limiter."""
    bot = PollingBot(
        token=settings.required_token(),
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_file_base_url,
        defaults=bot_defaults(settings),
        # Replies before broadcasts: the sweep's and the outbox's sends are marked bulk.
        rate_limiter=rate_limiter or LaneRateLimiter(),
        # What ApplicationBuilder would make: a pool for replies, one connection for the long poll.
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(),
    )
    builder = ApplicationBuilder().bot(bot).post_init(_post_init)
    svc = Services(settings, engine, clock)
    # Recording or claiming an update reads the roster version too: the roster cache is current.
    ledger = UpdateLedger(engine, run_id or uuid.uuid4().hex, also_read=svc.staff.observe)
    inbox = InboxQueue(ledger, clock)
    builder = (
        builder.application_class(LedgeredApplication)
        .update_queue(inbox)
        .persistence(DatabasePersistence(engine, clock))
    )
    application = builder.build()
    if not isinstance(application, LedgeredApplication):
        raise BrokenInvariant("the builder did not use LedgeredApplication")
    application.ledger, application.clock = ledger, clock
    application.bot_data["services"] = svc
    inbox.guard = guard_for(svc, _refuser(application, settings))

    # Before the dialogs (group 0), one handler per group: the roster gate that every private
    # update passes through, then the rule that starting a dialog ends any other left open.
    application.add_handler(TypeHandler(Update, _roster_gate), group=-2)
    application.add_handler(TypeHandler(Update, _one_dialog_at_a_time), group=-1)
    application.add_handler(filing_dialog.conversation())
    application.add_handler(follow_up_dialog.conversation())
    application.add_handler(aftersale_dialog.conversation())
    application.add_handler(arbitration_dialog.conversation())
    application.add_handler(invite_dialog.conversation())
    for handler in history_handlers.handlers():
        application.add_handler(handler)
    for handler in decisions.handlers():
        application.add_handler(handler)
    for handler in group_handlers.handlers():
        application.add_handler(handler)
    for handler in roster_handlers.handlers():
        application.add_handler(handler)
    for handler in workbook_handlers.handlers():
        application.add_handler(handler)
    application.add_handler(commands.CANCEL.handler(_nothing_to_cancel))
    # Any button nothing above took: its moment has passed (bot.chat.stale says what to do now).
    application.add_handler(CallbackQueryHandler(stale))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, _idle))
    bind_dialogs(application)
    application.add_error_handler(errors.on_error)
    if settings.sweep_interval_seconds and application.job_queue is not None:
        # The database says what is due; this job only asks it every minute (DESIGN: scheduling).
        application.job_queue.run_repeating(
            jobs.sweep_job, interval=settings.sweep_interval_seconds, first=5, name="sweep"
        )
        if svc.engine.dialect.name == "sqlite":
            application.job_queue.run_repeating(
                _checkpoint_job,
                interval=CHECKPOINT_INTERVAL_S,
                first=CHECKPOINT_INTERVAL_S,
                name="checkpoint",
            )
    return application


async def _checkpoint_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """SQLite's WAL checkpoint, off the filings' path (storage.db.checkpoint)."""
    services_: Services = context.bot_data["services"]
    await in_thread(partial(checkpoint, services_.engine))


def bot_defaults(settings: Settings) -> Defaults:
    """How every message goes out, from the chat or the command line: HTML, local times."""
    return Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.rules.zone)


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menus, localized: Chinese by default, English for English-speaking phones."""
    services_: Services = application.bot_data["services"]
    warn_if_the_calendar_ends(services_.settings.rules, services_.clock())
    await set_default_menus(application.bot, services_.settings.default_language)


def warn_if_the_calendar_ends(rules: Rules, now: datetime) -> None:
    """The official calendar's data ends with the last year the State Council announced: say so
    at start-up, as that year's working days are then counted Monday to Friday."""
    year = now.astimezone(rules.zone).year
    if rules.working_days is CalendarKind.CN and not covers(year):
        log.warning(
            "the official holiday calendar has no data for %d: working days are counted Monday to "
            "Friday; update the chinese-calendar package or set LEADBOT_WORKING_DAYS",
            year,
        )


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
    if not is_private(update):
        await _group_gate(update, context)
        return
    if is_invite_link(update.message):
        return
    svc = services(context)
    language = lang(update, context)
    staff = await current_staff(update, context)
    if staff is not None:
        if staff.language != language:
            await in_thread(lambda: _remember_language(svc, user.id, language))
        # Their own menu, set again once their roles, team or language changed (bot.chat.menus).
        await set_menu_for(context.bot, user.id, staff, is_admin(user.id, staff, svc.admin_ids), language)
        return
    if user.id in svc.admin_ids:
        await set_menu_for(context.bot, user.id, None, True, language)
        return
    # Most strangers are turned away before the queue (bot.runtime.inbound_guard); this one came through
    # on a roster read before they were deactivated. From now on the guard turns them away too.
    guard = guard_of(context.application)
    if guard is not None:
        guard.refused(user.id)
    await _refuse_stranger(update, language)
    await drop_menu_of(context.bot, user.id)  # a staff member's menu no longer
    raise ApplicationHandlerStop


async def _refuse_stranger(update: Update, language: str) -> None:
    """The refusal, and in a message their numeric id to give the admin (an alert holds 200
    characters: the refusal only)."""
    if update.callback_query is not None:
        await update.callback_query.answer(raw(language, Text.stranger), show_alert=True)
    elif update.message is not None and update.effective_user is not None:
        await update.message.reply_text(render.stranger(language, update.effective_user.id))


def _refuser(application: LedgeredApplication, settings: Settings) -> Callable[[Update], None]:
    """The inbound guard's refusal: sent beside the update queue, never behind it."""

    async def refuse(update: Update, language: str) -> None:
        try:
            await _refuse_stranger(update, language)
        except TelegramError as exc:  # blocked the bot, or gone: nothing anyone can do
            log.info("the refusal to a stranger was not delivered (%s)", type(exc).__name__)

    def schedule(update: Update) -> None:
        user = update.effective_user
        language = language_of(user.language_code if user else None, settings.default_language)
        application.create_task(refuse(update, language), name="refuse-stranger")

    return schedule


async def _group_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Groups are an allow-list (RULES §2): the group commands, the bot's own group buttons and
    Telegram's service messages pass; any other command gets one line pointing to the private
    chat, and everything else — text, private dialogs' buttons — is ignored."""
    query = update.callback_query
    if query is not None:
        if not is_group_button(query.data):
            await query.answer()
            raise ApplicationHandlerStop
        return
    message = update.effective_message
    if (
        message is None
        or update.my_chat_member is not None
        or message.migrate_to_chat_id
        or message.migrate_from_chat_id
    ):
        return
    command = command_of(message, context.bot.username)
    if command in GROUP_COMMANDS:
        return
    if command is not None:
        await message.reply_text(t(lang(update, context), Text.private_only))
    raise ApplicationHandlerStop


# Which dialog each opening command or button starts (ConversationHandler names).
_DIALOG_OPENERS = {
    **DIALOG_OF,
    "fu:go:": "follow_up",
    "aftersale:": "aftersale",
    "ex:go:": "extend",
    "rv:no:": "review_reject",
}


async def _one_dialog_at_a_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A person starting a dialog leaves any other half-done one (bot.chat.dialogs.Dialog)."""
    if update.callback_query is not None:
        opening = update.callback_query.data or ""
    else:
        command = command_of(update.effective_message, context.bot.username)
        if command is None:
            return
        opening = f"/{command}"
    starting = next((name for prefix, name in _DIALOG_OPENERS.items() if opening.startswith(prefix)), None)
    if starting is None:
        return
    open_dialog(context.user_data, starting)  # type: ignore[arg-type]


def _remember_language(svc: Services, telegram_id: int, language: str) -> None:
    """Messages the bot sends unasked (takeovers, decisions) go out in the person's language.

    The person's remembered entry is dropped, so the updates already queued behind this one read
    the new language instead of writing it again (each write would mark its update committed,
    and a committed update is not handled again after a crash)."""
    with svc.writer() as uow:
        uow.roster.set_language(telegram_id, language)
        uow.commit()
    svc.staff.forget(telegram_id)


async def _nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        raise BrokenInvariant("update.effective_message is missing")
    await update.effective_message.reply_text(t(lang(update, context), Text.nothing_to_cancel))


async def _idle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything said in private outside a dialog (strangers never get here): the menu hint."""
    message = update.effective_message
    if message is None or not is_private(update):
        return
    await message.reply_text(t(lang(update, context), Text.idle_hint))
