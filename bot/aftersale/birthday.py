"""The after-sale dialog's birthday step (客户关怀, domain.care_days): the typed birthday read into
the draft, or a hint saying what is wrong with it."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.chat.common import lang
from bot.i18n.keys import Text
from bot.i18n.texts import t
from bot.services import services
from domain.care_days import Birthday, BirthdayError, parse_birthday
from domain.model import BrokenInvariant

_BAD = {
    BirthdayError.FORMAT: Text.as_bad_birthday_format,
    BirthdayError.NO_SUCH_DAY: Text.as_bad_birthday_no_such_day,
    BirthdayError.FUTURE: Text.as_bad_birthday_future,
}


async def read(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any]) -> bool:
    """3-15, 3月15日, 1990-03-15 into the draft; False, with the hint sent, otherwise."""
    svc, message = services(context), update.effective_message
    if message is None:
        raise BrokenInvariant("update.effective_message is missing")
    found = parse_birthday(message.text or "", svc.clock().astimezone(svc.rules.zone).date())
    if isinstance(found, BirthdayError):
        await message.reply_text(t(lang(update, context), _BAD[found]))
        return False
    draft["birthday"] = [found.month, found.day, found.year]
    return True


def confirm_line(language: str, draft: dict[str, Any]) -> str:
    if not draft.get("birthday"):
        return ""
    month, day, year = draft["birthday"]
    return t(language, Text.as_confirm_birthday, birthday=str(Birthday(month, day, year)))
