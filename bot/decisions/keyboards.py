"""The buttons a decision is asked with: in the notice that asks it, and read back when pressed."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat import commands
from bot.chat.stale import expire
from bot.i18n.keys import Text
from bot.i18n.texts import raw

EXTEND = "ex"
DECIDE_EXTENSION = "exd"
REVIEW = "rv"

# Once its moment has passed: the /extend pick list starts again; a decision was taken or is gone.
expire(EXTEND, Text.stale_extend, again=commands.EXTEND)
expire(DECIDE_EXTENSION, Text.stale_decision)
expire(REVIEW, Text.stale_decision)


def review_keyboard(language: str, registration_id: int, *, possible_duplicate: bool) -> InlineKeyboardMarkup:
    """Approve/Reject for a pending filing; Keep/Void for a possible duplicate."""
    yes, no = (Text.keep, Text.void) if possible_duplicate else (Text.approve, Text.reject)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(raw(language, yes), callback_data=f"{REVIEW}:ok:{registration_id}"),
                InlineKeyboardButton(raw(language, no), callback_data=f"{REVIEW}:no:{registration_id}"),
            ]
        ]
    )


def extension_keyboard(language: str, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    raw(language, Text.approve), callback_data=f"{DECIDE_EXTENSION}:ok:{request_id}"
                ),
                InlineKeyboardButton(
                    raw(language, Text.decline), callback_data=f"{DECIDE_EXTENSION}:no:{request_id}"
                ),
            ]
        ]
    )
