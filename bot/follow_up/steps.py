"""The follow-up dialog's steps, its buttons (also opened from /mine, verdicts and reminders) and
the page of registrations to pick from, and who holds what (bot.follow_up.dialog runs them)."""

from __future__ import annotations

from enum import IntEnum
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ContextTypes,
)

from bot.chat import commands
from bot.chat.choices import distinct_labels
from bot.chat.common import current_staff, in_thread
from bot.chat.dialogs import ButtonDialog
from bot.i18n.keys import Text
from bot.i18n.labels import STATE
from bot.i18n.texts import raw, t, when
from bot.services import services
from domain.model import FollowUpKind, Registration
from domain.roster import Held, my_registrations

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

DIALOG = ButtonDialog(
    PREFIX, DRAFT, Text.follow_cancelled, opened_by=commands.FOLLOW, ended_text=Text.stale_follow_up
)


def pick_page(
    context: ContextTypes.DEFAULT_TYPE, language: str, held: list[Held], page: int, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the registrations to pick from: name, phone's last digits and state, and the
    filing date only where two would read the same (bot.chat.choices)."""
    pages = max(1, -(-len(held) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = held[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    options = [
        (
            h.registration.id,
            [
                # The state always: which customers need a follow-up first.
                f"{h.registration.customer_name} ·{h.registration.phone[-4:]} · "
                f"{raw(language, STATE[h.standing.state])}",
                f"· {when(language, h.registration.filed_at, zone)}",
            ],
        )
        for h in shown
    ]
    rows = [[DIALOG.button(context, label, "pick", str(i))] for i, label in distinct_labels(options)]
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


async def held_by(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[Held] | None:
    """The registrations this person holds now (None for a stranger)."""
    staff = await current_staff(update, context)
    if staff is None:
        return None
    svc = services(context)

    def load() -> list[Held]:
        with svc.uow() as uow:
            return my_registrations(uow, staff, svc.clock(), svc.rules)

    return await in_thread(load)


async def why_not_held(update: Update, context: ContextTypes.DEFAULT_TYPE, registration_id: int) -> Text:
    """A button for a registration this person does not hold (now): theirs that ended or moved on
    since the button was shown, or somebody else's."""
    svc, staff = services(context), await current_staff(update, context)

    def load() -> Registration | None:
        with svc.uow() as uow:
            return uow.registrations.registration(registration_id)

    registration = await in_thread(load)
    if registration is not None and staff is not None and registration.holder_id == staff.id:
        return Text.follow_gone
    return Text.refused_not_holder
