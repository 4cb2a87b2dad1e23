"""The webhook endpoint: the secret token, bad bodies, update types the bot does not handle, and
/healthz — the real tornado server on 127.0.0.1 feeding the real Application."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bot.runtime.webhook import SECRET_HEADER, WebhookServer, webhook_path
from storage.db import answers
from storage.tables import InboundUpdateRow
from tests.bot.conftest import Chat

SECRET = "s3cret_token-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def hook(chat: Chat) -> AsyncIterator[tuple[httpx.AsyncClient, Chat]]:
    port = _free_port()
    server = WebhookServer(
        chat.harness.app,
        path=webhook_path("https://bot.example.com/telegram/hook"),
        secret=SECRET,
        healthy=partial(answers, chat.roster.engine),
    )
    server.start("127.0.0.1", port)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        yield client, chat
    await server.stop()


def _inbound(chat: Chat) -> int:
    with chat.roster.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(InboundUpdateRow)).scalar_one()


async def _settle(chat: Chat) -> None:
    await asyncio.wait_for(chat.harness.app.update_queue.join(), timeout=5)


async def _post(client: httpx.AsyncClient, body: Any, secret: str | None = SECRET) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await client.post("/telegram/hook", content=content, headers=headers)


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_a_missing_or_wrong_secret_gets_403_and_changes_nothing(hook, secret) -> None:
    client, chat = hook
    update = chat.harness.factory.message(chat.user(101), "/new")
    response = await _post(client, update, secret)
    assert response.status_code == 403
    await asyncio.sleep(0.05)
    assert _inbound(chat) == 0 and chat.fake.texts(101) == []


async def test_the_right_secret_is_handled_once_even_if_posted_twice(hook) -> None:
    client, chat = hook
    update = chat.harness.factory.message(chat.user(101), "/new")
    assert (await _post(client, update)).status_code == 200
    assert (await _post(client, update)).status_code == 200  # Telegram retrying: answered, not redone
    await _settle(chat)
    assert sum("1/6" in text for text in chat.fake.texts(101)) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[]",
        b'"text"',
        json.dumps({"message": {"text": "no update id"}}).encode(),
        json.dumps({"update_id": "seven"}).encode(),
        json.dumps({"update_id": 9, "message": {"text": "a message without its required fields"}}).encode(),
    ],
    ids=["broken", "empty", "list", "string", "no-id", "id-not-int", "bad-message"],
)
async def test_a_body_that_is_not_an_update_gets_400_and_nothing_is_logged_of_it(hook, body, caplog) -> None:
    client, chat = hook
    response = await _post(client, body)
    assert response.status_code == 400
    assert _inbound(chat) == 0
    assert "required fields" not in caplog.text and "no update id" not in caplog.text


async def test_update_types_the_bot_does_not_handle_are_recorded_as_done(hook) -> None:
    client, chat = hook
    user = chat.user(101).to_dict()
    unknown = [
        {
            "update_id": 7001,
            "edited_message": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": 101, "type": "private"},
                "from": user,
                "text": "13800138000",
                "edit_date": 1,
            },
        },
        {
            "update_id": 7002,
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "text": "hi",
                "chat": {"id": -1009876543210, "type": "channel", "title": "c"},
            },
        },
        {"update_id": 7003, "some_future_update_kind": {"x": 1}},
    ]
    for update in unknown:
        assert (await _post(client, update)).status_code == 200
    await _settle(chat)
    assert chat.fake.texts(101) == []
    with chat.roster.engine.connect() as conn:
        assert set(conn.execute(sa.select(InboundUpdateRow.status)).scalars()) == {"done"}


async def test_a_button_on_a_message_the_bot_never_sent(hook) -> None:
    client, chat = hook
    update = chat.harness.factory.callback(chat.user(101), "nw:abcdef:ok", message_id=424242)
    assert (await _post(client, update)).status_code == 200
    await _settle(chat)
    answers = chat.fake.calls_to("answerCallbackQuery")
    assert answers and answers[-1].params.get("show_alert")


async def test_healthz(hook) -> None:
    client, _chat = hook
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_healthz_says_unavailable_when_the_database_does_not_answer(chat: Chat) -> None:
    from storage.db import make_engine

    port = _free_port()
    server = WebhookServer(
        chat.harness.app,
        path="/telegram",
        secret=SECRET,
        healthy=partial(
            answers, make_engine("postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
        ),
    )
    server.start("127.0.0.1", port)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await server.stop()
    assert response.status_code == 503


# --- limits (issue 10 item 8): the secret before the body, a capped body, timeouts, other methods ----


async def _raw_request(port: int, head: str, body: bytes = b"", *, wait: float = 3.0) -> bytes:
    """Send the head (and any part of a body) and read what the server answers, without ever
    sending the rest: a server that waits for the whole body answers nothing within `wait`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        await writer.drain()
        try:
            return await asyncio.wait_for(reader.read(4096), timeout=wait)
        except TimeoutError:
            return b""
    finally:
        writer.close()


def _head(length: int, secret: str | None) -> str:
    lines = [
        "POST /telegram/hook HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {length}",
    ]
    if secret is not None:
        lines.append(f"{SECRET_HEADER}: {secret}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def buffered(monkeypatch) -> list[int]:
    """How many body bytes the webhook handler holds after each piece it is given."""
    from bot.runtime import webhook

    sizes: list[int] = []
    original = webhook._UpdateHandler.data_received

    def spy(self, chunk: bytes) -> None:
        original(self, chunk)
        sizes.append(len(self._body))

    monkeypatch.setattr(webhook._UpdateHandler, "data_received", spy)
    return sizes


@pytest.fixture
async def port(chat: Chat) -> AsyncIterator[int]:
    port = _free_port()
    server = WebhookServer(
        chat.harness.app,
        path="/telegram/hook",
        secret=SECRET,
        healthy=lambda: True,
        idle_timeout=0.5,
        body_timeout=0.5,
    )
    server.start("127.0.0.1", port)
    yield port
    await server.stop()


async def test_a_wrong_secret_is_refused_before_the_body_is_read(port, buffered) -> None:
    # 90 MB announced, a little sent: the answer comes at once, and nothing of the body is kept.
    answer = await _raw_request(port, _head(90 * 1024 * 1024, "wrong"), b"x" * 65536)
    assert answer.startswith(b"HTTP/1.1 403")
    assert buffered == []


async def test_a_body_over_one_mebibyte_is_refused_with_413(port, buffered) -> None:
    from bot.runtime.webhook import MAX_BODY_BYTES

    answer = await _raw_request(port, _head(MAX_BODY_BYTES + 1, SECRET), b"{")
    assert answer.startswith(b"HTTP/1.1 413")
    assert buffered == []


async def test_a_streamed_body_is_cut_at_the_cap_and_answered_413(port, buffered, chat: Chat) -> None:
    from bot.runtime.webhook import MAX_BODY_BYTES

    # No Content-Length: a chunked body of 3 MiB in all, sent until the server stops reading.
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "POST /telegram/hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    writer.write(f"{head}{SECRET_HEADER}: {SECRET}\r\n\r\n".encode())
    try:
        for _ in range(48):
            writer.write(b"10000\r\n" + b" " * 65536 + b"\r\n")
            await writer.drain()
    except ConnectionError:
        pass  # closed by the server once it had answered
    answer = await asyncio.wait_for(reader.read(4096), timeout=3)
    writer.close()
    status = int(answer.split()[1]) if answer else None
    assert status == 413
    assert buffered and max(buffered) <= MAX_BODY_BYTES
    assert _inbound(chat) == 0


async def test_a_body_at_the_cap_is_still_read(port) -> None:
    from bot.runtime.webhook import MAX_BODY_BYTES

    body = b'{"update_id": 123}'.ljust(MAX_BODY_BYTES)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        response = await client.post("/telegram/hook", content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_other_methods_get_405_without_a_traceback(hook, method, caplog) -> None:
    client, _chat = hook
    response = await client.request(method, "/telegram/hook")
    assert response.status_code == 405
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


async def test_an_idle_connection_is_closed(port) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        assert await asyncio.wait_for(reader.read(), timeout=3) == b""  # closed by the server
    finally:
        writer.close()


async def test_a_slow_body_is_cut_off(port) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(_head(1000, SECRET).replace("\n", "\r\n").encode() + b"\r\n" + b"{")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), timeout=3) == b""  # never answered, closed
    finally:
        writer.close()
