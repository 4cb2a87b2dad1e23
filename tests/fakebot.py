"""A fake Telegram Bot API at PTB's HTTP request layer, an update factory and an async driver.

Telegram is unreachable from tests, so we replace the one object through which python-telegram-bot
talks to it: the :class:`telegram.request.BaseRequest`. Everything above it (``Bot``, ``ExtBot``,
defaults, the rate limiter, ``Application``, handlers, conversation states) is the real thing.

Usage::

    from telegram.ext import ApplicationBuilder, CommandHandler
    from tests.fakebot import BotHarness, FakeBotAPI, TgUser

    async def test_start() -> None:
        fake = FakeBotAPI()
        app = (
            ApplicationBuilder()
            .token("123:ABC")
            .request(fake)               # every Bot API call except getUpdates
            .get_updates_request(fake)   # getUpdates (never polled, but initialised/shut down)
            .build()
        )
        app.add_handler(CommandHandler("start", on_start))
        alice = TgUser(101, "王芳")
        async with BotHarness(app) as bot:   # initialize, post_init, start; no polling
            await bot.say(alice, "/start")
            await bot.press(alice, "menu:new")  # presses a button on the last bot message
        assert fake.last_text(alice.id) == "..."
        assert ("新报备", "menu:new") in fake.buttons(alice.id)

Nothing else is needed with PTB 22.8: ``.updater(None)`` is optional, because the harness never
starts the updater and ``Application.start()`` does not poll by itself. The project's own
``bot.app.build_application(..., request=fake)`` works the same way.
Passing the same instance as both requests is fine: ``initialize``/``shutdown`` are idempotent.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

__all__ = ["BotHarness", "Call", "FakeBotAPI", "TgUser", "UpdateFactory"]

JSON = dict[str, Any]
ChatKey = int | str  # numeric chat ids, or "@channelusername" as the API also accepts
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
ResultFactory = Callable[[JSON], Any]

# Methods whose text/markup land in a chat, for the query helpers.
_TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})
_MARKUP_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: message is not modified",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests: retry after {retry_after}",
    502: "Bad Gateway",
}


def chat_key(value: object) -> ChatKey:
    """Normalise a chat id as PTB sends it (int, or a numeric/@username string) for lookups."""
    if isinstance(value, bool):  # bool is an int subclass; never a chat id
        raise TypeError(f"not a chat id: {value!r}")
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else text


def _now() -> int:
    return int(time.time())


def _as_dict(markup: object) -> JSON | None:
    """reply_markup arrives as a dict (PTB's ``parameters``) but may be JSON if built by hand."""
    if markup is None:
        return None
    if isinstance(markup, str):
        loaded = json.loads(markup)
        return loaded if isinstance(loaded, dict) else None
    return markup if isinstance(markup, dict) else None


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets/lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Call:
    """One request the bot made. ``status`` is the HTTP status we answered (200 unless injected)."""

    method: str
    params: JSON
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    status: int = 200

    @property
    def ok(self) -> bool:
        return 200 <= self.status <= 299

    @property
    def chat_id(self) -> ChatKey | None:
        raw = self.params.get("chat_id")
        return None if raw is None else chat_key(raw)


@dataclass(frozen=True)
class _Failure:
    error_code: int
    description: str
    parameters: JSON | None


class FakeBotAPI(BaseRequest):
    """In-memory Bot API: records every call and answers like Telegram would.

    Bot messages are remembered per chat (``self.messages``), so edits update them and callback
    queries built by :class:`UpdateFactory` carry the real message the button was on.

    ``strict_edits=True`` makes edits behave like Telegram's: editing a message to identical
    text and markup is a 400 "message is not modified" (a classic production-only bug).
    """

    def __init__(
        self,
        *,
        bot_id: int = 1000,
        username: str = "leadbot_test_bot",
        first_name: str = "LeadBot",
        strict_edits: bool = False,
    ) -> None:
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.strict_edits = strict_edits
        self.calls: list[Call] = []
        # (chat, message_id) -> Message JSON of messages the bot sent, kept current under edits.
        self.messages: dict[tuple[ChatKey, int], JSON] = {}
        self._last_bot_message: dict[ChatKey, int] = {}
        # One id sequence per chat shared by user and bot messages, as in a real private chat.
        self._message_ids: defaultdict[ChatKey, int] = defaultdict(int)
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        self._results: dict[str, ResultFactory] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._file_counter = 0
        self.initialized = False
        # Chats whose person blocked the bot: every send to them is answered 403, like Telegram.
        self.blocked: set[ChatKey] = set()
        # Telegram's flood control, when enforce_flood_limits is called: send times (monotonic).
        self._flood: tuple[tuple[int, float], tuple[int, float], int] | None = None
        self._sends: deque[float] = deque()
        self._sends_to: defaultdict[ChatKey, deque[float]] = defaultdict(deque)

    # -- BaseRequest ---------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        self.initialized = True

    async def shutdown(self) -> None:
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if method == "GET":  # BaseRequest.retrieve: a file download from the file base URL
            self.calls.append(Call("GET", {"url": url}))
            return 200, b""
        endpoint = url.rstrip("/").rsplit("/", 1)[-1]
        # `parameters` holds the decoded values (reply_markup is already a dict); files that are
        # uploaded without an attach:// URI are absent from it and only in `multipart_data`.
        # The JSON round trip leaves what goes over the wire: nested PTB enums become plain str.
        params: JSON = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        files = self._read_files(request_data)

        failures = self._failures.get(endpoint)
        if failures:
            failure = failures.popleft()
            self.calls.append(Call(endpoint, params, files, status=failure.error_code))
            body: JSON = {"ok": False, "error_code": failure.error_code, "description": failure.description}
            if failure.parameters:
                body["parameters"] = failure.parameters
            return failure.error_code, self._encode(body)

        if endpoint.startswith("send") and self._flooded(params.get("chat_id")):
            assert self._flood is not None
            retry_after = self._flood[2]
            self.calls.append(Call(endpoint, params, files, status=429))
            return 429, self._encode(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                }
            )
        if endpoint.startswith("send") and params.get("chat_id") in self.blocked:
            self.calls.append(Call(endpoint, params, files, status=403))
            return 403, self._encode(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            )
        try:
            result = self._answer(endpoint, params, files)
        except _ApiError as exc:  # e.g. strict_edits
            self.calls.append(Call(endpoint, params, files, status=exc.code))
            return exc.code, self._encode(
                {"ok": False, "error_code": exc.code, "description": exc.description}
            )
        self.calls.append(Call(endpoint, params, files))
        return 200, self._encode({"ok": True, "result": result})

    # -- configuring ---------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this Bot API error.

        PTB maps them to exceptions: 403 → Forbidden, 400 → BadRequest, 401/404 → InvalidToken,
        ``retry_after`` → RetryAfter, ``migrate_to_chat_id`` → ChatMigrated, others → NetworkError.
        """
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(error_code, HTTPStatus(error_code).phrase)
            description = description.format(retry_after=retry_after or 1)
        parameters: JSON = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        for _ in range(times):
            self._failures[method].append(_Failure(error_code, description, parameters or None))

    def enforce_flood_limits(
        self,
        *,
        per_chat: tuple[int, float] = (1, 1.0),
        overall: tuple[int, float] = (30, 1.0),
        retry_after: int = 3,
    ) -> None:
        """Answer send* calls past Telegram's flood limits with 429 and `retry_after`, as Telegram
        does: more than per_chat[0] to one chat in per_chat[1] seconds, or overall[0] in all in
        overall[1] seconds (real time; only the sends answered 200 count)."""
        self._flood = (per_chat, overall, retry_after)

    def _flooded(self, chat_id: object) -> bool:
        if self._flood is None:
            return False
        (chat_limit, chat_period), (all_limit, all_period), _ = self._flood
        now = time.monotonic()
        to_chat = self._sends_to[chat_key(chat_id)]
        for sent, period in ((self._sends, all_period), (to_chat, chat_period)):
            while sent and sent[0] <= now - period:
                sent.popleft()
        if len(self._sends) >= all_limit or len(to_chat) >= chat_limit:
            return True
        self._sends.append(now)
        to_chat.append(now)
        return False

    def set_result(self, method: str, result: Any | ResultFactory) -> None:
        """Override the answer to ``method``: a fixed JSON result, or a function of the params."""
        self._results[method] = result if callable(result) else (lambda _params: copy.deepcopy(result))

    def next_message_id(self, chat_id: object) -> int:
        key = chat_key(chat_id)
        self._message_ids[key] += 1
        return self._message_ids[key]

    def clear(self) -> None:
        """Forget recorded calls and pending failures; remembered messages and ids stay valid."""
        self.calls.clear()
        self._failures.clear()

    # -- querying ------------------------------------------------------------------------------

    def calls_to(self, method: str, *, ok_only: bool = False) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def sent_messages(self, chat_id: object | None = None) -> list[JSON]:
        """Params of successful sendMessage calls, optionally to one chat."""
        key = None if chat_id is None else chat_key(chat_id)
        return [
            c.params
            for c in self.calls
            if c.method == "sendMessage" and c.ok and (key is None or c.chat_id == key)
        ]

    def texts(self, chat_id: object) -> list[str]:
        """Every text sent (sendMessage) or edited in (editMessageText) to that chat, in order."""
        key = chat_key(chat_id)
        return [
            str(c.params.get("text", ""))
            for c in self.calls
            if c.method in _TEXT_METHODS and c.ok and c.chat_id == key
        ]

    def last_text(self, chat_id: object) -> str | None:
        texts = self.texts(chat_id)
        return texts[-1] if texts else None

    def last_reply_markup(self, chat_id: object) -> JSON | None:
        """reply_markup of the latest sendMessage/editMessageText/editMessageReplyMarkup to the
        chat (None if that call had none: an edit without markup removes the keyboard)."""
        key = chat_key(chat_id)
        for c in reversed(self.calls):
            if c.method in _MARKUP_METHODS and c.ok and c.chat_id == key:
                return _as_dict(c.params.get("reply_markup"))
        return None

    def buttons(self, chat_id: object) -> list[tuple[str, str | None]]:
        """Flat (text, callback_data) list of that markup; callback_data is None for URL buttons
        and for reply-keyboard buttons."""
        markup = self.last_reply_markup(chat_id) or {}
        rows: Iterable[Iterable[Any]] = markup.get("inline_keyboard") or markup.get("keyboard") or []
        flat: list[tuple[str, str | None]] = []
        for row in rows:
            for button in row:
                if isinstance(button, str):
                    flat.append((button, None))
                else:
                    flat.append((str(button.get("text", "")), button.get("callback_data")))
        return flat

    def last_bot_message_id(self, chat_id: object) -> int | None:
        return self._last_bot_message.get(chat_key(chat_id))

    # -- answering -----------------------------------------------------------------------------

    @staticmethod
    def _encode(body: JSON) -> bytes:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    @staticmethod
    def _read_files(request_data: RequestData | None) -> dict[str, tuple[str, bytes]]:
        if request_data is None or not request_data.contains_files:
            return {}
        files: dict[str, tuple[str, bytes]] = {}
        for part, (filename, content, _mimetype) in request_data.multipart_data.items():
            # Since PTB 21.5 the content may be an open file handle instead of bytes.
            data = content if isinstance(content, bytes) else content.read()
            files[part] = (filename or part, data)
        return files

    def _answer(self, endpoint: str, params: JSON, files: dict[str, tuple[str, bytes]]) -> Any:
        if endpoint in self._results:
            return self._results[endpoint](params)
        match endpoint:
            case "getMe":
                return {
                    **self.bot_user,
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                    "can_connect_to_business": False,
                    "has_main_web_app": False,
                }
            case "getUpdates":
                return []  # tests feed updates through Application.process_update
            case "sendMessage":
                message = self._new_message(params["chat_id"], text=params.get("text", ""))
                return self._store(message, params.get("reply_markup"))
            case "sendDocument":
                return self._send_document(params, files)
            case "editMessageText" | "editMessageReplyMarkup" | "editMessageCaption":
                return self._edit(endpoint, params)
            case "deleteMessage":
                self.messages.pop((chat_key(params["chat_id"]), int(params["message_id"])), None)
                return True
            case "setMyCommands":
                self._commands[self._commands_key(params)] = list(params.get("commands", []))
                return True
            case "deleteMyCommands":
                self._commands.pop(self._commands_key(params), None)
                return True
            case "getMyCommands":
                return self._commands.get(self._commands_key(params), [])
            case "getChat":
                return self._chat_full_info(params["chat_id"])
            case "getChatMember":
                user_id = int(params["user_id"])
                user = (
                    self.bot_user
                    if user_id == self.bot_user["id"]
                    else {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
                )
                return {"status": "member", "user": user}
            case "getChatMenuButton":
                return {"type": "commands"}
            case "getWebhookInfo":
                return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
            case _:
                # answerCallbackQuery, sendChatAction, setChatMenuButton, set/deleteWebhook, and
                # anything we don't model: Telegram answers `true` for most such calls.
                return True

    def _chat(self, chat_id: object) -> JSON:
        key = chat_key(chat_id)
        if isinstance(key, str):  # "@channel": invent a stable negative id
            return {"id": -1_000_000_000_000 - (hash(key) % 1_000_000), "type": "channel", "title": key}
        if key > 0:
            return {"id": key, "type": "private", "first_name": f"User{key}"}
        return {"id": key, "type": "supergroup", "title": f"Group {key}"}

    def _chat_full_info(self, chat_id: object) -> JSON:
        # ChatFullInfo (PTB 22) makes these fields mandatory.
        return {
            **self._chat(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _new_message(self, chat_id: object, **content: Any) -> JSON:
        chat = self._chat(chat_id)
        message_id = self.next_message_id(chat_key(chat_id))
        return {
            "message_id": message_id,
            "date": _now(),
            "chat": chat,
            "from": dict(self.bot_user),
            **content,
        }

    def _store(self, message: JSON, reply_markup: object) -> JSON:
        markup = _as_dict(reply_markup)
        # Telegram echoes only inline keyboards; reply keyboards are not part of Message.
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        key = chat_key(message["chat"]["id"])
        self.messages[(key, message["message_id"])] = message
        self._last_bot_message[key] = message["message_id"]
        return copy.deepcopy(message)

    def _send_document(self, params: JSON, files: dict[str, tuple[str, bytes]]) -> JSON:
        self._file_counter += 1
        if "document" in files:
            filename, data = files["document"]
            document: JSON = {"file_name": filename, "file_size": len(data)}
        else:  # a file_id or URL string was sent instead of an upload
            document = {"file_name": str(params.get("document", "file")).rsplit("/", 1)[-1]}
        document |= {
            "file_id": f"BQACAgFakeDocument{self._file_counter:06d}",
            "file_unique_id": f"AgADFake{self._file_counter:06d}",
            "mime_type": "application/octet-stream",
        }
        content: JSON = {"document": document}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._store(self._new_message(params["chat_id"], **content), params.get("reply_markup"))

    def _edit(self, endpoint: str, params: JSON) -> JSON | bool:
        if "inline_message_id" in params:
            return True  # edits of inline messages answer `true`, not a Message
        key, message_id = chat_key(params["chat_id"]), int(params["message_id"])
        old = self.messages.get((key, message_id))
        message = (
            copy.deepcopy(old)
            if old
            else {
                "message_id": message_id,
                "date": _now(),
                "chat": self._chat(key),
                "from": dict(self.bot_user),
            }
        )
        markup = _as_dict(params.get("reply_markup"))
        if endpoint == "editMessageText":
            message["text"] = params.get("text", "")
        elif endpoint == "editMessageCaption":
            message["caption"] = params.get("caption", "")
        if self.strict_edits and old is not None:
            unchanged = (
                markup == old.get("reply_markup")
                and message.get("text") == old.get("text")
                and message.get("caption") == old.get("caption")
            )
            if unchanged:
                raise _ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content "
                    "and reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
        # An edit without reply_markup drops the inline keyboard, as on Telegram.
        message.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        message["edit_date"] = _now()
        self.messages[(key, message_id)] = message
        return copy.deepcopy(message)

    @staticmethod
    def _commands_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


# ---------------------------------------------------------------------------------------------
# Updates


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "zh"

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if (value := getattr(self, name)) is not None:
                data[name] = value
        return data

    def private_chat(self) -> JSON:
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


DEFAULT_GROUP_ID = -1001234567890


class UpdateFactory:
    """Builds Bot API Update JSON; turn it into an object with ``Update.de_json(data, bot)``.

    Given the :class:`FakeBotAPI`, incoming message ids continue the chat's sequence and
    callback queries default to the bot's latest message in the chat (with its real text and
    keyboard), just like pressing a button on the last thing the bot said.
    """

    def __init__(self, fake: FakeBotAPI | None = None, *, first_update_id: int = 1) -> None:
        self.fake = fake
        self._update_id = first_update_id - 1
        self._callback_id = 0
        self._message_ids: defaultdict[ChatKey, int] = defaultdict(int)

    @property
    def bot_user(self) -> JSON:
        return (
            self.fake.bot_user
            if self.fake
            else {"id": 1000, "is_bot": True, "first_name": "LeadBot", "username": "leadbot_test_bot"}
        )

    def _next_update_id(self) -> int:
        self._update_id += 1
        return self._update_id

    def _next_message_id(self, chat_id: int) -> int:
        if self.fake is not None:
            return self.fake.next_message_id(chat_id)
        self._message_ids[chat_id] += 1
        return self._message_ids[chat_id]

    @staticmethod
    def _group_chat(chat_id: int, title: str, chat_type: str) -> JSON:
        return {"id": chat_id, "type": chat_type, "title": title}

    def _message_update(self, user: TgUser, chat: JSON, content: JSON) -> JSON:
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user.to_dict(),
            "chat": chat,
            "date": _now(),
            **content,
        }
        return {"update_id": self._next_update_id(), "message": message}

    def message(
        self,
        user: TgUser,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        *,
        title: str = "测试群",
        extra: JSON | None = None,
    ) -> JSON:
        """A text message; a leading /command (optionally /cmd@bot) gets its bot_command entity.
        ``extra`` is merged into the Message (e.g. ``{"reply_to_message": {...}}``)."""
        if chat_type == "private":
            chat = user.private_chat() if chat_id in (None, user.id) else {"id": chat_id, "type": "private"}
        else:
            chat = self._group_chat(chat_id if chat_id is not None else DEFAULT_GROUP_ID, title, chat_type)
        content: JSON = {"text": text}
        if text.startswith("/") and len(text) > 1:
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        return self._message_update(user, chat, content | (extra or {}))

    def group_message(
        self,
        user: TgUser,
        text: str,
        chat_id: int = DEFAULT_GROUP_ID,
        *,
        title: str = "测试群",
        chat_type: str = "supergroup",
        extra: JSON | None = None,
    ) -> JSON:
        return self.message(user, text, chat_id=chat_id, chat_type=chat_type, title=title, extra=extra)

    def contact(
        self,
        user: TgUser,
        phone_number: str,
        first_name: str = "客户",
        user_id: int | None = None,
        *,
        last_name: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """A shared contact card. For "share my own number" pass the user's own name and id."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if user_id is not None:
            contact["user_id"] = user_id
        chat = user.private_chat() if chat_id in (None, user.id) else {"id": chat_id, "type": "private"}
        return self._message_update(user, chat, {"contact": contact})

    def callback(
        self,
        user: TgUser,
        data: str,
        message_id: int | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """A button press on a bot message (default: the fake's latest bot message in the chat)."""
        chat_id = user.id if chat_id is None else chat_id
        if message_id is None and self.fake is not None:
            message_id = self.fake.last_bot_message_id(chat_id)
        if message_id is None:
            raise ValueError(f"no bot message in chat {chat_id} to press a button on; pass message_id")
        known = self.fake.messages.get((chat_id, message_id)) if self.fake else None
        if known is not None:
            message = copy.deepcopy(known)
        else:
            chat = (
                user.private_chat()
                if chat_id == user.id
                else {"id": chat_id, "type": "supergroup", "title": "测试群"}
            )
            message = {
                "message_id": message_id,
                "from": self.bot_user,
                "chat": chat,
                "date": _now(),
                "text": "",
            }
        self._callback_id += 1
        query = {
            "id": f"{user.id}{self._callback_id:08d}",
            "from": user.to_dict(),
            "message": message,
            "chat_instance": f"-{abs(chat_id) * 7919 % 10**18}",  # stable per chat, as on Telegram
            "data": data,
        }
        return {"update_id": self._next_update_id(), "callback_query": query}

    def migrate(self, user: TgUser, chat_id: int, to_chat_id: int, *, title: str = "测试群") -> JSON:
        """The service message a group gets when it is upgraded to a supergroup."""
        chat = self._group_chat(chat_id, title, "group")
        return self._message_update(user, chat, {"migrate_to_chat_id": to_chat_id})

    def migrate_from(self, user: TgUser, chat_id: int, from_chat_id: int, *, title: str = "测试群") -> JSON:
        """Its counterpart, the first message in the new supergroup."""
        chat = self._group_chat(chat_id, title, "supergroup")
        return self._message_update(user, chat, {"migrate_from_chat_id": from_chat_id})


# ---------------------------------------------------------------------------------------------
# Driver


class BotHarness:
    """Runs a built Application against a FakeBotAPI, without polling, and feeds it updates.

    Entering mirrors ``run_polling`` minus the updater: ``initialize()``, ``post_init``,
    ``start()``; exiting: ``stop()``, ``post_stop``, ``shutdown()``, ``post_shutdown``
    (``run_hooks=False`` skips the post_* hooks).

    Exceptions in handlers never reach ``process_update``'s caller (PTB routes them to error
    handlers). The harness adds an error handler that collects them in ``errors`` and, with
    ``raise_errors=True``, re-raises the first one from :meth:`send`, so a crashing handler fails
    the test instead of being logged. The app's own error handlers still run first.
    """

    def __init__(
        self,
        app: AnyApplication,
        *,
        fake: FakeBotAPI | None = None,
        factory: UpdateFactory | None = None,
        run_hooks: bool = True,
        raise_errors: bool = True,
        settle_timeout: float = 5.0,
    ) -> None:
        if fake is None:
            request = app.bot.request
            if not isinstance(request, FakeBotAPI):
                raise TypeError("the Application's bot does not use a FakeBotAPI; pass fake=")
            fake = request
        self.app = app
        self.fake = fake
        self.factory = factory or UpdateFactory(fake)
        self.run_hooks = run_hooks
        self.raise_errors = raise_errors
        self.settle_timeout = settle_timeout
        self.errors: list[BaseException] = []
        self._reported = 0

    async def __aenter__(self) -> BotHarness:
        self.app.add_error_handler(self._collect_error)
        try:
            await self.app.initialize()
            if self.run_hooks and self.app.post_init:
                await self.app.post_init(self.app)
            await self.app.start()
        except BaseException:
            await self._close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close()

    async def _close(self) -> None:
        try:
            if self.app.running:
                await self.app.stop()  # also awaits tasks made with app.create_task
                if self.run_hooks and self.app.post_stop:
                    await self.app.post_stop(self.app)
            await self.app.shutdown()
            if self.run_hooks and self.app.post_shutdown:
                await self.app.post_shutdown(self.app)
        finally:
            self.app.remove_error_handler(self._collect_error)

    async def _collect_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def settle(self) -> None:
        """Wait for tasks the app spawned (block=False handlers, app.create_task)."""
        # PTB keeps them in a private set (it awaits them in stop()); no public accessor exists.
        tasks: set[asyncio.Task[Any]] = getattr(self.app, "_Application__create_task_tasks", set())
        pending = [t for t in tasks if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=self.settle_timeout)

    async def send(self, update: JSON | Update) -> Update:
        if isinstance(update, dict):
            update = Update.de_json(update, self.app.bot)
        await self.app.process_update(update)
        await self.settle()
        if self.raise_errors and len(self.errors) > self._reported:
            error = self.errors[self._reported]
            self._reported = len(self.errors)
            raise error
        return update

    async def say(self, user: TgUser, text: str, **kwargs: Any) -> Update:
        return await self.send(self.factory.message(user, text, **kwargs))

    async def press(
        self, user: TgUser, callback_data: str, message_id: int | None = None, chat_id: int | None = None
    ) -> Update:
        return await self.send(
            self.factory.callback(user, callback_data, message_id=message_id, chat_id=chat_id)
        )

    async def share_contact(
        self, user: TgUser, phone_number: str, *, own: bool = True, **kwargs: Any
    ) -> Update:
        """Share a contact; ``own=True`` (default) is the user's own card, as the
        request_contact keyboard button sends it."""
        if own:
            kwargs = {"first_name": user.first_name, "user_id": user.id, "last_name": user.last_name} | kwargs
        return await self.send(self.factory.contact(user, phone_number, **kwargs))
