"""The after-sale dialog's steps, its buttons (`aftersale:<id>` opens it from any message, e.g. a
reminder) and how a customer's care reads: what is due and by which day, in local time."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.chat import commands
from bot.chat.choices import distinct_labels
from bot.chat.common import current_staff, in_thread
from bot.chat.dialogs import ButtonDialog
from bot.i18n.keys import Text
from bot.i18n.texts import raw, t
from bot.services import services
from domain.aftersale import Due, DueKind
from domain.aftersale_customers import Cared, aftersale_customers, one_cared
from domain.customer_details import display_phone
from domain.registrations import Refused

PREFIX = "as"  # the dialog's own buttons: as:<nonce>:<action>[:<arg>]
OPEN_PREFIX = "aftersale"  # aftersale:<registration id>, from any message
DRAFT = "aftersale_draft"
PAGE_SIZE = 8


class Step(IntEnum):
    PICK = 1
    ACTION = 2
    ITEM = 3
    NOTE = 4
    SCORE = 5
    COMMENT = 6
    CONFIRM = 7
    BIRTHDAY = 8


class Action(StrEnum):
    CONTACT = "contact"
    PROBLEM = "problem"
    NEED = "need"
    SOLVED = "solved"
    MET = "met"
    SATISFACTION = "satisfaction"
    RESALE = "resale"  # a repeat purchase: a new registration from the won one (domain.resale)
    BIRTHDAY = "birthday"


ACTION_LABEL = {
    Action.CONTACT: Text.as_action_contact,
    Action.PROBLEM: Text.as_action_problem,
    Action.NEED: Text.as_action_need,
    Action.SOLVED: Text.as_action_solved,
    Action.MET: Text.as_action_met,
    Action.SATISFACTION: Text.as_action_satisfaction,
    Action.RESALE: Text.as_action_resale,
    Action.BIRTHDAY: Text.as_action_birthday,
}
DUE_LABEL = {
    DueKind.FIRST_CONTACT: Text.as_due_first_contact,
    DueKind.CONTACT: Text.as_due_contact,
    DueKind.PROBLEM: Text.as_due_problem,
    DueKind.NEED: Text.as_due_need,
}

DIALOG = ButtonDialog(
    PREFIX, DRAFT, Text.as_cancelled, opened_by=commands.AFTERSALE, ended_text=Text.stale_aftersale
)
_WEEKDAYS = {
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def start_data(registration_id: int) -> str:
    """Callback data that opens the after-sale dialog at one customer, from any message."""
    return f"{OPEN_PREFIX}:{registration_id}"


def start_button(language: str, registration_id: int) -> InlineKeyboardButton:
    """A button for any message (an after-sale reminder, a list) into the dialog for one customer."""
    return InlineKeyboardButton(raw(language, Text.as_button), callback_data=start_data(registration_id))


def day(language: str, at: datetime, zone: ZoneInfo) -> str:
    """The local day a deadline falls in: '12月8日（周二）' / 'Tue 8 Dec'. A deadline at local
    midnight (the end of a working day) is that day's, not the next one's."""
    local = (at - timedelta(microseconds=1)).astimezone(zone)
    weekday = _WEEKDAYS["en" if language == "en" else "zh"][local.weekday()]
    if language == "en":
        return f"{weekday} {local.day} {_MONTHS_EN[local.month - 1]}"
    return f"{local.month}月{local.day}日（{weekday}）"


def due_text(language: str, due: Due | None, zone: ZoneInfo) -> str:
    if due is None:
        return raw(language, Text.as_due_nothing)
    text = raw(language, DUE_LABEL[due.kind], day=day(language, due.due_at, zone))
    return f"{text} {raw(language, Text.as_overdue)}" if due.overdue else text


def header(language: str, cared: Cared, zone: ZoneInfo) -> str:
    """Who the customer is — the full phone: only the holder and the team's customer service get
    here, in a private chat (RULES §2) — what is due and the satisfaction on record."""
    rated = cared.care.satisfaction
    satisfaction = (
        t(language, Text.as_satisfaction, score=rated.score)
        if rated
        else t(language, Text.as_satisfaction_none)
    )
    dues = "\n".join(f"• {due_text(language, d, zone)}" for d in cared.dues) or due_text(language, None, zone)
    return t(
        language,
        Text.as_header,
        name=cared.registration.customer_name,
        phone=display_phone(cared.registration.phone),
        dues=dues,
        satisfaction=satisfaction,
    )


def list_page(
    context: ContextTypes.DEFAULT_TYPE, language: str, cared: list[Cared], page: int, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the person's after-sale customers, most pressing first, each with what is due and
    by when; a button each (distinct labels) into the dialog."""
    pages = max(1, -(-len(cared) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = cared[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [t(language, Text.as_list, count=len(cared))]
    for n, c in enumerate(shown, start=page * PAGE_SIZE + 1):
        r = c.registration
        due = due_text(language, c.next_due, zone)
        lines.append(t(language, Text.as_list_line, n=n, name=r.customer_name, digits=r.phone[-4:], due=due))
    options = [
        (
            c.registration.id,
            [
                f"{c.registration.customer_name} ·{c.registration.phone[-4:]}",
                f"· {day(language, c.care.started_at, zone)}",
                f"· {c.registration.holder_name}",
            ],
        )
        for c in shown
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
    lines.append(t(language, Text.as_pick) + suffix)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def cared_by(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[Cared] | None:
    """The person's after-sale customers now (None for a stranger)."""
    staff = await current_staff(update, context)
    if staff is None:
        return None
    svc = services(context)

    def load() -> list[Cared]:
        with svc.uow() as uow:
            return aftersale_customers(uow, staff, svc.clock())

    return await in_thread(load)


async def cared_one(
    update: Update, context: ContextTypes.DEFAULT_TYPE, registration_id: int
) -> Cared | Refused:
    """One after-sale customer this person may act on now, or why not."""
    staff = await current_staff(update, context)
    svc = services(context)

    def load() -> Cared | Refused:
        with svc.uow() as uow:
            return one_cared(uow, staff, registration_id, svc.clock(), svc.rules)

    return await in_thread(load)
