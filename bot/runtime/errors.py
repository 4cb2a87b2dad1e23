"""The one error handler: the user gets an apology and an error id, the admins the id and the
traceback, the log the rest.

Nothing of the update's content (texts, contacts, button data) is logged or reported: customers'
phones and addresses are in it. The log and the admins get ids and the update's kind only; the
traceback goes through bot.runtime.logs.redact, like every log record.
"""

from __future__ import annotations

import html
import logging
import secrets
import traceback
from dataclasses import dataclass

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.i18n.keys import Text
from bot.i18n.texts import FALLBACK_LANGUAGE, language_of, t
from bot.runtime.logs import redact
from bot.services import Services

log = logging.getLogger("leadbot.errors")

MESSAGE_LIMIT = 4096  # Telegram's limit on a message's text
_PRE_OPEN, _PRE_CLOSE, _CUT = "<pre>", "</pre>", "…\n"


def new_error_id() -> str:
    """Eight hex characters: short enough to read out over the phone, unique enough for a log."""
    return secrets.token_hex(4)


@dataclass(frozen=True)
class Where:
    """What the log and the admins may know about the update: ids and its kind, no content."""

    kind: str
    update_id: int | None = None
    user_id: int | None = None
    chat_id: int | None = None
    chat_type: str | None = None
    job: str | None = None

    @classmethod
    def of(cls, update: object, context: ContextTypes.DEFAULT_TYPE) -> Where:
        if update is None:
            job = getattr(context, "job", None)
            return cls(kind="job", job=getattr(job, "name", None))
        if not isinstance(update, Update):
            return cls(kind=type(update).__name__)
        kind = next(
            (str(kind) for kind in Update.ALL_TYPES if getattr(update, str(kind), None) is not None),
            "unknown",
        )
        user, chat = update.effective_user, update.effective_chat
        return cls(
            kind=kind,
            update_id=update.update_id,
            user_id=user.id if user else None,
            chat_id=chat.id if chat else None,
            chat_type=chat.type if chat else None,
        )

    def summary(self) -> str:
        if self.kind == "job":
            return f"a job ({self.job or 'unnamed'})"
        return f"a {self.kind} (update {self.update_id}, user {self.user_id}, chat {self.chat_id})"

    def fields(self) -> dict[str, object]:
        return {
            "update_kind": self.kind,
            "update_id": self.update_id,
            "user_id": self.user_id,
            "chat_id": self.chat_id,
            "job": self.job,
        }


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    error_id = new_error_id()
    where = Where.of(update, context)
    log.error(
        "error %s while handling %s",
        error_id,
        where.summary(),
        exc_info=error,
        extra={"error_id": error_id, **where.fields()},
    )
    if where.chat_type == "private" and where.chat_id is not None and not isinstance(error, Forbidden):
        # Forbidden: they blocked the bot, so telling them would only fail again.
        await _send(
            context,
            where.chat_id,
            t(_user_language(update, context), Text.error, error_id=error_id),
            error_id,
            "the user",
        )
    await _tell_admins(context, error_id, where, error)


async def _tell_admins(
    context: ContextTypes.DEFAULT_TYPE, error_id: str, where: Where, error: BaseException | None
) -> None:
    settings = _settings(context)
    if settings is None:  # the log has it all
        return
    chats = (
        [settings.admin_chat_id]
        if settings.admin_chat_id is not None
        else list(dict.fromkeys(settings.admin_ids))
    )
    if not chats:
        return
    report = admin_report(settings.default_language, error_id, where, error)
    for chat_id in chats:
        await _send(context, chat_id, report, error_id, "the admins")


def admin_report(language: str, error_id: str, where: Where, error: BaseException | None) -> str:
    """The id, where it happened, and the tail of the redacted traceback, within Telegram's limit."""
    if where.kind == "job":
        place = t(language, Text.error_admin_job, job=where.job or "—")
    else:
        place = t(
            language,
            Text.error_admin_update,
            kind=where.kind,
            update_id=_or_dash(where.update_id),
            user_id=_or_dash(where.user_id),
            chat_id=_or_dash(where.chat_id),
        )
    header = t(language, Text.error_admin, error_id=error_id) + "\n" + place
    if error is None:
        return header
    trace = redact("".join(traceback.format_exception(error)).rstrip())
    budget = MESSAGE_LIMIT - _units(header) - _units("\n" + _PRE_OPEN + _PRE_CLOSE)
    return f"{header}\n{_PRE_OPEN}{_escaped_tail(trace, budget)}{_PRE_CLOSE}"


def _escaped_tail(text: str, budget: int) -> str:
    """The longest tail of `text` whose HTML-escaped form fits `budget` (marked … when cut).

    Counted in UTF-16 code units of the markup, which is never less than what Telegram counts."""
    escaped = html.escape(text, quote=False)
    if _units(escaped) <= budget:
        return escaped
    budget -= _units(_CUT)
    pieces: list[str] = []
    used = 0
    for ch in reversed(text):
        piece = html.escape(ch, quote=False)
        if used + _units(piece) > budget:
            break
        pieces.append(piece)
        used += _units(piece)
    return _CUT + "".join(reversed(pieces))


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _or_dash(value: int | None) -> object:
    return "—" if value is None else value


def _settings(context: ContextTypes.DEFAULT_TYPE) -> Settings | None:
    """Our settings; None in an application assembled without our services (some tests)."""
    svc = context.bot_data.get("services") if isinstance(context.bot_data, dict) else None
    return svc.settings if isinstance(svc, Services) else None


def _user_language(update: object, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The person's language: the apology must not fail for want of one."""
    settings = _settings(context)
    default = settings.default_language if settings is not None else FALLBACK_LANGUAGE
    user = update.effective_user if isinstance(update, Update) else None
    return language_of(user.language_code if user else None, default)


async def _send(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, error_id: str, whom: str
) -> None:
    """Send once; a failure (blocked, network, anything) is a warning, never a new error."""
    try:
        await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    except Exception as exc:  # noqa: BLE001 - the error handler must not raise
        log.warning(
            "could not tell %s (chat %s) about error %s: %s: %s",
            whom,
            chat_id,
            error_id,
            type(exc).__name__,
            exc,
            extra={"error_id": error_id},
        )
