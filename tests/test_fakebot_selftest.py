"""The fake Bot API drives a real PTB Application: handlers, keyboards, edits, files, errors."""

from __future__ import annotations

import datetime as dtm
from typing import Any

import pytest
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from tests.fakebot import BotHarness, FakeBotAPI, TgUser, UpdateFactory

ALICE = TgUser(101, "王芳", username="wangfang")
BOB = TgUser(201, "李强", language_code="en")
AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("新报备", callback_data="menu:new"),
                InlineKeyboardButton("我的", callback_data="menu:mine"),
            ],
            [InlineKeyboardButton("帮助", url="https://example.com/help")],
        ]
    )
    await update.effective_message.reply_text("欢迎使用", reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    # The pressed message carries what the bot really sent, so handlers may read it.
    await query.edit_message_text(f"{query.message.text} → {query.data}")  # type: ignore[union-attr]


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.contact is not None
    await message.reply_text(f"收到 {message.contact.first_name} {message.contact.phone_number}")


def build(fake: FakeBotAPI, **options: Any) -> AnyApp:
    builder = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake)
    for name, value in options.items():
        builder = getattr(builder, name)(value)
    app = builder.build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.CONTACT, on_contact))
    return app


@pytest.fixture
def fake() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.mark.parametrize("options", [{}, {"updater": None}], ids=["with-updater", "no-updater"])
async def test_start_replies_with_text_and_inline_keyboard(fake: FakeBotAPI, options: dict[str, Any]) -> None:
    app = build(fake, **options)
    async with BotHarness(app) as bot:
        assert app.bot.username == "leadbot_test_bot" and app.bot.id == 1000
        await bot.say(ALICE, "/start")

    assert fake.calls[0].method == "getMe"
    assert fake.last_text(ALICE.id) == "欢迎使用"
    assert fake.buttons(ALICE.id) == [("新报备", "menu:new"), ("我的", "menu:mine"), ("帮助", None)]
    (sent,) = fake.sent_messages(ALICE.id)
    assert sent["chat_id"] == ALICE.id
    assert fake.sent_messages(BOB.id) == []
    assert not fake.calls_to("getUpdates")  # nothing polled


async def test_command_entity_and_bot_username_suffix(fake: FakeBotAPI) -> None:
    factory = UpdateFactory(fake)
    data = factory.message(ALICE, "/start@leadbot_test_bot abc")
    assert data["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]
    async with BotHarness(build(fake), factory=factory) as bot:
        await bot.send(data)
    assert fake.last_text(ALICE.id) == "欢迎使用"


async def test_button_press_answers_and_edits_the_message(fake: FakeBotAPI) -> None:
    async with BotHarness(build(fake)) as bot:
        await bot.say(ALICE, "/start")
        bot_message_id = fake.last_bot_message_id(ALICE.id)
        update = await bot.press(ALICE, "menu:new")

    assert update.callback_query is not None and update.callback_query.message is not None
    assert update.callback_query.message.message_id == bot_message_id
    (answer,) = fake.calls_to("answerCallbackQuery")
    assert answer.params["callback_query_id"] == update.callback_query.id
    (edit,) = fake.calls_to("editMessageText")
    assert edit.params["message_id"] == bot_message_id
    assert fake.texts(ALICE.id) == ["欢迎使用", "欢迎使用 → menu:new"]
    # An edit without reply_markup drops the keyboard, as on Telegram.
    assert fake.last_reply_markup(ALICE.id) is None
    assert "reply_markup" not in fake.messages[(ALICE.id, bot_message_id)]


async def test_message_ids_are_one_sequence_per_chat(fake: FakeBotAPI) -> None:
    async with BotHarness(build(fake)) as bot:
        first = await bot.say(ALICE, "/start")
        await bot.say(BOB, "/start")
        second = await bot.say(ALICE, "/start")
    assert first.message is not None and second.message is not None
    assert (first.message.message_id, fake.last_bot_message_id(BOB.id), second.message.message_id) == (
        1,
        2,
        3,
    )
    assert fake.last_bot_message_id(ALICE.id) == 4


async def test_send_document_records_file_name_and_bytes(fake: FakeBotAPI) -> None:
    payload = "客户,电话\n张三,13800138000\n".encode()
    async with BotHarness(build(fake)) as bot:
        message = await bot.app.bot.send_document(
            ALICE.id, document=payload, filename="报备.csv", caption="导出"
        )

    (call,) = fake.calls_to("sendDocument")
    assert call.files == {"document": ("报备.csv", payload)}
    assert call.params["caption"] == "导出"
    assert message.document is not None
    assert (message.document.file_name, message.document.file_size) == ("报备.csv", len(payload))
    assert message.chat.type == "private" and message.from_user is not None and message.from_user.is_bot


async def test_contact_handler(fake: FakeBotAPI) -> None:
    async with BotHarness(build(fake)) as bot:
        update = await bot.share_contact(ALICE, "+8613800138000")
        await bot.send(bot.factory.contact(ALICE, "13900139000"))

    assert update.message is not None and update.message.contact is not None
    assert update.message.contact.user_id == ALICE.id
    assert fake.texts(ALICE.id) == ["收到 王芳 +8613800138000", "收到 客户 13900139000"]


async def test_injected_errors_surface_as_ptb_exceptions(
    fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as timedelta, no deprecation warning
    fake.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user")
    fake.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    fake.fail_next("sendMessage", error_code=400, migrate_to_chat_id=-1009)
    fake.fail_next("editMessageText", error_code=400, description="Bad Request: message to edit not found")
    async with BotHarness(build(fake)) as bot:
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.app.bot.send_message(ALICE.id, "hi")
        with pytest.raises(RetryAfter) as retry:
            await bot.app.bot.send_message(ALICE.id, "hi")
        assert retry.value.retry_after == dtm.timedelta(seconds=1)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.app.bot.send_message(-1, "hi")
        assert migrated.value.new_chat_id == -1009
        with pytest.raises(BadRequest, match="not found"):
            await bot.app.bot.edit_message_text("x", chat_id=ALICE.id, message_id=1)
        await bot.app.bot.send_message(ALICE.id, "hi")  # failures are one-shot

    assert [c.status for c in fake.calls_to("sendMessage")] == [403, 429, 400, 200]
    assert fake.texts(ALICE.id) == ["hi"]  # failed sends are not "sent"


async def test_handler_exceptions_fail_the_test_unless_disabled(fake: FakeBotAPI) -> None:
    fake.fail_next("sendMessage", error_code=403)
    async with BotHarness(build(fake)) as bot:
        with pytest.raises(Forbidden):
            await bot.say(ALICE, "/start")
    fake.fail_next("sendMessage", error_code=403)
    async with BotHarness(build(fake), raise_errors=False) as bot:
        await bot.say(ALICE, "/start")
        assert isinstance(bot.errors[0], Forbidden)


async def test_rate_limiter_retries_after_429(fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PTB_TIMEDELTA", "true"
    )  # the limiter reads retry_after; avoid the deprecation warning
    fake.fail_next("sendMessage", error_code=429, retry_after=1)
    async with BotHarness(build(fake, rate_limiter=AIORateLimiter(max_retries=1))) as bot:
        await bot.say(ALICE, "/start")
    assert [c.status for c in fake.calls_to("sendMessage")] == [429, 200]
    assert fake.last_text(ALICE.id) == "欢迎使用"


async def test_html_text_is_recorded_verbatim(fake: FakeBotAPI) -> None:
    app = build(fake, defaults=Defaults(parse_mode=ParseMode.HTML))
    html = '<b>王芳</b> &amp; <a href="tg://user?id=101">李强</a>'
    async with BotHarness(app) as bot:
        message = await bot.app.bot.send_message(ALICE.id, html)
        await bot.app.bot.send_message(BOB.id, "<i>x</i>", parse_mode=ParseMode.HTML)

    assert fake.sent_messages(ALICE.id)[0]["parse_mode"] == "HTML"
    assert fake.last_text(ALICE.id) == html == message.text
    assert fake.last_text(BOB.id) == "<i>x</i>"


async def test_reply_keyboard_is_recorded_but_not_echoed(fake: FakeBotAPI) -> None:
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("分享手机号", request_contact=True)]], one_time_keyboard=True
    )
    async with BotHarness(build(fake)) as bot:
        message = await bot.app.bot.send_message(ALICE.id, "请分享", reply_markup=markup)
    assert message.reply_markup is None  # Telegram only echoes inline keyboards
    assert fake.buttons(ALICE.id) == [("分享手机号", None)]
    assert fake.last_reply_markup(ALICE.id)["keyboard"][0][0]["request_contact"] is True  # type: ignore[index]


async def test_post_init_hook_and_command_menu(fake: FakeBotAPI) -> None:
    async def post_init(app: AnyApp) -> None:
        await app.bot.set_my_commands([BotCommand("start", "开始")])
        await app.bot.set_chat_menu_button()
        await app.bot.delete_webhook()

    async with BotHarness(build(fake, post_init=post_init)) as bot:
        commands = await bot.app.bot.get_my_commands()
        chat = await bot.app.bot.get_chat(ALICE.id)
        await bot.app.bot.send_chat_action(ALICE.id, "typing")
        assert await bot.app.bot.delete_message(ALICE.id, 1)
        assert await bot.app.bot.do_api_request("someFutureMethod", api_kwargs={"x": 1})

    assert [(c.command, c.description) for c in commands] == [("start", "开始")]
    assert chat.id == ALICE.id and chat.type == "private"
    assert fake.calls[-1].method == "someFutureMethod" and fake.calls[-1].params == {"x": 1}


async def test_group_and_migration_updates(fake: FakeBotAPI) -> None:
    seen: list[Update] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)

    app = build(fake)
    app.add_handler(MessageHandler(filters.ALL, record), group=1)
    async with BotHarness(app) as bot:
        await bot.send(bot.factory.group_message(BOB, "hello"))
        await bot.send(bot.factory.migrate(BOB, -42, -1000000000042))
        await bot.send(bot.factory.group_message(BOB, "/start", chat_id=-1000000000042))

    group, migration, command = (u.effective_message for u in seen)
    assert group is not None and group.chat.type == "supergroup" and group.text == "hello"
    assert migration is not None and migration.migrate_to_chat_id == -1000000000042
    assert command is not None and fake.last_text(-1000000000042) == "欢迎使用"
    assert [u.update_id for u in seen] == [1, 2, 3]


async def test_strict_edits_reject_unchanged_content() -> None:
    fake = FakeBotAPI(strict_edits=True)
    async with BotHarness(build(fake)) as bot:
        sent = await bot.app.bot.send_message(ALICE.id, "a")
        await bot.app.bot.edit_message_text("b", chat_id=ALICE.id, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="not modified"):
            await bot.app.bot.edit_message_text("b", chat_id=ALICE.id, message_id=sent.message_id)
