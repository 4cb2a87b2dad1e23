"""The one error handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.common import lang
from bot.texts import t

log = logging.getLogger("leadbot")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The exception, never the update: updates carry customers' phones and addresses.
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None and update.effective_chat.type == "private":
        try:
            await context.bot.send_message(update.effective_chat.id, t(lang(update, context), "error"))
        except TelegramError:
            log.warning("could not tell the user about the error")
