"""What every guided dialog shares: a draft in user_data whose nonce each of its buttons carries
(so a button from an older dialog answers "expired" instead of acting), dispatch of those buttons
to the step's action, and cancelling by command or button."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, ContextTypes, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.chat import commands
from bot.chat.common import lang
from bot.i18n.keys import Text
from bot.i18n.texts import raw, t
from domain.model import BrokenInvariant

Action = Callable[[Update, ContextTypes.DEFAULT_TYPE, list[str]], Awaitable[int]]


class ButtonDialog:
    def __init__(self, prefix: str, draft_key: str, cancelled_text: Text, cancel_markup: Any = None) -> None:
        self.prefix, self.draft_key, self.cancelled_text = prefix, draft_key, cancelled_text
        self.cancel_markup = cancel_markup  # e.g. removing a reply keyboard the dialog showed
        self.actions: dict[str, Action] = {}

    def new_draft(self, context: ContextTypes.DEFAULT_TYPE, **fields: Any) -> dict[str, Any]:
        draft = {"nonce": secrets.token_hex(3), **fields}
        context.user_data[self.draft_key] = draft  # type: ignore[index]
        return draft

    def draft(self, context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
        return context.user_data[self.draft_key]  # type: ignore[index,no-any-return]

    def button(self, context: ContextTypes.DEFAULT_TYPE, label: str, *parts: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            label[:60], callback_data=":".join([self.prefix, self.draft(context)["nonce"], *parts])
        )

    def on(self, *actions: str) -> CallbackQueryHandler[Any, Any]:
        """The buttons a step accepts; any other of this dialog's buttons falls to `stale`."""
        pattern = rf"^{self.prefix}:[0-9a-f]{{6}}:({'|'.join(actions)})(:|$)"
        return CallbackQueryHandler(self._dispatch, pattern=pattern)

    async def _dispatch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        query = update.callback_query
        if query is None or query.data is None:
            raise BrokenInvariant("query, query.data is missing")
        draft = context.user_data.get(self.draft_key)  # type: ignore[union-attr]
        parts = query.data.split(":")
        if draft is None or parts[1] != draft["nonce"]:
            await stale(update, context)
            return None
        await query.answer()
        return await self.actions[parts[2]](update, context, parts[3:])

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        context.user_data.pop(self.draft_key, None)  # type: ignore[union-attr]
        if update.effective_message is None:
            raise BrokenInvariant("update.effective_message is missing")
        await update.effective_message.reply_text(
            t(lang(update, context), self.cancelled_text), reply_markup=self.cancel_markup
        )
        return ConversationHandler.END

    async def cancel_button(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, _args: list[str]
    ) -> int:
        context.user_data.pop(self.draft_key, None)  # type: ignore[union-attr]
        if update.callback_query is None:
            raise BrokenInvariant("update.callback_query is missing")
        await update.callback_query.edit_message_text(t(lang(update, context), self.cancelled_text))
        return ConversationHandler.END

    def conversation(
        self, *, name: str, entry_points: list[Any], states: dict[object, list[Any]]
    ) -> ConversationHandler[Any]:
        """The dialog as PTB declares it: /cancel and stale buttons handled in every step."""
        # Buttons are tracked per user, not per message: the nonce does the per-dialog check.
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=states,
            fallbacks=[
                commands.CANCEL.handler(self.cancel),
                CallbackQueryHandler(stale, pattern=rf"^{self.prefix}:"),
            ],
            allow_reentry=True,
            persistent=True,  # the step survives a restart (storage.persistence)
            name=name,
        )


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button whose moment has passed: a short notice, and nothing changes."""
    if update.callback_query is None:
        raise BrokenInvariant("update.callback_query is missing")
    await update.callback_query.answer(raw(lang(update, context), Text.stale_button), show_alert=True)
