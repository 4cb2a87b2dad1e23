"""A button whose moment has passed (its dialog ended or went on, its request was decided, the bot
restarted in between, or the data is forged) says what to do now, in its own context, and loses
its keyboard so it is not pressed again.

Each feature says, for the callback data prefix of its buttons, what such a button answers and
which command starts again (`expire`); a person who may not use that command is told the general
notice instead, never to send a command they cannot use."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.chat.commands import Command
from bot.chat.common import current_staff, lang
from bot.i18n.keys import Text
from bot.i18n.texts import raw
from bot.services import services
from domain.model import BrokenInvariant
from domain.roster import is_admin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Expired:
    text: Text  # what the button answers once its moment has passed
    again: Command | None = None  # the command that starts it again, if the text names one


_EXPIRED: dict[str, Expired] = {}


def expire(prefix: str, text: Text, again: Command | None = None) -> None:
    """What a stale button whose callback data starts with `prefix:` says."""
    _EXPIRED[prefix] = Expired(text, again)


async def expired_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Text:
    query = update.callback_query
    data = query.data if query is not None and query.data else ""
    expired = _EXPIRED.get(data.split(":", 1)[0])
    if expired is None:
        return Text.stale_button
    if expired.again is not None:
        staff = await current_staff(update, context)
        user = update.effective_user
        admin = user is not None and is_admin(user.id, staff, services(context).admin_ids)
        if not expired.again.offered(staff, admin):
            return Text.stale_button
    return expired.text


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE, text: Text | None = None) -> None:
    """The notice (this button's own, or `text`), and the pressed message loses its buttons."""
    query = update.callback_query
    if query is None:
        raise BrokenInvariant("update.callback_query is missing")
    notice = text if text is not None else await expired_text(update, context)
    await query.answer(raw(lang(update, context), notice), show_alert=True)
    await drop_buttons(query)


async def drop_buttons(query: CallbackQuery) -> None:
    """The pressed message keeps its text but not its buttons (best effort: the message may be
    gone, too old, or already without buttons)."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:
        log.debug("the stale button's keyboard stayed (%s)", type(exc).__name__)
