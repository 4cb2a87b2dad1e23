"""Logging for `leadbot run`: text for people or one JSON object per line, and no full phone numbers.

Redaction happens in one place, :func:`redact`. :class:`RedactingFilter` applies it to every
record that reaches the handler :func:`configure_logging` installs (message and its arguments,
the traceback, the stack, ``extra=`` fields), and the error handler reuses it for the traceback
it sends to the admins. Addresses cannot be recognised in free text; the rule for them is that no
update's content is ever logged: bot.runtime.errors logs ids and kinds only, and the filter turns what
python-telegram-bot logs of raw updates and Bot API calls (at DEBUG, and the whole batch at
CRITICAL when it cannot parse one) into their kinds and update ids.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter
from telegram import TelegramObject

from domain.customer_details import mask_phones_in

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# SQLAlchemy puts the bound values (a customer's name, phone, address) into its errors' text;
# storage.db turns that off with hide_parameters=True, and this is the second lock on that door.
_SQL_PARAMETERS_RE = re.compile(r"\[parameters: [^\n]*")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

# A raw update (or a batch of them) as text: JSON or a dict (a body that did not parse), or PTB's
# repr of an Update object.
_UPDATE_ID_RE = re.compile(r"""["']update_id["']\s*:\s*(\d+)|\bUpdate\(.*?\bupdate_id=(\d+)""", re.DOTALL)

_HANDLER_MARK = "_leadbot_handler"
_QUIET_LOGGERS = ("httpx", "httpcore")  # httpx logs every request URL, and the URL carries the bot token
# APScheduler (PTB's JobQueue) says "Running job …" and "executed successfully" at INFO every minute
# for every job: detail for DEBUG configurations. The business events are on "leadbot.events".
_SCHEDULER_LOGGER = "apscheduler"


def redact(text: str) -> str:
    """`text` with every phone in it masked as 138****5678, in whatever format it was typed
    (domain.customer_details.mask_phones_in: Telegram ids, dates and amounts stay readable)."""
    if not text:
        return text
    return mask_phones_in(_SQL_PARAMETERS_RE.sub("[parameters: hidden]", text))


def without_content(value: object) -> object:
    """A value fit for a log: strings redacted; a Telegram object, raw update JSON, bytes, or a
    container holding text (a raw batch of updates, a Bot API call's parameters) reduced to its
    kind and update ids; numbers, and containers of nothing but numbers, as they are."""
    if isinstance(value, str):
        ids = [a or b for a, b in _UPDATE_ID_RE.findall(value)]
        return (
            f"<{len(value)} characters of update data, update ids {', '.join(ids)}>" if ids else redact(value)
        )
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, TelegramObject):
        return f"<{_described(value)}>"
    if isinstance(value, dict | list | tuple | set | frozenset):
        if not _holds_content(value):
            return value
        ids = sorted(set(_update_ids(value)))
        return f"<{type(value).__name__} of {len(value)} items" + (
            f", update ids {', '.join(map(str, ids))}>" if ids else ">"
        )
    return value if value is None or isinstance(value, int | float) else redact(str(value))


def _holds_content(value: object) -> bool:
    if isinstance(value, dict):
        return any(_holds_content(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_content(v) for v in value)
    return not (value is None or isinstance(value, int | float))


def _update_ids(value: object) -> list[int]:
    if isinstance(value, TelegramObject):
        update_id = getattr(value, "update_id", None)
        return [update_id] if isinstance(update_id, int) else []
    if isinstance(value, dict):
        own = [value["update_id"]] if isinstance(value.get("update_id"), int) else []
        return own + [i for v in value.values() for i in _update_ids(v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [i for v in value for i in _update_ids(v)]
    return []


def _described(value: TelegramObject) -> str:
    ids = [
        f"{name} {getattr(value, name)}"
        for name in ("update_id", "message_id", "id")
        if isinstance(getattr(value, name, None), int | str)
    ]
    return " ".join([type(value).__name__, *ids])


class RedactingFilter(logging.Filter):
    """Masks phone numbers in everything a record will print, and leaves out the content of raw
    updates and Telegram objects (see without_content). Never drops a record."""

    _exceptions = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._redact(record)
        except Exception:  # noqa: BLE001 - a log line must never break the code that logs it
            record.msg, record.args = "(a log record that could not be redacted)", None
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, dict):
            # A structured record: the JSON format prints its fields.
            record.msg = {k: without_content(v) for k, v in record.msg.items()}
        else:
            if not isinstance(record.msg, str):
                record.msg = without_content(record.msg)
            if isinstance(record.args, dict):
                record.args = {k: without_content(v) for k, v in record.args.items()}
            elif record.args:
                record.args = tuple(without_content(arg) for arg in record.args)
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - arguments that do not fit the format
                message = f"{record.msg} (arguments that do not fit: {record.args!r})"
            if _UPDATE_ID_RE.search(message):  # written into the message itself, e.g. by an f-string
                message = f"(a log message holding update data: left out) {without_content(message)}"
            record.msg, record.args = redact(str(message)), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text instead of formatting the exception again.
            record.exc_text = self._exceptions.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, without_content(value))


class _JsonFormatter(JsonFormatter):
    """time (ISO 8601, UTC), level, logger, message, any `extra=` fields, and exc_info as text."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        # JsonFormatter formats record.exc_info afresh when it is set; hide it for this call so the
        # (redacted) exc_text is what goes out. Other handlers still see the record unchanged.
        exc_info = record.exc_info
        if exc_info and record.exc_text:
            record.exc_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info = exc_info


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (as logging's last-resort handler does)."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Log to stderr as text ("text") or one JSON object per line ("json"); safe to call again."""
    if log_format not in ("text", "json"):
        raise ValueError(f"log format is 'text' or 'json', not {log_format!r}")
    handler = _StderrHandler()
    handler.setFormatter(_JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactingFilter())
    setattr(handler, _HANDLER_MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    logging.getLogger(_SCHEDULER_LOGGER).setLevel(level if level < logging.INFO else logging.WARNING)
