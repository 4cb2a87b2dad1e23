"""The one error handler, through the real Application: an apology with an id for the user, the id
and the traceback for the admins, the rest for the log, and never a customer's phone or address."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Update
from telegram.error import Forbidden
from telegram.ext import (
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Job,
    MessageHandler,
    filters,
)

from bot.app import build_application
from bot.chat.commands import GROUP_COMMANDS
from bot.config import Settings
from bot.runtime import errors
from bot.runtime.logs import configure_logging
from tests.bot.conftest import ADMIN_ID, Chat
from tests.bot.test_filing_dialog import ADDRESS, data_of, fill
from tests.conftest import T0, make_roster
from tests.fakebot import DEFAULT_GROUP_ID, BotHarness, FakeBotAPI, TgUser

GUIDE = 101
ID_IN_TEXT = re.compile(r"<code>([0-9a-f]{8})</code>")


async def raise_it(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("the sweep went wrong")


def boom(chat: Any) -> None:
    """/boom fails, after whatever the bot's own handlers did with it."""
    chat.harness.app.add_handler(CommandHandler("boom", raise_it), group=5)
    chat.harness.raise_errors = False


def error_id_in(text: str | None) -> str:
    assert text is not None
    match = ID_IN_TEXT.search(text)
    assert match, text
    return match.group(1)


def error_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "leadbot.errors" and r.levelno == logging.ERROR]


def no_uncaught_error_in_the_error_handler(caplog: pytest.LogCaptureFixture) -> bool:
    return not any("while handling the error with an error_handler" in r.getMessage() for r in caplog.records)


@asynccontextmanager
async def app_with(engine: Any, **settings: Any) -> AsyncIterator[SimpleNamespace]:
    """Like the `chat` fixture, with settings of our own (admin_chat_id, more admins)."""
    make_roster(engine)
    fake = FakeBotAPI()
    application = build_application(
        Settings(telegram_token="123:ABC", sweep_interval_seconds=0, _env_file=None, **settings),
        engine,
        request=fake,
        clock=lambda: T0,
    )
    async with BotHarness(application, fake=fake, raise_errors=False) as harness:
        yield SimpleNamespace(harness=harness, fake=fake)


@pytest.fixture
def json_logs() -> Iterator[None]:
    """What `leadbot run` installs with LEADBOT_LOG_FORMAT=json, taken away afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging("json")
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


# --- the user, the admins, the log: one id --------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "apology", "label"),
    [("zh", "抱歉，出了点问题", "错误编号"), ("en", "Sorry, something went wrong", "Error id")],
)
async def test_the_user_admins_and_log_share_one_error_id(
    chat: Chat, caplog: pytest.LogCaptureFixture, language: str, apology: str, label: str
) -> None:
    caplog.set_level(logging.INFO)
    boom(chat)
    guide = chat.user(GUIDE, language=language)
    await chat.harness.say(guide, "/boom")
    assert len(chat.harness.errors) == 1

    to_user = chat.fake.last_text(GUIDE)
    assert to_user is not None and apology in to_user and label in to_user
    assert "Traceback" not in to_user and "sweep went wrong" not in to_user
    error_id = error_id_in(to_user)

    report = chat.fake.last_text(ADMIN_ID)
    assert report is not None and error_id_in(report) == error_id
    assert "<pre>Traceback (most recent call last):" in report
    assert "RuntimeError: the sweep went wrong</pre>" in report
    assert f"用户 {GUIDE}，聊天 {GUIDE}" in report  # the admins read the default language, zh

    (record,) = error_records(caplog)
    assert record.error_id == error_id  # type: ignore[attr-defined]
    assert error_id in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert record.update_kind == "message"  # type: ignore[attr-defined]
    assert (record.user_id, record.chat_id) == (GUIDE, GUIDE)  # type: ignore[attr-defined]
    assert isinstance(record.update_id, int)  # type: ignore[attr-defined]


async def test_a_failing_button_press_is_reported_as_a_callback_query(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/new")
    await chat.harness.say(guide, "张三")
    await chat.harness.say(guide, "138 0013 8000")
    await chat.harness.say(guide, ADDRESS)
    await chat.harness.say(guide, "1.8米床垫")
    chat.harness.app.add_handler(CallbackQueryHandler(raise_it), group=5)
    chat.harness.raise_errors = False
    await chat.harness.press(guide, data_of(chat, GUIDE, "一个月内"))
    (record,) = error_records(caplog)
    assert record.update_kind == "callback_query"  # type: ignore[attr-defined]
    assert error_id_in(chat.fake.last_text(GUIDE)) == record.error_id  # type: ignore[attr-defined]


async def test_with_an_admin_chat_the_report_goes_there_only(
    engine, caplog: pytest.LogCaptureFixture
) -> None:
    admin_chat = -1009876543210
    async with app_with(engine, admin_ids=[900, 901], admin_chat_id=admin_chat) as chat:
        boom(chat)
        await chat.harness.say(TgUser(GUIDE, "王芳"), "/boom")
        error_id = error_id_in(chat.fake.last_text(GUIDE))
        assert error_id_in(chat.fake.last_text(admin_chat)) == error_id
        assert "RuntimeError: the sweep went wrong" in chat.fake.last_text(admin_chat)
        assert chat.fake.texts(900) == [] and chat.fake.texts(901) == []


async def test_without_an_admin_chat_every_admin_gets_the_report(engine) -> None:
    async with app_with(engine, admin_ids=[900, 901]) as chat:
        boom(chat)
        await chat.harness.say(TgUser(GUIDE, "王芳", language_code="en"), "/boom")
        error_id = error_id_in(chat.fake.last_text(GUIDE))
        for admin in (900, 901):
            (report,) = chat.fake.texts(admin)
            assert error_id_in(report) == error_id and "Traceback" in report


async def test_no_admins_at_all_still_apologises_and_logs(engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with app_with(engine) as chat:
        boom(chat)
        await chat.harness.say(TgUser(GUIDE, "王芳"), "/boom")
        error_id = error_id_in(chat.fake.last_text(GUIDE))
        assert [r.error_id for r in error_records(caplog)] == [error_id]  # type: ignore[attr-defined]
        assert {c.chat_id for c in chat.fake.calls_to("sendMessage")} == {GUIDE}


async def test_a_group_gets_nothing_but_the_admins_hear_of_it(
    chat: Chat, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    boom(chat)
    monkeypatch.setattr("bot.app.GROUP_COMMANDS", GROUP_COMMANDS | {"boom"})  # a group command that fails
    guide = chat.user(GUIDE)
    before = len(chat.fake.calls_to("sendMessage"))
    await chat.harness.say(guide, "/boom", chat_type="supergroup", chat_id=DEFAULT_GROUP_ID)
    assert len(chat.harness.errors) == 1
    sent = chat.fake.calls_to("sendMessage")[before:]
    assert [c.chat_id for c in sent] == [ADMIN_ID]  # not the group, not the guide privately
    (record,) = error_records(caplog)
    assert record.chat_id == DEFAULT_GROUP_ID  # type: ignore[attr-defined]
    report = chat.fake.last_text(ADMIN_ID)
    assert error_id_in(report) == record.error_id  # type: ignore[attr-defined]
    assert str(DEFAULT_GROUP_ID) in report  # a group id is not a phone: it stays readable


# --- errors with no update ------------------------------------------------------------------------


async def test_a_job_error_reaches_the_admins_and_the_log(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    async def sweep(_context: ContextTypes.DEFAULT_TYPE) -> None:
        pass

    try:
        raise RuntimeError("reminder for 13800138000 failed")
    except RuntimeError as exc:
        error = exc
    app = chat.harness.app
    await app.process_error(None, error, job=Job(sweep, name="reminder sweep"))

    (record,) = error_records(caplog)
    assert record.update_kind == "job" and record.job == "reminder sweep"  # type: ignore[attr-defined]
    assert record.update_id is None and record.user_id is None  # type: ignore[attr-defined]
    report = chat.fake.last_text(ADMIN_ID)
    assert error_id_in(report) == record.error_id  # type: ignore[attr-defined]
    assert "后台任务" in report and "reminder sweep" in report
    assert "RuntimeError: reminder for 138****8000 failed" in report
    assert "13800138000" not in report and "138 0013 8000" not in report
    assert {c.chat_id for c in chat.fake.calls_to("sendMessage")} == {ADMIN_ID}


# --- sending can fail; the handler never does ---------------------------------------------------


def context_for(
    chat: Chat, error: BaseException, update: object = None
) -> CallbackContext[Any, Any, Any, Any]:
    return CallbackContext.from_error(update, error, chat.harness.app)


def private_update(chat: Chat, user: TgUser) -> Update:
    return Update.de_json(chat.harness.factory.message(user, "hello"), chat.harness.app.bot)


@pytest.mark.parametrize("code", [403, 502])
async def test_the_apology_failing_does_not_stop_the_report(
    chat: Chat, caplog: pytest.LogCaptureFixture, code: int
) -> None:
    caplog.set_level(logging.INFO)
    update = private_update(chat, chat.user(GUIDE))
    chat.fake.fail_next("sendMessage", code)  # the first send: the apology
    await errors.on_error(update, context_for(chat, RuntimeError("x"), update))  # does not raise
    assert [c.chat_id for c in chat.fake.calls_to("sendMessage")] == [GUIDE, ADMIN_ID]
    assert chat.fake.texts(GUIDE) == []
    (record,) = error_records(caplog)
    assert error_id_in(chat.fake.last_text(ADMIN_ID)) == record.error_id  # type: ignore[attr-defined]
    warnings = [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "leadbot.errors"
    ]
    assert len(warnings) == 1 and "the user" in warnings[0] and record.error_id in warnings[0]  # type: ignore[attr-defined]


async def test_the_report_failing_is_a_warning(chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    update = private_update(chat, chat.user(GUIDE))
    chat.fake.fail_next("sendMessage", 403, times=2)  # the apology and the report
    await errors.on_error(update, context_for(chat, RuntimeError("x"), update))
    await errors.on_error(None, context_for(chat, RuntimeError("y")))
    assert chat.fake.calls_to("sendMessage", ok_only=True)[-1].chat_id == ADMIN_ID  # the job's report went
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "leadbot.errors"]
    assert len(warnings) == 2


async def test_a_user_who_blocked_the_bot_is_not_written_to_again(chat: Chat) -> None:
    update = private_update(chat, chat.user(GUIDE))
    await errors.on_error(
        update, context_for(chat, Forbidden("Forbidden: bot was blocked by the user"), update)
    )
    assert [c.chat_id for c in chat.fake.calls_to("sendMessage")] == [ADMIN_ID]


async def test_everything_failing_through_the_application_raises_nothing(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    boom(chat)
    chat.fake.fail_next("sendMessage", 403, times=20)
    await chat.harness.say(chat.user(GUIDE), "/boom")
    assert chat.fake.calls_to("sendMessage", ok_only=True) == []
    assert error_records(caplog)  # the log still has it
    assert no_uncaught_error_in_the_error_handler(caplog)
    # …and once Telegram answers again, the next error is told as usual.
    chat.fake.clear()
    await chat.harness.say(chat.user(GUIDE), "/boom")
    assert "出了点问题" in chat.fake.last_text(GUIDE)
    assert no_uncaught_error_in_the_error_handler(caplog)


# --- the report fits Telegram and is safe HTML ---------------------------------------------------


async def test_a_long_traceback_keeps_its_tail_within_4096_characters(chat: Chat) -> None:
    update = private_update(chat, chat.user(GUIDE))
    try:
        raise ValueError("<b>&" + "x" * 9000 + " THE END 13800138000")
    except ValueError as exc:
        error = exc
    await errors.on_error(update, context_for(chat, error, update))
    report = chat.fake.last_text(ADMIN_ID)
    assert report is not None and len(report.encode("utf-16-le")) // 2 <= 4096
    assert report.endswith("THE END 138****8000</pre>")
    assert "<pre>…\n" in report and "Traceback" not in report  # the head went, the tail stayed
    assert error_id_in(report)


def test_the_report_escapes_html() -> None:
    try:
        raise ValueError("<script>&</script>")
    except ValueError as exc:
        report = errors.admin_report("en", "ab12cd34", errors.Where(kind="job", job="<digest>"), exc)
    assert "ValueError: &lt;script&gt;&amp;&lt;/script&gt;</pre>" in report
    assert "&lt;digest&gt;" in report and "<digest>" not in report
    assert report.startswith("⚠️ The bot hit an error, id <code>ab12cd34</code>")


# --- nothing of the customer's phone or address anywhere ---------------------------------------


SECRETS = ("13800138000", "138 0013 8000", "0013 8000", "00138000", ADDRESS, "建国路88号")


async def test_an_update_with_a_phone_and_an_address_leaves_neither_in_logs_or_report(
    chat: Chat, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], json_logs: None
) -> None:
    caplog.set_level(logging.INFO)
    chat.harness.app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, raise_it), group=5)
    chat.harness.raise_errors = False
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, f"客户住 {ADDRESS}，电话 138 0013 8000")
    assert len(chat.harness.errors) == 1

    report = chat.fake.last_text(ADMIN_ID)
    error_id = error_id_in(report)
    assert error_id_in(chat.fake.last_text(GUIDE)) == error_id
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    (logged,) = [line for line in lines if line.get("error_id") == error_id and line["level"] == "ERROR"]
    assert logged["update_kind"] == "message" and logged["user_id"] == GUIDE
    assert "RuntimeError: the sweep went wrong" in logged["exc_info"]
    everything = "\n".join([caplog.text, json.dumps(lines, ensure_ascii=False), report])
    for secret in SECRETS:
        assert secret not in everything


async def test_a_failure_mid_dialog_leaks_nothing_even_when_the_exception_names_the_phone(
    chat: Chat,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    json_logs: None,
) -> None:
    from bot.filing import confirmation as filing_confirmation

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("could not file +86 138 0013 8000")

    monkeypatch.setattr(filing_confirmation, "file_registration", broken)
    caplog.set_level(logging.INFO)
    chat.harness.raise_errors = False
    guide = chat.user(GUIDE)
    await fill(chat, guide, phone="138 0013 8000", address=ADDRESS)
    await chat.harness.press(guide, data_of(chat, GUIDE, "确认"))

    error_id = error_id_in(chat.fake.last_text(GUIDE))
    report = chat.fake.last_text(ADMIN_ID)
    assert error_id_in(report) == error_id
    assert "RuntimeError: could not file 138****8000" in report
    err = capsys.readouterr().err
    assert error_id in err and "could not file 138****8000" in err
    for secret in (*SECRETS, "+86 138"):
        assert secret not in caplog.text and secret not in err and secret not in report
