"""The in-memory :class:`~tests.fakebot.FakeBotAPI`, served over real HTTP on 127.0.0.1.

A real ``leadbot`` subprocess (or any PTB ``Bot``/``Application`` with ``base_url=server.base_url``)
talks to it through PTB's normal HTTPX request. Every request body is decoded back into the same
``params`` dict the in-process fake records, and then answered by the very same
``FakeBotAPI.do_request`` (recording, ``fail_next``, ``set_result``, remembered messages), so tests
written against either see the same :class:`~tests.fakebot.Call` objects.

``getUpdates`` behaves like Telegram's: the test queues updates with :meth:`FakeBotServer.push_update`
(or :meth:`~FakeBotServer.push_message` / :meth:`~FakeBotServer.push_callback`); an ``offset``
confirms and forgets every update below it; updates that were delivered but not confirmed are
delivered again (a killed bot gets them after its restart); requests long-poll up to ``timeout``
seconds and wake as soon as an update is pushed; and a getUpdates arriving while another one is
still waiting terminates the earlier one with HTTP 409 (two bot instances polling one token).

Usage::

    with FakeBotServer() as server:
        env = {"LEADBOT_TELEGRAM_BASE_URL": server.base_url,
               "LEADBOT_TELEGRAM_FILE_BASE_URL": server.file_base_url, ...}
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env)
        server.push_message(alice, "/start")
        server.wait_for_text(alice.id, "欢迎")

Thread safety: requests arrive on several threads; every access to the fake's state by the server
happens under ``server.lock``. Tests reading ``server.fake`` while a bot is running should do so
through :meth:`~FakeBotServer.wait_for` / :meth:`~FakeBotServer.calls_snapshot` or under the lock.
"""

from __future__ import annotations

import asyncio
import json
import re
import select
import socket
import sys
import threading
import time
import types
import typing
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram import Bot, Update
from telegram._utils.defaultvalue import DefaultValue

from tests.fakebot import Call, FakeBotAPI, TgUser, UpdateFactory

__all__ = ["CONFLICT_DESCRIPTION", "FakeBotServer", "decode_params"]

JSON = dict[str, Any]

CONFLICT_DESCRIPTION = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT_DESCRIPTION = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
# Recorded as the status of a long poll whose client hung up before it was answered (nginx's code).
CLIENT_CLOSED = 499
# Telegram's default for getUpdates without allowed_updates.
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Parameters that are strings in the Bot API, for methods/params PTB's signatures do not tell us.
_STRING_PARAMS = frozenset(
    {
        "action",
        "address",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "currency",
        "custom_emoji_id",
        "custom_title",
        "description",
        "emoji",
        "error_message",
        "explanation",
        "file_id",
        "filename",
        "first_name",
        "foursquare_id",
        "foursquare_type",
        "game_short_name",
        "gift_id",
        "google_place_id",
        "google_place_type",
        "inline_message_id",
        "invite_link",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "payload",
        "phone_number",
        "pre_checkout_query_id",
        "provider_token",
        "query",
        "question",
        "result_id",
        "secret_token",
        "shipping_query_id",
        "short_description",
        "short_name",
        "start_parameter",
        "sticker_set_name",
        "text",
        "title",
        "url",
        "vcard",
        "web_app_query_id",
    }
)


# ---------------------------------------------------------------------------------------------
# Decoding request bodies back into the params PTB started from


def _is_str_annotation(annotation: object) -> bool:
    """True for ``str``, ``str | None``, ``DefaultValue[str] | str | DefaultValue[None] | None``."""
    if annotation is str:
        return True
    if isinstance(annotation, str):  # a forward reference we do not resolve
        return annotation.strip() in {"str", "str | None", "Optional[str]"}
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [
            a
            for a in typing.get_args(annotation)
            if a is not type(None) and typing.get_origin(a) is not DefaultValue and a is not DefaultValue
        ]
        return members == [str]
    return False


_signature_cache: dict[str, dict[str, bool]] = {}
_signature_lock = threading.Lock()


def _string_params_of(endpoint: str) -> dict[str, bool] | None:
    """For a Bot API method, which of its PTB parameters are plain strings (None if unknown)."""
    with _signature_lock:
        if endpoint not in _signature_cache:
            method = getattr(Bot, endpoint, None)  # Bot has camelCase aliases: Bot.sendMessage
            found: dict[str, bool] = {}
            if callable(method):
                try:
                    hints = typing.get_type_hints(method)
                except Exception:
                    hints = dict(getattr(method, "__annotations__", {}))
                found = {name: _is_str_annotation(hint) for name, hint in hints.items() if name != "return"}
            _signature_cache[endpoint] = found
        return _signature_cache[endpoint] or None


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # NaN/Infinity: never produced by PTB's json.dumps of real values


def decode_value(endpoint: str, name: str, raw: str) -> Any:
    """Undo PTB's form encoding of one parameter.

    PTB sends strings as they are and JSON-encodes everything else (ints, bools, dicts, lists).
    A parameter the Bot API types as a string is kept; anything else is JSON-decoded when it is
    valid JSON for a non-string value (``"123"`` → 123, ``'{"inline_keyboard": ...}'`` → dict),
    and kept as it came otherwise (``"@channel"``, a file_id, ``"attach://document"``).
    """
    known = _string_params_of(endpoint)
    is_string = known[name] if known and name in known else name in _STRING_PARAMS
    if is_string:
        return raw
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except ValueError:
        return raw
    # PTB never sends null, and a JSON string would have been sent raw: keep those as strings.
    return raw if value is None or isinstance(value, str) else value


def decode_params(endpoint: str, fields: Iterable[tuple[str, str]]) -> JSON:
    return {name: decode_value(endpoint, name, raw) for name, raw in fields}


_PARAM_RE = re.compile(r'(?:^|;)\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')
_PERCENT_RE = re.compile(r"%(22|[01][0-9A-Fa-f])")


def _header_params(value: str) -> dict[str, str]:
    """Parameters of a Content-Disposition / Content-Type header value, unescaped."""
    found: dict[str, str] = {}
    for key, quoted, bare in _PARAM_RE.findall(value):
        if quoted or not bare:
            # httpx follows HTML5: '"' → %22, control characters → %XX, '\' → '\\'; others use '\"'.
            text = re.sub(r"\\(.)", r"\1", quoted)
            text = _PERCENT_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
        else:
            text = bare
        if key.endswith("*") and "''" in text:  # RFC 5987: filename*=UTF-8''%E6%9C%9D...
            key, text = key[:-1], unquote(text.split("''", 1)[1])
        found[key.lower()] = text
    return found


def parse_multipart(body: bytes, boundary: str) -> list[tuple[dict[str, str], dict[str, str], bytes]]:
    """(headers, Content-Disposition params, content) of each part of a multipart/form-data body."""
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter
            break
        head, _, content = chunk.partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", "").partition(";")[2])
        parts.append((headers, disposition, content))
    return parts


def _read_chunked(rfile: Any) -> bytes:
    data = bytearray()
    while True:
        size = int(rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return bytes(data)
        data += rfile.read(size)
        rfile.readline()


class _WireRequestData:
    """What ``FakeBotAPI.do_request`` reads of a ``RequestData``, rebuilt from an HTTP body."""

    def __init__(self, parameters: JSON, files: dict[str, tuple[str, bytes, str | None]]) -> None:
        self.parameters = parameters
        self.multipart_data = files
        self.contains_files = bool(files)


# ---------------------------------------------------------------------------------------------
# The server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle and delayed ACKs add ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.owner._connection_opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._connection_closed(self.connection)

    def do_POST(self) -> None:  # http.server's naming
        self.server.owner._handle(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet; the request lines would carry the token


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: FakeBotServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bot killed mid-request resets its connections: that is the test, not an error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeBotServer:
    """Serves a :class:`FakeBotAPI` over HTTP on 127.0.0.1, with Telegram-like getUpdates.

    ``token``: if given, requests for any other token are answered 401 Unauthorized.
    """

    def __init__(
        self, fake: FakeBotAPI | None = None, *, token: str | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.fake = fake or FakeBotAPI()
        self.token = token
        self.host = host
        self.factory = UpdateFactory(self.fake)
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)  # notified on every request and push
        # getUpdates state
        self._queue: list[JSON] = []  # unconfirmed updates, ascending update_id
        self._last_update_id = 0
        self.confirmed_offset = 0  # updates below it are confirmed (and forgotten)
        self.deliveries: dict[int, int] = {}  # update_id -> how many getUpdates answers carried it
        self.allowed_updates: list[str] | None = None  # as last set by a getUpdates
        self.webhook_url: str | None = None
        self._poll_generation = 0
        self._waiting_polls = 0
        self._stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        # Failure modes for process tests: confirmations that never reach Telegram (so it keeps
        # delivering), and replies that take a while (an update "in hand").
        self.lose_confirmations = False
        self._delays: dict[str, float] = {}
        self._in_flight: dict[str, int] = {}

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> typing.Self:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, 0), _Handler)
        httpd.owner = self
        self._stopping = False
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeBotServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Answer waiting long polls (empty), close every connection, stop serving."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        httpd.shutdown()
        with self.lock:
            connections = list(self._connections)
        for connection in connections:  # unblock handler threads waiting for a keep-alive request
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> typing.Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeBotServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` / ``LEADBOT_TELEGRAM_BASE_URL``: PTB appends ``{token}/{method}``."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.url}/file/bot"

    # -- updates -------------------------------------------------------------------------------

    def push_update(self, update: JSON | Update) -> JSON:
        """Queue an Update (JSON or a PTB ``Update``) for getUpdates; without ``update_id`` it gets
        the next one. Returns the queued JSON. Update ids must increase, as on Telegram."""
        with self._changed:
            update = update.to_dict() if isinstance(update, Update) else dict(update)
            if "update_id" not in update:
                update["update_id"] = self._last_update_id + 1
            update_id = int(update["update_id"])
            if update_id <= self._last_update_id:
                raise ValueError(f"update_id {update_id} is not above the last pushed {self._last_update_id}")
            self._last_update_id = update_id
            self._queue.append(update)
            self._changed.notify_all()
            return update

    def push_message(self, user: TgUser, text: str, **kwargs: Any) -> JSON:
        """A text message from ``user`` (kwargs as :meth:`UpdateFactory.message`)."""
        with self.lock:
            update = self.factory.message(user, text, **kwargs)
            update.pop("update_id", None)
            return self.push_update(update)

    def push_callback(self, user: TgUser, data: str, **kwargs: Any) -> JSON:
        """A button press, by default on the bot's latest message in the user's chat."""
        with self.lock:
            update = self.factory.callback(user, data, **kwargs)
            update.pop("update_id", None)
            return self.push_update(update)

    @property
    def waiting_polls(self) -> int:
        """getUpdates requests being held open right now (long polls)."""
        with self.lock:
            return self._waiting_polls

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed (delivered or not)."""
        with self.lock:
            return [dict(u) for u in self._queue]

    def delay(self, method: str, seconds: float) -> None:
        """Answer every later ``method`` call only after ``seconds`` (0: at once again)."""
        with self.lock:
            self._delays[method] = seconds

    def in_flight(self, method: str) -> int:
        """``method`` calls received and not yet answered (held by :meth:`delay`)."""
        with self.lock:
            return self._in_flight.get(method, 0)

    # -- waiting and reading -------------------------------------------------------------------

    def wait_for(
        self, predicate: Callable[[FakeBotAPI], Any], timeout: float = 10.0, message: str | None = None
    ) -> Any:
        """Wait until ``predicate(fake)`` (evaluated under the lock) is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                value = predicate(self.fake)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = "\n".join(f"  {_describe(c)}" for c in self.fake.calls[-25:]) or "  (none)"
                    what = message or getattr(predicate, "__name__", repr(predicate))
                    state = (
                        f"{len(self.fake.calls)} calls, {len(self._queue)} unconfirmed updates, "
                        f"confirmed_offset={self.confirmed_offset}, {self._waiting_polls} waiting getUpdates"
                    )
                    raise AssertionError(
                        f"timed out after {timeout:.1f}s waiting for {what} ({state}); last calls:\n{recent}"
                    )
                self._changed.wait(min(remaining, 0.1))

    def wait_for_text(self, chat_id: object, substring: str, timeout: float = 10.0) -> str:
        """Wait for a text containing ``substring`` in the chat (sendMessage/editMessageText)."""

        def found(fake: FakeBotAPI) -> str | None:
            return next((text for text in fake.texts(chat_id) if substring in text), None)

        return self.wait_for(found, timeout, message=f"a text containing {substring!r} in chat {chat_id}")

    def wait_for_call(self, method: str, timeout: float = 10.0, *, count: int = 1) -> list[Call]:
        """Wait until ``method`` was called ``count`` times; return those calls."""

        def enough(fake: FakeBotAPI) -> list[Call] | None:
            calls = fake.calls_to(method)
            return calls if len(calls) >= count else None

        return self.wait_for(enough, timeout, message=f"{count} {method} call(s)")

    def calls_snapshot(self) -> list[Call]:
        with self.lock:
            return list(self.fake.calls)

    # From async tests whose bot runs in the same event loop: wait in a worker thread.

    async def wait_for_async(
        self, predicate: Callable[[FakeBotAPI], Any], timeout: float = 10.0, message: str | None = None
    ) -> Any:
        return await asyncio.to_thread(self.wait_for, predicate, timeout, message)

    async def wait_for_text_async(self, chat_id: object, substring: str, timeout: float = 10.0) -> str:
        return await asyncio.to_thread(self.wait_for_text, chat_id, substring, timeout)

    # -- serving -------------------------------------------------------------------------------

    def _connection_opened(self, connection: socket.socket) -> None:
        with self.lock:
            self._connections.add(connection)

    def _connection_closed(self, connection: socket.socket) -> None:
        with self.lock:
            self._connections.discard(connection)

    def _handle(self, handler: _Handler) -> None:
        try:
            status, body = self._dispatch(handler)
        except Exception as exc:
            status, body = 500, {"ok": False, "error_code": 500, "description": f"FakeBotServer: {exc!r}"}
        if status == CLIENT_CLOSED:
            handler.close_connection = True
            return
        if isinstance(body, bytes):  # a file download
            payload, content_type = body, "application/octet-stream"
        else:
            payload, content_type = json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True

    def _dispatch(self, handler: _Handler) -> tuple[int, JSON | bytes]:
        split = urlsplit(handler.path)
        path = unquote(split.path)  # httpx sends the token's ':' as %3A
        body = self._read_body(handler)
        url = f"{self.url}{path}"  # as PTB built it, which is what the in-process fake records
        if handler.command == "GET" and path.startswith("/file/bot"):
            token, _, _file_path = path[len("/file/bot") :].partition("/")
            if self.token is not None and token != self.token:
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            with self._changed:
                status, content = asyncio.run(self.fake.do_request(url, "GET"))
                self._changed.notify_all()
            return status, content
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)/?", path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, endpoint = match.groups()
        if self.token is not None and token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        params, files = self._decode_body(endpoint, handler.headers.get("Content-Type", ""), body)
        params = decode_params(endpoint, parse_qsl(split.query, keep_blank_values=True)) | params
        if endpoint.lower() == "getupdates":
            return self._get_updates(handler, params)
        if endpoint.lower() == "setwebhook":
            with self.lock:
                self.webhook_url = str(params.get("url") or "") or None
        elif endpoint.lower() == "deletewebhook":
            with self._changed:
                self.webhook_url = None
                if params.get("drop_pending_updates") is True:  # as Telegram: pending updates are dropped
                    self._forget_below(self._last_update_id + 1)
        return self._answer(url, "POST", _WireRequestData(params, files))

    @staticmethod
    def _read_body(handler: _Handler) -> bytes:
        if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return _read_chunked(handler.rfile)
        length = int(handler.headers.get("Content-Length") or 0)
        return handler.rfile.read(length) if length else b""

    @staticmethod
    def _decode_body(
        endpoint: str, content_type: str, body: bytes
    ) -> tuple[JSON, dict[str, tuple[str, bytes, str | None]]]:
        kind = content_type.split(";", 1)[0].strip().lower()
        if not body:
            return {}, {}
        if kind == "multipart/form-data":
            boundary = _header_params(content_type.partition(";")[2]).get("boundary", "")
            fields: list[tuple[str, str]] = []
            files: dict[str, tuple[str, bytes, str | None]] = {}
            for headers, disposition, content in parse_multipart(body, boundary):
                name = disposition.get("name", "")
                if "filename" in disposition or "content-type" in headers:
                    files[name] = (disposition.get("filename") or name, content, headers.get("content-type"))
                else:
                    fields.append((name, content.decode("utf-8")))
            return decode_params(endpoint, fields), files
        if kind == "application/json":
            loaded = json.loads(body)
            return (loaded if isinstance(loaded, dict) else {}), {}
        return decode_params(endpoint, parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}

    def _answer(self, url: str, method: str, data: _WireRequestData) -> tuple[int, JSON]:
        """The in-process fake answers and records, exactly as it does for in-process bots."""
        endpoint = url.rstrip("/").rsplit("/", 1)[-1]
        with self._changed:
            delay = self._delays.get(endpoint, 0.0)
            self._in_flight[endpoint] = self._in_flight.get(endpoint, 0) + 1
            self._changed.notify_all()
        try:
            time.sleep(delay)  # outside the lock: the rest of the API keeps answering
        finally:
            with self._changed:
                self._in_flight[endpoint] -= 1
        with self._changed:
            status, payload = asyncio.run(self.fake.do_request(url, method, data))  # type: ignore[arg-type]
            self._changed.notify_all()
        return status, json.loads(payload)

    # -- getUpdates ----------------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        self.fake.calls.append(call)
        self._changed.notify_all()

    def _forget_below(self, offset: int) -> None:
        if self.lose_confirmations:
            return
        dropped = [u["update_id"] for u in self._queue if u["update_id"] < offset]
        if dropped:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        self.confirmed_offset = max(self.confirmed_offset, offset)

    def _deliverable(self, limit: int) -> list[JSON]:
        allowed = self.allowed_updates
        ready = []
        for update in self._queue:
            kind = next((k for k in update if k != "update_id"), None)
            wanted = (kind in allowed) if allowed else (kind not in _DEFAULT_EXCLUDED_UPDATES)
            if wanted:
                ready.append(update)
                if len(ready) >= limit:
                    break
        return ready

    def _get_updates(self, handler: _Handler, params: JSON) -> tuple[int, JSON]:
        with self._changed:
            failures = self.fake._failures.get("getUpdates")
            if failures:  # fake.fail_next("getUpdates", ...)
                failure = failures.popleft()
                self._record(Call("getUpdates", params, status=failure.error_code))
                body: JSON = {
                    "ok": False,
                    "error_code": failure.error_code,
                    "description": failure.description,
                }
                if failure.parameters:
                    body["parameters"] = failure.parameters
                return failure.error_code, body
            if self.webhook_url:
                self._record(Call("getUpdates", params, status=409))
                return 409, {"ok": False, "error_code": 409, "description": WEBHOOK_CONFLICT_DESCRIPTION}

            # A newer getUpdates terminates any that is still waiting.
            self._poll_generation += 1
            generation = self._poll_generation
            self._changed.notify_all()

            offset = int(params.get("offset") or 0)
            limit = min(100, max(1, int(params.get("limit") or 100)))
            timeout = max(0.0, float(params.get("timeout") or 0))
            if params.get("allowed_updates") is not None:  # remembered, as on Telegram; [] = default
                self.allowed_updates = list(params["allowed_updates"]) or None
            if offset > 0:
                self._forget_below(offset)
            elif offset < 0:  # the last -offset updates; all earlier ones are forgotten
                keep = self._queue[offset:]
                self._forget_below(keep[0]["update_id"] if keep else self._last_update_id + 1)

            deadline = time.monotonic() + timeout
            self._waiting_polls += 1
            try:
                return self._long_poll(handler, params, generation, limit, deadline)
            finally:
                self._waiting_polls -= 1
                self._changed.notify_all()

    def _long_poll(
        self, handler: _Handler, params: JSON, generation: int, limit: int, deadline: float
    ) -> tuple[int, JSON]:
        """Under the lock: answer when updates are ready, the timeout passes, a newer getUpdates
        arrives (409) or the client hangs up."""
        while True:
            if self._poll_generation != generation:
                if _client_gone(handler.connection):
                    self._record(Call("getUpdates", params, status=CLIENT_CLOSED))
                    return CLIENT_CLOSED, {}
                self._record(Call("getUpdates", params, status=409))
                return 409, {"ok": False, "error_code": 409, "description": CONFLICT_DESCRIPTION}
            ready = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._stopping:
                break
            self._changed.wait(min(remaining, 0.1))
            if _client_gone(handler.connection):  # the bot cancelled its poll or died
                self._record(Call("getUpdates", params, status=CLIENT_CLOSED))
                return CLIENT_CLOSED, {}
        for update in ready:
            self.deliveries[update["update_id"]] = self.deliveries.get(update["update_id"], 0) + 1
        self._record(Call("getUpdates", params))
        return 200, {"ok": True, "result": [dict(u) for u in ready]}


def _client_gone(connection: socket.socket) -> bool:
    """The client closed its end (HTTP/1.1 never sends anything while awaiting an answer)."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        if not readable:
            return False
        return connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _describe(call: Call) -> str:
    detail = ""
    if "text" in call.params:
        detail = repr(str(call.params["text"])[:80])
    elif call.files:
        detail = ", ".join(f"{part}={name!r}" for part, (name, _data) in call.files.items())
    chat = f" chat={call.chat_id}" if call.chat_id is not None else ""
    return f"{call.method}{chat} status={call.status} {detail}".rstrip()
