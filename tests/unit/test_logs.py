"""Logging for `leadbot run`: JSON lines with the fields, text for people, no full phone numbers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.runtime.logs import RedactingFilter, configure_logging, redact

PHONES = ["13812345678", "+86 138 1234 5678", "86-138-1234-5678"]
IDS = ["123456789", "5123456789", "-1001234567890"]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state; put it back for the other tests."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def json_lines(err: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in err.splitlines() if line.strip()]


# --- redact -----------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", PHONES)
def test_phones_are_masked_keeping_the_last_four(phone: str) -> None:
    masked = redact(f"customer {phone} called")
    assert masked == "customer 138****5678 called"


@pytest.mark.parametrize("number", IDS)
def test_telegram_ids_stay_readable(number: str) -> None:
    text = f"user 123456789, staff 5123456789 and group {number} (update 5123456789)"
    assert redact(text) == text


def test_several_phones_and_ids_in_one_line() -> None:
    text = "13800138000 13912345678 then chat -1001234567890, user 5123456789 and 123456789 5123456789"
    assert (
        redact(text)
        == "138****8000 139****5678 then chat -1001234567890, user 5123456789 and 123456789 5123456789"
    )


def test_a_masked_phone_stays_masked_and_timestamps_are_left_alone() -> None:
    assert redact("138****5678") == "138****5678"
    assert redact("2026-11-10 10:00:00,123 at 2026-11-10T02:00:00+00:00") == (
        "2026-11-10 10:00:00,123 at 2026-11-10T02:00:00+00:00"
    )


def test_sql_parameters_in_an_error_are_hidden() -> None:
    text = (
        "no such table: x\n[SQL: insert into x values (?, ?)]\n"
        "[parameters: ('张三', '北京市朝阳区建国路88号')]\n(Background)"
    )
    redacted = redact(text)
    assert "建国路" not in redacted and "张三" not in redacted
    assert "[SQL: insert into x values (?, ?)]" in redacted and "(Background)" in redacted


# --- JSON -------------------------------------------------------------------------------------


def test_json_is_one_object_per_line_with_the_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json")
    before = datetime.now(UTC)
    logging.getLogger("leadbot.test").warning(
        "error %s while handling %s", "ab12cd34", "a message", extra={"error_id": "ab12cd34", "update_id": 42}
    )
    logging.getLogger("leadbot.test").info("second line, 中文")
    lines = json_lines(capsys.readouterr().err)
    assert len(lines) == 2
    first = lines[0]
    assert first["level"] == "WARNING"
    assert first["logger"] == "leadbot.test"
    assert first["message"] == "error ab12cd34 while handling a message"
    assert first["error_id"] == "ab12cd34" and first["update_id"] == 42
    when = datetime.fromisoformat(str(first["time"]))
    assert when.utcoffset() == timedelta(0)  # UTC
    assert abs(when - before) < timedelta(seconds=5)
    assert lines[1]["message"] == "second line, 中文"
    assert "exc_info" not in lines[1]


@pytest.mark.parametrize("phone", PHONES)
def test_json_redacts_message_args_and_extra_fields(phone: str, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json")
    logging.getLogger("leadbot").info(
        "phone %s from user %s in chat %s", phone, 5123456789, -1001234567890, extra={"note": f"tel {phone}"}
    )
    (line,) = json_lines(capsys.readouterr().err)
    assert line["message"] == "phone 138****5678 from user 5123456789 in chat -1001234567890"
    assert line["note"] == "tel 138****5678"
    dumped = json.dumps(line, ensure_ascii=False)
    assert phone not in dumped and "1234" not in dumped.replace("5123456789", "").replace(
        "-1001234567890", ""
    )


def test_an_exception_with_a_phone_is_redacted_in_the_exc_field(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json")
    try:
        raise ValueError("no customer with phone +86 138 1234 5678 (user 5123456789)")
    except ValueError:
        logging.getLogger("leadbot").exception("lookup failed")
    (line,) = json_lines(capsys.readouterr().err)
    exc = str(line["exc_info"])
    assert exc.startswith("Traceback (most recent call last):")
    assert "ValueError: no customer with phone 138****5678 (user 5123456789)" in exc
    assert "1234 5678" not in exc


def test_a_message_whose_arguments_do_not_fit_still_leaks_no_phone() -> None:
    record = logging.LogRecord("leadbot", logging.INFO, __file__, 1, "%s and %s", ("13812345678",), None)
    assert RedactingFilter().filter(record) is True  # never raises, never drops the record
    assert "13812345678" not in record.getMessage() and "138****5678" in record.getMessage()


# --- text, and configuring ------------------------------------------------------------------------


def test_text_format_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("text")
    try:
        raise RuntimeError("customer 13812345678")
    except RuntimeError:
        logging.getLogger("leadbot.jobs").exception("sweep failed for %s", "86-138-1234-5678")
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.endswith(" ERROR leadbot.jobs: sweep failed for 138****5678")
    datetime.strptime(first[:19], "%Y-%m-%d %H:%M:%S")
    assert "RuntimeError: customer 138****5678" in err
    assert "12345678" not in err


def test_configuring_twice_leaves_one_handler_and_the_last_format_wins(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    before = len(root.handlers)
    configure_logging("text")
    configure_logging("json")
    assert len(root.handlers) == before + 1
    logging.getLogger("leadbot").warning("once")
    (line,) = json_lines(capsys.readouterr().err)
    assert line["message"] == "once"


def test_level_and_quiet_httpx(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("text", logging.INFO)
    assert logging.getLogger().level == logging.INFO
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot123:SECRET/getMe")
    logging.getLogger("leadbot").debug("not at INFO")
    assert capsys.readouterr().err == ""


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="text.*json"):
        configure_logging("xml")


# --- issue 10 item 3: every format of a phone, and no raw update at any level ----------------------

from telegram import Update  # noqa: E402

from tests.phone_formats import NOT_PHONES as NOT_PHONE_TEXTS  # noqa: E402
from tests.phone_formats import PHONES as PHONE_FORMATS  # noqa: E402

ADDRESS = "北京市朝阳区建国路88号3栋1201"
RAW_UPDATE = {
    "update_id": 7001,
    "message": {
        "message_id": 5,
        "date": 0,
        "chat": {"id": 101, "type": "private"},
        "from": {"id": 101, "is_bot": False, "first_name": "王芳"},
        "text": f"13800138000 {ADDRESS}",
    },
}


@pytest.mark.parametrize(("typed", "digits", "masked"), PHONE_FORMATS)
def test_every_format_of_a_phone_is_masked(typed: str, digits: str, masked: str) -> None:
    assert redact(f"customer {typed} called") == f"customer {masked} called"


@pytest.mark.parametrize("text", NOT_PHONE_TEXTS)
def test_ids_amounts_and_times_stay_readable(text: str) -> None:
    assert redact(f"{text} | {text}") == f"{text} | {text}"


def raw_update_logged_as(kind: str) -> tuple[str, tuple[object, ...]]:
    """The ways code (ours or a library's) could put a raw update into a log record."""
    update = Update.de_json(RAW_UPDATE, None)
    return {
        "dict": ("Processing update %s", (RAW_UPDATE,)),  # a single mapping argument
        "batch": ("Error while parsing updates! Received data was %r", ([RAW_UPDATE, RAW_UPDATE],)),
        "object": ("Processing update %s", (update,)),
        "json text": ('Can not load invalid JSON data: "%s"', (json.dumps(RAW_UPDATE, ensure_ascii=False),)),
        "repr text": ("received %s and %s", (str(update), 3)),
        "bytes": ("body %r", (json.dumps(RAW_UPDATE).encode(),)),
        "in the message": (f"received {RAW_UPDATE}", ()),
        "parameters": (
            "Calling Bot API endpoint `%s` with parameters `%s`",
            ("sendMessage", {"chat_id": 101, "text": ADDRESS}),
        ),
    }[kind]


KINDS = ["dict", "batch", "object", "json text", "repr text", "bytes", "in the message", "parameters"]


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("level", [logging.DEBUG, logging.CRITICAL])
def test_a_raw_update_is_never_logged(
    kind: str, level: int, log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format, logging.DEBUG)
    message, args = raw_update_logged_as(kind)
    logging.getLogger("telegram.ext.Application").log(level, message, *args)
    err = capsys.readouterr().err
    assert err.strip() and ADDRESS not in err and "建国路" not in err and "13800138000" not in err
    if kind not in ("bytes", "parameters"):
        assert "7001" in err  # the update id is what the log keeps


def test_numbers_and_plain_arguments_are_left_alone(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("text")
    logging.getLogger("telegram.Bot").info("Getting updates: %s, %d, %s", [7001, 7002], 5, None)
    assert capsys.readouterr().err.rstrip().endswith("telegram.Bot: Getting updates: [7001, 7002], 5, None")


def test_structured_records_and_extra_fields_lose_their_content(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json")
    logging.getLogger("leadbot").info(
        {"event": "filed", "customer": {"phone": "138.0013.8000", "address": ADDRESS}},
        extra={"update": RAW_UPDATE, "note": "(010) 1234-5678", "count": 3},
    )
    (line,) = json_lines(capsys.readouterr().err)
    dumped = json.dumps(line, ensure_ascii=False)
    assert line["event"] == "filed" and line["count"] == 3 and line["note"] == "010-****5678"
    assert "7001" in str(line["update"]) and "建国路" not in dumped and "0013" not in dumped
