"""The fake Bot API over real HTTP: PTB's own HTTPX request talks to it, getUpdates like Telegram's."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.error import Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.fakebot import Call, FakeBotAPI, TgUser
from tests.fakebot_http import CLIENT_CLOSED, CONFLICT_DESCRIPTION, FakeBotServer

TOKEN = "123:ABC"
ALICE = TgUser(101, "王芳", username="wangfang")
BOB = TgUser(201, "李强", language_code="en")
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("新报备", callback_data="menu:new"),
            InlineKeyboardButton("帮助", url="https://example.com/help"),
        ]
    ]
)


@pytest.fixture
def server() -> Iterator[FakeBotServer]:
    with FakeBotServer() as running:
        yield running


def http_bot(server: FakeBotServer, **kwargs: Any) -> Bot:
    return Bot(TOKEN, base_url=server.base_url, base_file_url=server.file_base_url, **kwargs)


async def some_calls(bot: Bot) -> None:
    """The same calls over HTTP and in process: the recorded params must be the same."""
    await bot.send_message(
        ALICE.id,
        "123",
        reply_markup=KEYBOARD,
        entities=[MessageEntity("bold", 0, 1)],
        disable_notification=True,
    )
    await bot.send_message("@leadbot_channel", "true")
    await bot.send_contact(ALICE.id, phone_number="13800138000", first_name="张三")
    await bot.answer_callback_query("10100000001", text="好", cache_time=5)
    await bot.set_my_commands([BotCommand("start", "开始")], language_code="zh")
    await bot.send_document(
        -1001234567890, b"PK\x03\x04\x00\xff", filename='朝阳店 "日报".xlsx', caption="日报"
    )
    await bot.edit_message_text("改了", chat_id=ALICE.id, message_id=1)
    await bot.get_updates(offset=0, timeout=0, allowed_updates=["message"])
    await bot.delete_webhook(drop_pending_updates=False)


# -- a plain Bot -------------------------------------------------------------------------------


async def test_send_message_with_an_inline_keyboard(server: FakeBotServer) -> None:
    async with http_bot(server) as bot:
        message = await bot.send_message(ALICE.id, "欢迎使用", reply_markup=KEYBOARD)
    assert message.chat_id == ALICE.id and message.text == "欢迎使用"
    assert message.reply_markup == KEYBOARD  # Telegram echoes inline keyboards
    fake = server.fake
    assert fake.texts(ALICE.id) == ["欢迎使用"]
    assert fake.buttons(ALICE.id) == [("新报备", "menu:new"), ("帮助", None)]
    assert fake.last_bot_message_id(ALICE.id) == message.message_id
    [call] = fake.calls_to("sendMessage")
    assert call.chat_id == ALICE.id and isinstance(call.params["chat_id"], int)
    assert call.params["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "新报备",
        "callback_data": "menu:new",
    }


async def test_params_are_recorded_as_the_in_process_fake_records_them(server: FakeBotServer) -> None:
    in_process = FakeBotAPI()
    async with Bot(TOKEN, request=in_process, get_updates_request=in_process) as bot:
        await some_calls(bot)
    async with http_bot(server) as bot:
        await some_calls(bot)
    over_http = server.calls_snapshot()
    assert [(c.method, c.params, c.files, c.status) for c in over_http] == [
        (c.method, c.params, c.files, c.status) for c in in_process.calls
    ]
    sent = next(c for c in over_http if c.method == "sendMessage")
    assert (
        sent.params["text"] == "123" and sent.params["disable_notification"] is True
    )  # a digit string stays a str
    assert next(c for c in over_http if c.method == "sendContact").params["phone_number"] == "13800138000"


async def test_send_document_with_bytes_lands_in_files(server: FakeBotServer) -> None:
    content = bytes(range(256)) * 64
    async with http_bot(server) as bot:
        message = await bot.send_document(
            -100777, content, filename="朝阳店 意向客户跟踪表.xlsx", caption="日报"
        )
    assert message.document is not None and message.document.file_name == "朝阳店 意向客户跟踪表.xlsx"
    assert message.document.file_size == len(content) and message.caption == "日报"
    [call] = server.fake.calls_to("sendDocument")
    assert call.files == {"document": ("朝阳店 意向客户跟踪表.xlsx", content)}
    assert call.params == {"chat_id": -100777, "caption": "日报"}


@pytest.mark.filterwarnings(
    "ignore::telegram.warnings.PTBDeprecationWarning"
)  # RetryAfter.retry_after's type
async def test_injected_failures_become_ptb_exceptions(server: FakeBotServer) -> None:
    server.fake.fail_next("sendMessage", 403)
    server.fake.fail_next("sendMessage", 429, retry_after=7)
    async with http_bot(server) as bot:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(ALICE.id, "a")
        with pytest.raises(RetryAfter):
            await bot.send_message(ALICE.id, "b")
        await bot.send_message(ALICE.id, "c")
    assert [(c.params["text"], c.status) for c in server.fake.calls_to("sendMessage")] == [
        ("a", 403),
        ("b", 429),
        ("c", 200),
    ]
    assert server.fake.texts(ALICE.id) == ["c"]


async def test_wrong_token_and_unknown_paths(server: FakeBotServer) -> None:
    with FakeBotServer(token=TOKEN) as guarded:
        assert (await http_bot(guarded).get_me()).username == guarded.fake.bot_user["username"]
        with pytest.raises(InvalidToken):
            await Bot("999:WRONG", base_url=guarded.base_url).get_me()
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{server.url}/nothing/here")
    assert response.status_code == 404 and response.json()["ok"] is False


async def test_file_downloads_are_recorded(server: FakeBotServer) -> None:
    server.fake.set_result(
        "getFile", {"file_id": "F1", "file_unique_id": "U1", "file_size": 0, "file_path": "documents/a.xlsx"}
    )
    async with http_bot(server) as bot:
        file = await bot.get_file("F1")
        assert bytes(await file.download_as_bytearray()) == b""
    [get] = server.fake.calls_to("GET")
    assert get.params["url"] == f"{server.file_base_url}{TOKEN}/documents/a.xlsx"


# -- getUpdates --------------------------------------------------------------------------------


async def test_get_updates_offset_confirms_and_unconfirmed_updates_come_again(server: FakeBotServer) -> None:
    first = server.push_message(ALICE, "一")
    second = server.push_message(ALICE, "二")
    server.push_message(BOB, "three")
    assert [u["update_id"] for u in (first, second)] == [1, 2]
    async with http_bot(server) as bot:
        updates = await bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == [1, 2, 3]
        assert updates[0].message is not None and updates[0].message.text == "一"
        # Not confirmed: the next getUpdates without a higher offset gets them again.
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [1, 2, 3]
        assert server.confirmed_offset == 0 and len(server.pending_updates()) == 3
        # offset=2 confirms update 1 for good; limit caps the answer.
        assert [u.update_id for u in await bot.get_updates(offset=2, limit=1, timeout=0)] == [2]
        assert server.confirmed_offset == 2
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [2, 3]
        assert [u.update_id for u in await bot.get_updates(offset=4, timeout=0)] == []
        assert server.confirmed_offset == 4 and server.pending_updates() == []
        assert server.deliveries == {1: 2, 2: 4, 3: 3}
        # A negative offset: only the last -offset updates, the earlier ones are forgotten.
        for text in ("4", "5", "6"):
            server.push_message(ALICE, text)
        assert [u.update_id for u in await bot.get_updates(offset=-1, timeout=0)] == [6]
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [6]


async def test_allowed_updates_filter_what_is_delivered(server: FakeBotServer) -> None:
    server.push_message(ALICE, "/start")
    async with http_bot(server) as bot:
        await bot.send_message(ALICE.id, "请选择", reply_markup=KEYBOARD)
        server.push_callback(ALICE, "menu:new")
        updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
        assert [u.update_id for u in updates] == [2]
        query = updates[0].callback_query
        assert query is not None and query.data == "menu:new" and query.message is not None
        assert query.message.message_id == server.fake.last_bot_message_id(ALICE.id)
        assert [u.update_id for u in await bot.get_updates(timeout=0, allowed_updates=[])] == [1, 2]


async def test_long_poll_waits_for_the_timeout_and_wakes_on_push(server: FakeBotServer) -> None:
    async with http_bot(server) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert 0.9 <= time.monotonic() - started < 2.5

        poll = asyncio.create_task(bot.get_updates(timeout=20))
        await server.wait_for_async(lambda _fake: server.waiting_polls == 1, timeout=5)
        started = time.monotonic()
        threading.Timer(0.2, server.push_message, args=(ALICE, "来了")).start()
        updates = await asyncio.wait_for(poll, timeout=5)
        assert [u.message.text for u in updates if u.message] == ["来了"]
        assert time.monotonic() - started < 1.5


async def test_a_second_get_updates_terminates_the_waiting_one_with_409(server: FakeBotServer) -> None:
    async with http_bot(server) as first, http_bot(server) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=20))
        await server.wait_for_async(lambda _fake: server.waiting_polls == 1, timeout=5)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(waiting, timeout=5)
    assert sorted((c.params["timeout"], c.status) for c in server.fake.calls_to("getUpdates")) == [
        (0, 200),
        (20, 409),
    ]


async def test_the_409_body_is_telegrams(server: FakeBotServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        waiting = asyncio.create_task(client.post(f"/bot{TOKEN}/getUpdates", data={"timeout": "20"}))
        await server.wait_for_async(lambda _fake: server.waiting_polls == 1, timeout=5)
        async with httpx.AsyncClient(base_url=server.url) as other:
            assert (await other.post(f"/bot{TOKEN}/getUpdates", data={"timeout": "0"})).json() == {
                "ok": True,
                "result": [],
            }
        response = await asyncio.wait_for(waiting, timeout=5)
    assert response.status_code == 409
    assert response.json() == {"ok": False, "error_code": 409, "description": CONFLICT_DESCRIPTION}


async def test_a_poll_the_client_abandoned_is_no_conflict(server: FakeBotServer) -> None:
    async with http_bot(server) as bot:
        waiting = asyncio.create_task(bot.get_updates(timeout=20))
        await server.wait_for_async(lambda _fake: server.waiting_polls == 1, timeout=5)
        waiting.cancel()  # what Updater.stop() does; httpx closes that connection
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await server.wait_for_async(lambda _fake: server.waiting_polls == 0, timeout=5)
        assert await bot.get_updates(timeout=0) == ()
    assert [c.status for c in server.fake.calls_to("getUpdates")] == [CLIENT_CLOSED, 200]


async def test_webhooks_are_recorded_and_block_polling_as_on_telegram(server: FakeBotServer) -> None:
    server.push_message(ALICE, "old")
    async with http_bot(server) as bot:
        assert await bot.set_webhook("https://example.com/hook", secret_token="s3cret") is True
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        assert await bot.delete_webhook(drop_pending_updates=True) is True
        assert await bot.get_updates(timeout=0) == ()  # dropped with the webhook
    hook = server.fake.calls_to("setWebhook")[0]
    assert hook.params == {"url": "https://example.com/hook", "secret_token": "s3cret"}
    assert server.fake.calls_to("deleteWebhook")[0].params == {"drop_pending_updates": True}


async def test_stop_releases_a_waiting_long_poll_at_once() -> None:
    server = FakeBotServer().start()
    request = HTTPXRequest(read_timeout=5)
    async with http_bot(server, get_updates_request=request) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await server.wait_for_async(lambda _fake: server.waiting_polls == 1, timeout=5)
        started = time.monotonic()
        await asyncio.to_thread(server.stop)
        assert await asyncio.wait_for(poll, timeout=5) == ()
        assert time.monotonic() - started < 1.0


def test_wait_for_times_out_with_the_recent_calls() -> None:
    with FakeBotServer() as server:
        with server.lock:
            server.fake.calls.append(Call("sendMessage", {"chat_id": 5, "text": "别的"}))
        with pytest.raises(
            AssertionError, match=r"(?s)'你好' in chat 5.*sendMessage chat=5 status=200 '别的'"
        ):
            server.wait_for_text(5, "你好", timeout=0.2)


# -- a real Application polling over HTTP -----------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_text(
        f"欢迎，{update.effective_user.first_name}", reply_markup=KEYBOARD
    )


async def test_an_application_polls_answers_and_confirms(server: FakeBotServer) -> None:
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.file_base_url)
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    async with app:
        await app.updater.start_polling(timeout=5, allowed_updates=["message"])
        await app.start()
        pushed = server.push_message(ALICE, "/start")
        assert await server.wait_for_text_async(ALICE.id, "欢迎，王芳", timeout=5) == "欢迎，王芳"
        # The next poll carries offset = update_id + 1: Telegram forgets the update.
        await server.wait_for_async(lambda _fake: server.confirmed_offset > pushed["update_id"], timeout=5)
        assert server.pending_updates() == []
        await app.updater.stop()
        await app.stop()
    assert server.fake.buttons(ALICE.id) == [("新报备", "menu:new"), ("帮助", None)]
    assert server.deliveries == {pushed["update_id"]: 1}
    assert server.fake.calls_to("deleteWebhook")  # PTB's polling bootstrap
    assert not [c for c in server.fake.calls_to("getUpdates") if c.status == 409]
