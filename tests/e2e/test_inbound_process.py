"""`leadbot run` as a real process polling the HTTP fake Bot API (issue 10 item 9): a batch with an
update the library cannot read is handled around it, the update is logged once by its id, and
SIGTERM still stops the process at once."""

from __future__ import annotations

import signal

import pytest

from tests.conftest import make_roster
from tests.e2e.bot_process import BotProcess
from tests.fakebot import TgUser
from tests.fakebot_http import FakeBotServer

pytestmark = pytest.mark.process

GUIDE, GUIDE2 = TgUser(101, "王芳"), TgUser(102, "刘洋")
ADDRESS, PHONE = "北京市朝阳区建国路88号3栋1201", "13800138000"


def test_an_unreadable_update_is_skipped_once_and_sigterm_still_stops(engine, db_url, tmp_path) -> None:
    make_roster(engine)
    with FakeBotServer() as server:
        bot = BotProcess(db_url, server, tmp_path)
        try:
            bot.running()
            first = server.push_message(GUIDE, "/quota")
            bad = server.push_update(
                {
                    "update_id": first["update_id"] + 1,
                    "message": {
                        "message_id": 9,
                        "date": 0,
                        "chat": "garbage",
                        "from": GUIDE.to_dict(),
                        "text": f"{ADDRESS} {PHONE}",
                    },
                }
            )
            server.push_message(GUIDE2, "/quota")
            server.wait_for(
                lambda fake: fake.texts(GUIDE.id) and fake.texts(GUIDE2.id), message="both answers"
            )
            polls = len(server.fake.calls_to("getUpdates"))
            bot.signal(signal.SIGTERM)
            assert bot.wait(10) == 0
        finally:
            bot.stop()
        log = bot.log
        assert log.count(f"update {bad['update_id']} could not be read") == 1
        assert ADDRESS not in log and PHONE not in log and "CRITICAL" not in log and "Traceback" not in log
        assert polls < 50, f"{polls} polls: the batch was asked for again and again"
