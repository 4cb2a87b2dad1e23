"""`leadbot run` as a real process talking HTTP to the fake Bot API: killed mid-dialog, the same
update twice, SIGTERM in the middle of an update, the webhook's secret, a standby taking over
after SIGKILL (PostgreSQL), two pollers on one token, a database that is not there."""

from __future__ import annotations

import json
import signal
import socket
import time
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from storage.tables import InboundUpdateRow, RegistrationRow
from tests.conftest import make_roster
from tests.e2e.bot_process import BotProcess
from tests.fakebot import TgUser
from tests.fakebot_http import FakeBotServer

pytestmark = pytest.mark.process

GUIDE = TgUser(101, "王芳")
ADDRESS = "北京市朝阳区建国路88号3栋1201"


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _button(server: FakeBotServer, chat_id: int, label: str) -> str:
    with server.lock:
        buttons = server.fake.buttons(chat_id)
    for text, data in buttons:
        if label in text and data:
            return data
    raise AssertionError(f"no {label!r} button in {buttons}")


def _texts(server: FakeBotServer, chat_id: int) -> list[str]:
    with server.lock:
        return server.fake.texts(chat_id)


@pytest.fixture
def server():
    with FakeBotServer() as server:
        yield server


def test_sigkill_in_the_middle_of_new_then_restart_continues_the_dialog(
    engine, db_url, server, tmp_path
) -> None:
    make_roster(engine)
    first = BotProcess(db_url, server, tmp_path)
    try:
        first.running()
        server.push_message(GUIDE, "/new")
        server.push_message(GUIDE, "张三")
        server.push_message(GUIDE, "138 0013 8000")
        server.wait_for_text(GUIDE.id, "3/6")
    finally:
        first.kill()

    second = BotProcess(db_url, server, tmp_path, LEADBOT_LOG_FORMAT="json")
    try:
        second.running()
        server.push_message(GUIDE, ADDRESS)
        server.wait_for_text(GUIDE.id, "4/6")
        server.push_message(GUIDE, "1.8米床垫")
        server.wait_for_text(GUIDE.id, "5/6")
        server.push_callback(GUIDE, _button(server, GUIDE.id, "一个月内"))
        server.wait_for_text(GUIDE.id, "6/6")
        server.push_callback(GUIDE, _button(server, GUIDE.id, "刚刚"))
        summary = server.wait_for_text(GUIDE.id, ADDRESS)
        assert "张三" in summary and "138 0013 8000" in summary
        server.push_callback(GUIDE, _button(server, GUIDE.id, "确认"))
        server.wait_for_text(GUIDE.id, "报备成功")
    finally:
        second.stop()
    assert _count(engine, RegistrationRow) == 1
    # Logs: one JSON object per line when asked, and never the customer's phone or address.
    records = [json.loads(line) for line in second.log.splitlines() if line.strip()]
    assert any(r["message"].startswith("leadbot is running") for r in records)
    for log in (first.log, second.log):
        assert "13800138000" not in log and "0013" not in log and "建国路" not in log


def test_an_update_delivered_again_is_handled_once_even_across_a_restart(
    engine, db_url, server, tmp_path
) -> None:
    make_roster(engine)
    server.lose_confirmations = True  # Telegram never hears the bot got it: it keeps delivering it
    first = BotProcess(db_url, server, tmp_path)
    try:
        first.running()
        update = server.push_message(GUIDE, "/quota")
        server.wait_for(lambda fake: fake.texts(GUIDE.id), message="the answer")
        server.wait_for(
            lambda _fake: server.deliveries.get(update["update_id"], 0) >= 3, message="three deliveries"
        )
        assert "delivered again" in first.log
        first.kill()
        second = BotProcess(db_url, server, tmp_path)
        second.running()
        delivered = server.deliveries[update["update_id"]]
        server.wait_for(
            lambda _fake: server.deliveries[update["update_id"]] >= delivered + 2, message="more deliveries"
        )
        second.wait_log("delivered again")
    finally:
        first.stop()
        if "second" in locals():
            second.stop()
    assert len(_texts(server, GUIDE.id)) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(InboundUpdateRow.status)).scalars().all() == ["done"]


def test_sigterm_in_the_middle_of_an_update_finishes_it_and_exits_0_within_10_s(
    engine, db_url, server, tmp_path
) -> None:
    make_roster(engine)
    bot = BotProcess(db_url, server, tmp_path)
    try:
        bot.running()
        server.delay("sendMessage", 3.0)  # the reply to /new is on its way when SIGTERM comes
        update = server.push_message(GUIDE, "/new")
        server.wait_for(lambda _fake: server.in_flight("sendMessage") > 0, message="the reply in flight")
        asked = time.monotonic()
        bot.signal(signal.SIGTERM)
        assert bot.wait(10) == 0
        took = time.monotonic() - asked
    finally:
        bot.stop()
    assert took < 10
    print(f"SIGTERM to exit 0: {took:.1f} s, with a 3 s reply in flight")
    assert any("1/6" in text for text in _texts(server, GUIDE.id)), "the update in hand was finished"
    assert server.confirmed_offset > update["update_id"], "and confirmed to Telegram before exiting"
    with engine.connect() as conn:
        assert conn.execute(sa.select(InboundUpdateRow.status)).scalars().all() == ["done"]

    # The dialog's first step was written: after a restart the name is taken as step 1's answer.
    server.delay("sendMessage", 0)
    again = BotProcess(db_url, server, tmp_path)
    try:
        again.running()
        server.push_message(GUIDE, "张三")
        server.wait_for_text(GUIDE.id, "2/6")
    finally:
        again.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(port: int, body: bytes, secret: str | None) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/tg/hook", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if secret is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_webhook_mode_refuses_a_wrong_secret_and_serves_healthz(engine, db_url, server, tmp_path) -> None:
    make_roster(engine)
    port = _free_port()
    bot = BotProcess(
        db_url,
        server,
        tmp_path,
        "--webhook",
        LEADBOT_WEBHOOK_URL="https://bot.example.com/tg/hook",
        LEADBOT_WEBHOOK_LISTEN="127.0.0.1",
        LEADBOT_WEBHOOK_PORT=str(port),
        LEADBOT_WEBHOOK_SECRET="right-secret",
    )
    try:
        bot.running()
        with server.lock:
            hook = server.fake.calls_to("setWebhook")[-1].params
        assert hook["url"] == "https://bot.example.com/tg/hook" and hook["secret_token"] == "right-secret"
        update = server.factory.message(GUIDE, "/quota")
        body = json.dumps(update).encode()
        assert _post(port, body, None) == 403
        assert _post(port, body, "wrong-secret") == 403
        assert _post(port, b"{malformed", "right-secret") == 400
        assert _count(engine, InboundUpdateRow) == 0 and _texts(server, GUIDE.id) == []
        assert _post(port, body, "right-secret") == 200
        server.wait_for(lambda fake: fake.texts(GUIDE.id), message="the answer to /quota")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200 and json.load(response) == {"status": "ok"}
        assert "right-secret" not in bot.log and "wrong-secret" not in bot.log
    finally:
        bot.stop()


def test_standby_takes_over_within_15_s_after_sigkill(engine, db_url, server, tmp_path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip(
            "hot standby is a PostgreSQL deployment (advisory lock); SQLite's file lock is tested below"
        )
    _standby_takes_over(engine, db_url, server, tmp_path)


def test_an_active_server_that_loses_its_lock_connection_stops(engine, db_url, server, tmp_path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the advisory lock's connection is PostgreSQL's")
    make_roster(engine)
    bot = BotProcess(db_url, server, tmp_path)
    try:
        bot.running()
        with engine.connect() as conn:  # e.g. a failover, or an admin ending sessions
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid <> pg_backend_pid()"
                )
            )
            conn.commit()
        assert bot.wait(15) == 1  # a standby may already be active: stop, and let the supervisor restart
    finally:
        bot.stop()
    assert "lost the database connection that holds the active-server lock" in bot.log


def test_a_second_process_on_the_same_sqlite_file_waits(engine, db_url, server, tmp_path) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    _standby_takes_over(engine, db_url, server, tmp_path)


def _standby_takes_over(engine, db_url, server, tmp_path) -> None:
    make_roster(engine)
    active = BotProcess(db_url, server, tmp_path)
    standby = None
    try:
        active.running()
        standby = BotProcess(db_url, server, tmp_path)
        standby.wait_log("standby")
        time.sleep(2)  # while both live, only one polls: Telegram would answer 409 to the other
        assert "leadbot is running" not in standby.log
        server.push_message(GUIDE, "/quota")
        server.wait_for(lambda fake: len(fake.texts(GUIDE.id)) == 1, message="the active one answers")
        active.kill()
        killed = time.monotonic()
        standby.running(timeout=15)
        took_over = time.monotonic() - killed
        server.push_message(GUIDE, "/quota")
        server.wait_for(lambda fake: len(fake.texts(GUIDE.id)) == 2, message="the new active one answers")
    finally:
        active.stop()
        if standby is not None:
            standby.stop()
    assert took_over < 15
    with server.lock:
        conflicts = [c for c in server.fake.calls if c.method == "getUpdates" and c.status == 409]
    assert conflicts == []
    print(f"standby took over {took_over:.1f} s after SIGKILL")


def test_two_pollers_not_sharing_a_database_hear_409_and_say_so_once(server, tmp_path) -> None:
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    first = BotProcess(f"sqlite:///{first_dir}/a.db", server, first_dir)
    second = BotProcess(f"sqlite:///{second_dir}/b.db", server, second_dir)
    try:
        first.running()
        second.running()
        deadline = time.monotonic() + 20
        while "409 Conflict" not in first.log + second.log and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)  # PTB keeps retrying (backing off); we must not log each attempt
    finally:
        first.stop()
        second.stop()
    lines = [line for line in (first.log + second.log).splitlines() if "409 Conflict" in line]
    assert 1 <= len(lines) <= 2, lines  # once per process at most, not once per attempt


def test_a_database_that_is_not_there_is_retried_then_a_clear_failure(server, tmp_path) -> None:
    bot = BotProcess(
        "postgresql://leadbot@127.0.0.1:1/leadbot", server, tmp_path, LEADBOT_DB_CONNECT_ATTEMPTS="3"
    )
    try:
        code = bot.wait(30)
    finally:
        bot.stop()
    log = bot.log
    assert code == 1
    assert "attempt 1 of 3" in log and "attempt 2 of 3" in log
    assert "not reachable after 3 attempt(s)" in log and "giving up" in log
    assert "Traceback" not in log
    with server.lock:
        assert server.fake.calls_to("getUpdates") == []


def test_a_database_that_comes_up_during_the_retries_is_used(server, tmp_path) -> None:
    # The database's directory appears a moment late, like a volume mounted after the container starts.
    later = tmp_path / "volume"
    bot = BotProcess(f"sqlite:///{later}/leadbot.db", server, tmp_path, LEADBOT_DB_CONNECT_ATTEMPTS="5")
    try:
        bot.wait_log("attempt 1 of 5")
        later.mkdir()
        bot.running(timeout=30)
        server.push_message(GUIDE, "/start")
        server.wait_for(lambda fake: fake.texts(GUIDE.id), message="an answer")  # a stranger's polite refusal
    finally:
        bot.stop()
    assert "Traceback" not in bot.log
