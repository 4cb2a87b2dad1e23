"""Issue 13: one INFO line per business event on "leadbot.events" — filed, rejected (with the
reason), follow-up, reminder sent, digest posted, review and extension decided — with ids and
masked data only, said once whichever front door (chat or command line) ran the use case, and
only once the transaction committed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.sweep import post_summaries, sweep
from domain.decisions import decide_extension, decide_review, request_extension
from domain.filing import Accepted
from domain.model import FollowUpKind
from domain.registrations import Done, record_follow_up
from domain.rules import Rules
from storage.event_log import EventLog, events
from tests.bot.conftest import Chat
from tests.bot.test_decisions import HEAD, add_head
from tests.bot.test_filing_dialog import data_of
from tests.bot.test_groups import GROUP, bind
from tests.bot.test_verdicts_and_lists import file_directly

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = timedelta(days=1)
PERSONAL = ("张三", "13800138000", "138 0013 8000", "建国路", "客户出差")


@pytest.fixture
def said(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger=events.name)

    def lines() -> list[str]:
        found = [r.getMessage() for r in caplog.records if r.name == events.name]
        for line in found:
            assert not any(word in line for word in PERSONAL), line
        caplog.clear()
        return found

    return lines


async def test_filed_rejected_and_followed_up_in_the_chat_once_each(chat: Chat, said) -> None:
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    await h.say(guide, "张三")
    await h.say(guide, "13800138000")
    await h.say(guide, "北京市朝阳区建国路88号3栋1201")
    await h.say(guide, "床垫")
    await h.press(guide, data_of(chat, guide.id, "一个月内"))
    await h.press(guide, data_of(chat, guide.id, "刚刚"))
    await h.press(guide, data_of(chat, guide.id, "确认"))
    [filed] = said()
    assert filed.startswith("filed: registration 1 by staff ") and "telegram 101, chat" in filed
    assert "138****8000" in filed

    other = chat.user(102)
    await h.say(other, "/new")
    await h.say(other, "张三")
    await h.say(other, "13800138000")  # the verdict comes right after the phone
    [rejected] = said()
    assert rejected.startswith("rejected: duplicate, by staff ") and "telegram 102" in rejected

    await h.say(guide, "/follow")
    await h.press(guide, data_of(chat, guide.id, "电话"))
    await h.say(guide, "客户出差，周末来店")
    await h.press(guide, data_of(chat, guide.id, "3 天后"))
    [follow_up] = said()
    assert follow_up.startswith("follow_up: registration 1 by staff ") and follow_up.endswith("kind call")


def test_the_command_line_logs_the_same_lines_through_the_same_use_cases(
    chat: Chat, said, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from typer.testing import CliRunner

    import bot.cli.common as cli_common
    from bot.cli import app

    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_common, "utc_now", lambda: chat.clock.now)
    filing = (
        "file",
        "--name",
        "张三",
        "--phone",
        "13800138000",
        "--address",
        "北京市朝阳区建国路88号3栋1201",
    )
    assert CliRunner().invoke(app, [*filing, "--staff", "101"]).exit_code == 0
    assert CliRunner().invoke(app, [*filing, "--staff", "102"]).exit_code == 3
    filed, rejected = said()
    assert filed.startswith("filed: registration 1 by ") and "(telegram 101, cli)" in filed
    assert rejected.startswith("rejected: duplicate, by ") and "(telegram 102, cli)" in rejected
    followed = CliRunner().invoke(app, ["follow-up", "1", "--staff", "101", "--kind", "store_visit"])
    assert followed.exit_code == 0, followed.output
    assert said() == [f"follow_up: registration 1 by staff {chat.roster.guide.id}, kind store_visit"]
    done = record_follow_up(
        chat.roster.writer,
        actor_telegram_id=101,
        registration_id=1,
        kind=FollowUpKind.CALL,
        note="客户出差",
        amount=None,
        next_contact_at=None,
        now=chat.clock.now,
        rules=Rules(),
    )
    assert isinstance(done, Done)
    assert said() == [f"follow_up: registration 1 by staff {chat.roster.guide.id}, kind call"]


def test_nothing_is_said_of_what_was_rolled_back(chat: Chat, said) -> None:
    with chat.roster.writer() as uow:
        uow.attempts.log_attempt(
            at=chat.clock.now,
            telegram_id=101,
            staff_id=1,
            phone="13800138000",
            customer_name="张三",
            outcome="rejected",
            reason="duplicate",
            registration_id=None,
            source="chat",
        )
    assert said() == []


def test_review_and_extension_decisions(chat: Chat, said) -> None:
    review = Rules(review_required=True)
    pending = file_directly(chat, 101, "13800138000", rules=review)
    assert isinstance(pending, Accepted)
    said()
    decided = decide_review(
        chat.roster.writer,
        actor_telegram_id=301,
        registration_id=pending.registration_id,
        approve=True,
        reason=None,
        now=chat.clock.now,
        rules=review,
    )
    assert isinstance(decided, Done)
    store_manager = chat.roster.store_manager.id
    assert said() == [f"review_approved: registration {pending.registration_id} by staff {store_manager}"]

    add_head(chat)
    field = file_directly(chat, 201, "13900139000")
    assert isinstance(field, Accepted)
    asked = request_extension(
        chat.roster.writer,
        actor_telegram_id=201,
        registration_id=field.registration_id,
        reason="客户出差",
        now=chat.clock.now,
        rules=Rules(),
    )
    assert isinstance(asked, Done)
    extended = decide_extension(
        chat.roster.writer,
        actor_telegram_id=HEAD,
        request_id=asked.detail["request_id"],
        approve=True,
        now=chat.clock.now,
        rules=Rules(),
    )
    assert isinstance(extended, Done)
    lines = said()
    assert [line.split(":")[0] for line in lines] == ["filed", "extension_requested", "extension_approved"]
    assert lines[2].startswith(f"extension_approved: registration {field.registration_id} by staff ")


async def test_a_reminder_sent_and_a_digest_posted(chat: Chat, said) -> None:
    await bind(chat, 301)
    await chat.harness.press(chat.user(301), chat.fake.buttons(GROUP)[0][1], chat_id=GROUP)
    filed = chat.clock.now
    file_directly(chat, 101, "13800138000")
    said()
    svc = chat.harness.app.bot_data["services"]
    [(_, status)] = await sweep(chat.harness.app.bot, svc, filed + 2 * D)
    assert status == "sent"
    assert said() == [f"reminder sent: follow_up for registration 1 to staff {chat.roster.guide.id}"]
    results = await post_summaries(chat.harness.app.bot, svc, datetime(2026, 11, 12, 20, 30, tzinfo=SHANGHAI))
    assert [status for _, status in results] == ["sent"]
    [posted] = said()
    team = chat.roster.store.id
    assert posted == f"digest posted: team {team}, 2026-11-12, to chat {GROUP} (1 open registrations)"


def test_a_free_text_reason_is_never_in_the_line() -> None:
    from domain.model import EventKind

    log = EventLog()
    log.registration_event(EventKind.REVIEW_REJECTED, 5, 2, {"reason": "客户出差"})
    log.registration_event(EventKind.RELEASED, 6, 2, {"reason": "expired"})
    assert [text for text, _ in log.lines] == [
        "review_rejected: registration 5 by staff 2",
        "released: registration 6 by staff 2, reason expired",
    ]


# --- the scheduler's lines ------------------------------------------------------------------------


@pytest.fixture
def configured(capsys: pytest.CaptureFixture[str]):
    """Logging as `leadbot run` sets it up (INFO, text), put back afterwards."""
    from bot.runtime.logs import configure_logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = ("httpx", "httpcore", "apscheduler")
    levels = {name: logging.getLogger(name).level for name in names}
    configure_logging("text")
    yield capsys
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


async def test_a_run_with_jobs_says_nothing_of_the_scheduler_at_info(chat: Chat, configured) -> None:
    import asyncio

    ran: list[int] = []

    async def job(_context: object) -> None:
        ran.append(1)
        events.info("a business event")

    job_queue = chat.harness.app.job_queue
    assert job_queue is not None
    job_queue.run_repeating(job, interval=0.05, first=0, name="every-minute")
    await asyncio.sleep(0.4)
    job_queue.scheduler.remove_all_jobs()
    err = configured.readouterr().err
    assert len(ran) >= 3
    assert "apscheduler" not in err and "Running job" not in err and "executed successfully" not in err
    assert err.count("leadbot.events: a business event") == len(ran)


def test_at_debug_the_scheduler_is_heard() -> None:
    from bot.runtime.logs import configure_logging

    root = logging.getLogger()
    handlers, level, scheduler = list(root.handlers), root.level, logging.getLogger("apscheduler").level
    try:
        configure_logging("text", logging.DEBUG)
        assert logging.getLogger("apscheduler").getEffectiveLevel() == logging.DEBUG
        configure_logging("text")
        assert logging.getLogger("apscheduler.executors.default").getEffectiveLevel() == logging.WARNING
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        logging.getLogger("apscheduler").setLevel(scheduler)
