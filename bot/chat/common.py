"""Small pieces every handler shares: the reader's language, who they are, replying."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n.texts import language_of
from bot.services import Services, services
from domain.model import Staff
from domain.roster import active_staff

T = TypeVar("T")


def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    user = update.effective_user
    return language_of(user.language_code if user else None, services(context).settings.default_language)


async def in_thread(fn: Callable[[], T]) -> T:
    """Database work runs off the event loop so one slow query does not stall every chat."""
    return await asyncio.to_thread(fn)


async def current_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Staff | None:
    """The active staff member behind this update, or None for strangers and the deactivated."""
    user = update.effective_user
    if user is None:
        return None
    svc: Services = services(context)

    memory = svc.staff.memory()  # the roster as it stood when this update arrived, or later
    if memory is not None and user.id in memory:
        return memory[user.id]

    def lookup() -> Staff | None:
        with svc.uow() as uow:
            return active_staff(uow, user.id)

    staff = await in_thread(lookup)
    if memory is not None:
        svc.staff.remember(memory, user.id, staff)
    return staff


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"
