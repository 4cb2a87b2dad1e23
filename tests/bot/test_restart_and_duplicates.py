"""Dialogs survive a restart (state and drafts in the database) and an update delivered twice is
handled once — in-process, on both databases. tests/e2e/test_run_process.py does the same with a
real `leadbot run` killed by SIGKILL."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from telegram import Update

from bot.app import build_application
from bot.config import Settings
from storage.tables import DialogStateRow, InboundUpdateRow, RegistrationRow
from storage.update_ledger import UpdateLedger
from tests.bot.conftest import ADMIN_ID, Chat, Clock
from tests.bot.test_filing_dialog import ADDRESS, count, data_of, fill
from tests.conftest import T0, make_roster
from tests.fakebot import BotHarness, FakeBotAPI, TgUser, UpdateFactory


def _settings() -> Settings:
    return Settings(
        telegram_token="123:ABC",
        database_url="sqlite://",
        admin_ids=[ADMIN_ID],
        sweep_interval_seconds=0,
        _env_file=None,
    )


async def test_a_half_filled_registration_continues_after_a_restart(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/new")
    await chat.harness.say(guide, "张三")
    await chat.harness.say(guide, "138 0013 8000")
    assert "3/6" in chat.fake.last_text(guide.id)
    # Nothing is flushed on purpose: each update wrote its changes.
    with chat.roster.engine.connect() as conn:
        scopes = {row.scope for row in conn.execute(sa.select(DialogStateRow.scope))}
    assert {"user_data", "conversation:filing"} <= scopes

    # A new process: a new Application on the same database, the same chat on Telegram's side.
    fake = chat.fake
    application = build_application(_settings(), chat.roster.engine, request=fake, clock=chat.clock)
    factory = UpdateFactory(fake, first_update_id=chat.harness.factory._update_id + 1)
    async with BotHarness(application, fake=fake, factory=factory) as second:
        await second.say(guide, ADDRESS)
        assert "4/6" in fake.last_text(guide.id)
        await second.say(guide, "1.8米床垫")
        await second.press(guide, data_of(chat, guide.id, "一个月内"))
        await second.press(guide, data_of(chat, guide.id, "刚刚"))
        summary = fake.last_text(guide.id)
        assert "张三" in summary and "138 0013 8000" in summary and ADDRESS in summary
        await second.press(guide, data_of(chat, guide.id, "确认"))
        assert "报备成功" in fake.last_text(guide.id)
    assert count(chat, RegistrationRow) == 1
    # The finished dialog leaves nothing behind.
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(DialogStateRow)).scalar_one() == 0


async def test_a_cancelled_dialog_does_not_come_back_after_a_restart(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/new")
    await chat.harness.say(guide, "张三")
    await chat.harness.say(guide, "/cancel")
    application = build_application(_settings(), chat.roster.engine, request=chat.fake, clock=chat.clock)
    factory = UpdateFactory(chat.fake, first_update_id=chat.harness.factory._update_id + 1)
    async with BotHarness(application, fake=chat.fake, factory=factory) as second:
        await second.say(guide, "138 0013 8000")
    assert "3/6" not in chat.fake.last_text(guide.id)


async def test_the_same_update_twice_files_once_and_replies_once(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide)
    confirm = chat.harness.factory.callback(guide, data_of(chat, guide.id, "确认"))
    replies_before = len(chat.fake.calls)
    await chat.harness.send(copy.deepcopy(confirm))
    after_first = len(chat.fake.calls)
    await chat.harness.send(copy.deepcopy(confirm))
    assert len(chat.fake.calls) == after_first > replies_before
    assert count(chat, RegistrationRow) == 1


async def test_a_text_message_delivered_twice_is_answered_once(chat: Chat) -> None:
    guide = chat.user(101)
    update = chat.harness.factory.message(guide, "/new")
    await chat.harness.send(copy.deepcopy(update))
    await chat.harness.send(copy.deepcopy(update))
    assert sum("1/6" in text for text in chat.fake.texts(guide.id)) == 1


async def test_handled_updates_keep_no_customer_details(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide)
    with chat.roster.engine.connect() as conn:
        rows = conn.execute(sa.select(InboundUpdateRow.status, InboundUpdateRow.payload)).all()
    assert rows and all(status == "done" and payload is None for status, payload in rows)


async def test_an_update_a_killed_run_received_but_never_began_is_handled_at_the_next_start(engine) -> None:
    make_roster(engine)
    fake = FakeBotAPI()
    update = UpdateFactory(fake, first_update_id=500).message(TgUser(101, "王芳"), "/quota")
    # The dead run recorded it (so Telegram was told it arrived), then died before handling it.
    assert UpdateLedger(engine, "dead-run").record(500, json.dumps(update), T0)
    application = build_application(_settings(), engine, request=fake, clock=Clock(T0))
    async with BotHarness(application, fake=fake):
        assert await application.replay_unfinished() == 1
        await application.update_queue.join()
    assert fake.texts(101) == ["门店导购报备不限数量。"], "the replayed update was answered"
    with engine.connect() as conn:
        assert conn.execute(sa.select(InboundUpdateRow.status)).scalar_one() == "done"


async def test_an_update_a_killed_run_began_without_committing_anything_is_handled_again(engine) -> None:
    make_roster(engine)
    fake = FakeBotAPI()
    update = UpdateFactory(fake, first_update_id=500).message(TgUser(101, "王芳"), "/quota")
    dead = UpdateLedger(engine, "dead-run")
    assert dead.claim(500, json.dumps(update), T0)  # … and died before anything was saved
    application = build_application(_settings(), engine, request=fake, clock=Clock(T0))
    async with BotHarness(application, fake=fake):
        assert await application.replay_unfinished() == 1
        await application.update_queue.join()
    assert fake.texts(101) == ["门店导购报备不限数量。"]


async def test_an_update_whose_use_case_committed_is_not_redone(chat: Chat, caplog) -> None:
    guide = chat.user(101)
    await fill(chat, guide)
    confirm = chat.harness.factory.callback(guide, data_of(chat, guide.id, "确认"))
    # The filing commits, then the process dies before the dialog state and the done mark are saved.
    application = chat.harness.app
    persistence = application.persistence

    class Killed(BaseException):
        """Not an Exception: nothing in the bot catches it, as nothing outlives SIGKILL."""

    def die(_also=None) -> None:
        raise Killed

    persistence.write_pending = die
    with pytest.raises(Killed):
        await application.process_update(Update.de_json(copy.deepcopy(confirm), application.bot))
    del persistence.write_pending  # the dead process's memory is gone with it
    persistence._pending.clear()
    assert count(chat, RegistrationRow) == 1
    with chat.roster.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(InboundUpdateRow.status).where(InboundUpdateRow.update_id == confirm["update_id"])
            ).scalar_one()
            == "committed"
        )

    # The next process: Telegram delivers the press again; it is closed, not filed a second time.
    second = build_application(_settings(), chat.roster.engine, request=chat.fake, clock=chat.clock)
    async with BotHarness(second, fake=chat.fake) as harness:
        assert await second.replay_unfinished() == 0
        replies = len(chat.fake.calls)
        await harness.send(copy.deepcopy(confirm))
        assert len(chat.fake.calls) == replies
    assert count(chat, RegistrationRow) == 1
    assert f"update {confirm['update_id']} was being handled when the last process stopped" in caplog.text


def test_the_ledger_forgets_only_old_handled_updates(engine) -> None:
    ledger = UpdateLedger(engine, "run")
    ledger.record(1, "{}", T0 - timedelta(hours=50))
    ledger.claim(1, "{}", T0)
    with engine.begin() as conn:
        ledger.finish(conn, 1, T0)
    ledger.record(2, "{}", T0 - timedelta(hours=50))  # received, never handled: kept
    ledger.record(3, "{}", T0)
    ledger.claim(3, "{}", T0)
    with engine.begin() as conn:
        ledger.finish(conn, 3, T0)
    assert ledger.forget_before(T0 - timedelta(hours=48)) == 1
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.select(InboundUpdateRow.update_id)).scalars()) == [2, 3]
    assert not ledger.record(3, "{}", T0), "still remembered: a redelivery is recognised"


async def test_an_update_arriving_while_the_database_is_down_waits_to_be_recorded(
    chat: Chat, monkeypatch, caplog
) -> None:
    from sqlalchemy.exc import OperationalError

    import bot.runtime.updates

    monkeypatch.setattr(bot.runtime.updates, "RECORD_RETRY_FIRST_S", 0.01)
    queue = chat.harness.app.update_queue
    real_record, failures = queue.ledger.record, [2]

    def record(*args):
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("INSERT …", None, ConnectionError("server closed the connection"))
        return real_record(*args)

    monkeypatch.setattr(queue.ledger, "record", record)
    update = Update.de_json(chat.harness.factory.message(chat.user(101), "/quota"), chat.harness.app.bot)
    await queue.put(update)  # as the poller does: it returns only once the update is recorded
    await asyncio.wait_for(queue.join(), timeout=5)
    assert chat.fake.texts(101) == ["门店导购报备不限数量。"]
    assert caplog.text.count("could not record update") == 2
