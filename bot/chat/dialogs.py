"""What every guided dialog shares: a draft in user_data whose nonce each of its buttons carries
(so a button from an older dialog answers "expired" instead of acting), dispatch of those buttons
to the step's action, and cancelling by command or button. A stale button (bot.chat.stale) says,
while the dialog goes on, to answer its latest question; once it ended, how to start again."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.chat import commands
from bot.chat.common import lang
from bot.chat.stale import expire, stale
from bot.i18n.keys import Text
from bot.i18n.texts import t
from domain.model import BrokenInvariant

Action = Callable[[Update, ContextTypes.DEFAULT_TYPE, list[str]], Awaitable[int]]

# user_data keys: the dialog a person has open, and those they left half-done for another.
OPEN_DIALOG, LEFT_OPEN = "dialog", "left_open"


class Dialog(ConversationHandler[Any]):
    """A conversation that listens only while it is the dialog its person has open.

    Starting a dialog leaves any other half-done one: otherwise the older dialog, registered
    first, would read the new dialog's answers as its own. `open_dialog` (run before the
    dialogs) records the switch; a dialog left open keeps its stale step but ignores its person
    until opened again, which starts it afresh (allow_reentry). A dialog that ends forgets it
    was open, so a person who finished what they started has nothing stored."""

    def __init__(self, **kwargs: Any) -> None:
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        super().__init__(allow_reentry=True, persistent=True, **kwargs)
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None
        for handler in [*self.entry_points, *self.fallbacks, *(h for s in self.states.values() for h in s)]:
            handler.callback = self._forgetting_when_ended(handler.callback)

    def check_update(self, update: object) -> Any:
        if self.application is not None and isinstance(update, Update) and update.effective_user:
            user_data = self.application.user_data.get(update.effective_user.id, {})
            left_open = self.name in user_data.get(LEFT_OPEN, ())
            if left_open or user_data.get(OPEN_DIALOG, self.name) != self.name:
                return None
        return super().check_update(update)

    def _forgetting_when_ended(self, callback: Any) -> Any:
        async def step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
            state = await callback(update, context)
            user_data = context.user_data
            if state == ConversationHandler.END and user_data and user_data.get(OPEN_DIALOG) == self.name:
                del user_data[OPEN_DIALOG]
            return state

        return step


def open_dialog(user_data: dict[Any, Any], name: str) -> None:
    """The person opens dialog `name`; the one they had open, if another, is left."""
    left = set(user_data.get(LEFT_OPEN, ()))
    previous = user_data.get(OPEN_DIALOG)
    if previous is not None and previous != name:
        left.add(previous)
    left.discard(name)
    if left:
        user_data[LEFT_OPEN] = sorted(left)
    else:
        user_data.pop(LEFT_OPEN, None)
    user_data[OPEN_DIALOG] = name


def bind_dialogs(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Lets each dialog read whose turn it is from the application's user_data."""
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, Dialog):
                handler.application = application


class ButtonDialog:
    def __init__(
        self,
        prefix: str,
        draft_key: str,
        cancelled_text: Text,
        *,
        opened_by: commands.Command,
        ended_text: Text,
        cancel_markup: Any = None,
    ) -> None:
        self.prefix, self.draft_key, self.cancelled_text = prefix, draft_key, cancelled_text
        self.cancel_markup = cancel_markup  # e.g. removing a reply keyboard the dialog showed
        self.actions: dict[str, Action] = {}
        # Its buttons once it ended (also after a restart, or when another dialog was opened).
        expire(prefix, ended_text, again=opened_by)

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
            await self._stale(update, context)
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

    def conversation(self, *, name: str, entry_points: list[Any], states: dict[object, list[Any]]) -> Dialog:
        """The dialog as PTB declares it: /cancel and stale buttons handled in every step."""
        # Buttons are tracked per user, not per message: the nonce does the per-dialog check.
        return Dialog(
            entry_points=entry_points,
            states=states,
            fallbacks=[
                commands.CANCEL.handler(self.cancel),
                CallbackQueryHandler(self._stale, pattern=rf"^{self.prefix}:"),
            ],
            name=name,
        )

    async def _stale(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button of this dialog it does not take now: from an earlier step or an older run of
        it while it goes on (answer the latest question), or the dialog has ended (start again)."""
        going_on = context.user_data.get(self.draft_key) is not None  # type: ignore[union-attr]
        await stale(update, context, Text.stale_in_progress if going_on else None)
