"""Polling (issue 10 item 9): an update the library cannot read is logged once, by its id only, and
skipped; the rest of its batch is handled and the offset moves past it — the real Updater polling
the fake Bot API's getUpdates."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tests.bot.conftest import Chat

ADDRESS, PHONE = "北京市朝阳区建国路88号3栋1201", "13800138000"


async def _poll_until(chat: Chat, done: Any, timeout: float = 5) -> None:
    async def wait() -> None:
        while not done():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


async def test_an_update_that_cannot_be_read_is_skipped_once_and_the_batch_goes_on(
    chat: Chat, caplog
) -> None:
    caplog.set_level(logging.INFO)  # what `leadbot run` logs (bot.runtime.logs)
    guide, guide2 = chat.user(101), chat.user(102)
    good1 = chat.harness.factory.message(guide, "/mine")
    bad = {
        "update_id": good1["update_id"] + 1,
        "message": {
            "message_id": 77,
            "date": 0,
            "chat": "garbage",
            "from": guide.to_dict(),
            "text": f"{ADDRESS} {PHONE}",
        },
    }
    chat.harness.factory._update_id += 1  # the factory's next id comes after the bad one
    good2 = chat.harness.factory.message(guide2, "/mine")
    batch = [good1, bad, good2]

    def get_updates(params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset") or 0  # like Telegram: what is not yet confirmed
        return [update for update in batch if update["update_id"] >= offset]

    chat.fake.set_result("getUpdates", get_updates)
    updater = chat.harness.app.updater
    assert updater is not None
    await updater.start_polling(poll_interval=0.02, timeout=0)
    try:
        await _poll_until(chat, lambda: chat.fake.texts(101) and chat.fake.texts(102))
        await asyncio.sleep(0.3)  # a dozen more polls: none of them gets the batch again
    finally:
        await updater.stop()
    polls = chat.fake.calls_to("getUpdates")
    assert len(polls) > 3
    assert [call for call in polls if (call.params.get("offset") or 0) <= bad["update_id"]] == polls[:1]
    assert all(call.params["offset"] == good2["update_id"] + 1 for call in polls[1:])
    assert len(chat.fake.texts(101)) == 1 and len(chat.fake.texts(102)) == 1
    about_bad = [r for r in caplog.records if f"update {bad['update_id']}" in r.getMessage()]
    assert len(about_bad) == 1 and about_bad[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]
    assert ADDRESS not in caplog.text and PHONE not in caplog.text and "建国路" not in caplog.text


async def test_a_batch_whose_last_update_cannot_be_read_is_confirmed_too(chat: Chat, caplog) -> None:
    guide = chat.user(101)
    good = chat.harness.factory.message(guide, "/mine")
    bad = {"update_id": good["update_id"] + 1, "callback_query": {"id": "1", "from": "nobody"}}
    batch = [good, bad]
    chat.fake.set_result(
        "getUpdates", lambda params: [u for u in batch if u["update_id"] >= (params.get("offset") or 0)]
    )
    updater = chat.harness.app.updater
    assert updater is not None
    await updater.start_polling(poll_interval=0.02, timeout=0)
    try:
        await _poll_until(chat, lambda: chat.fake.texts(101))
        await asyncio.sleep(0.2)
    finally:
        await updater.stop()
    polls = chat.fake.calls_to("getUpdates")
    assert all(call.params["offset"] == bad["update_id"] + 1 for call in polls[1:])
    assert len(chat.fake.texts(101)) == 1
    assert sum(f"update {bad['update_id']}" in r.getMessage() for r in caplog.records) == 1
