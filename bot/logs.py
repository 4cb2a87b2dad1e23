"""Logging for `leadbot run`: text for people or one JSON object per line, and no full phone numbers.

Redaction happens in one place, :func:`redact`. :class:`RedactingFilter` applies it to every
record that reaches the handler :func:`configure_logging` installs (message and its arguments,
the traceback, the stack, string ``extra=`` fields), and the error handler reuses it for the
traceback it sends to the admins. Addresses cannot be recognised in free text; the rule for them
is that no update's content is ever logged (bot.errors logs ids and kinds only).
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from pythonjsonlogger.json import JsonFormatter

from domain.customer_details import mask_phone

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# 11–15 digits, optionally after a "+", with single spaces or dashes between digit groups; not
# preceded by a digit or "-" and not followed by a digit, so Telegram user ids (at most 10 digits),
# supergroup ids such as -1001234567890 and longer digit runs (or two ids side by side) stay as
# they are.
PHONE_RE = re.compile(r"(?<![\d-])\+?\d(?:[ -]?\d){10,14}(?!\d)")
# SQLAlchemy puts the bound values (a customer's name, phone, address) into its errors' text;
# storage.db turns that off with hide_parameters=True, and this is the second lock on that door.
_SQL_PARAMETERS_RE = re.compile(r"\[parameters: [^\n]*")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

_HANDLER_MARK = "_leadbot_handler"
_QUIET_LOGGERS = ("httpx", "httpcore")  # httpx logs every request URL, and the URL carries the bot token


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = "".join(ch for ch in text if ch.isdigit())
    try:
        number = phonenumbers.parse(text, "CN")
        return mask_phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    except Exception:  # noqa: BLE001 - masking must never fail
        return digits[:3] + "****" + digits[-4:]


def redact(text: str) -> str:
    """`text` with every phone-like run of 11–15 digits masked as 138****5678."""
    if not text:
        return text
    return PHONE_RE.sub(_mask, _SQL_PARAMETERS_RE.sub("[parameters: hidden]", text))


class RedactingFilter(logging.Filter):
    """Masks phone numbers in everything a record will print. Never drops a record."""

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
            record.msg = {k: redact(v) if isinstance(v, str) else v for k, v in record.msg.items()}
        else:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - arguments that do not fit the format
                message = f"{record.msg} (arguments that do not fit: {record.args!r})"
            record.msg, record.args = redact(str(message)), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text instead of formatting the exception again.
            record.exc_text = self._exceptions.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value))


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
    def stream(self) -> Any:  # type: ignore[override]
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
