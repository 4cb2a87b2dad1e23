"""The follow-up dialog's steps, its buttons (also opened from /mine, verdicts and reminders) and
the page of registrations to pick from (bot.follow_up.dialog runs them)."""

from __future__ import annotations

from enum import IntEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import (
    ContextTypes,
)

from bot.chat.dialogs import ButtonDialog
from bot.i18n.keys import Text
from bot.i18n.labels import STATE
from bot.i18n.texts import raw, t
from domain.model import FollowUpKind
from domain.roster import Held

PREFIX = "fu"
DRAFT = "follow_up_draft"
PAGE_SIZE = 8
CONFIRMED_KINDS = frozenset({FollowUpKind.DEPOSIT, FollowUpKind.DEAL, FollowUpKind.LOST})


class Step(IntEnum):
    PICK = 1
    KIND = 2
    NOTE = 3
    NEXT = 4
    AMOUNT = 5
    CONFIRM = 6


def start_data(registration_id: int) -> str:
    """Callback data that opens this dialog for one customer, from any message."""
    return f"{PREFIX}:go:{registration_id}"


def start_button(language: str, registration_id: int) -> InlineKeyboardButton:
    """A button anywhere (a /mine entry, a verdict, a reminder) that opens this dialog for one customer."""
    return InlineKeyboardButton(raw(language, Text.follow_button), callback_data=start_data(registration_id))


# The next contact, in days from now (0: none planned).
NEXT_IN_DAYS = {1: Text.next_1, 3: Text.next_3, 7: Text.next_7, 0: Text.next_0}
# What a deposit, deal or loss means, said before it is confirmed; under review, provisional.
WARNING = {"deposit": Text.warning_deposit, "deal": Text.warning_deal, "lost": Text.warning_lost}
PROVISIONAL_WARNING = {"deposit": Text.warning_deposit_pending, "deal": Text.warning_deal_pending}

DIALOG = ButtonDialog(PREFIX, DRAFT, Text.follow_cancelled)


def pick_page(
    context: ContextTypes.DEFAULT_TYPE, language: str, held: list[Held], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, -(-len(held) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = []
    for h in held[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        r = h.registration
        label = f"{r.customer_name} ·{r.phone[-4:]} · {raw(language, STATE[h.standing.state])}"
        rows.append([DIALOG.button(context, label, "pick", str(r.id))])
    nav = []
    if page > 0:
        nav.append(DIALOG.button(context, raw(language, Text.page_prev), "page", str(page - 1)))
    if page < pages - 1:
        nav.append(DIALOG.button(context, raw(language, Text.page_next), "page", str(page + 1)))
    if nav:
        rows.append(nav)
    rows.append([DIALOG.button(context, raw(language, Text.cancel), "cancel")])
    suffix = f" ({page + 1}/{pages})" if pages > 1 else ""
    return t(language, Text.follow_pick) + suffix, InlineKeyboardMarkup(rows)
