"""The webhook endpoint: the secret token, bad bodies, update types the bot does not handle, and
/healthz — the real tornado server on 127.0.0.1 feeding the real Application."""

from __future__ import annotations

import asyncio
import json
import socket
from functools import partial
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bot.webhook import SECRET_HEADER, WebhookServer, webhook_path
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
    [b"{not json", b"", b"[]", b'"text"', json.dumps({"message": {"text": "no update id"}}).encode(),
     json.dumps({"update_id": "seven"}).encode(),
     json.dumps({"update_id": 9, "message": {"text": "a message without its required fields"}}).encode()],
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
        {"update_id": 7001, "edited_message": {"message_id": 5, "date": 0, "chat": {"id": 101, "type": "private"},
                                               "from": user, "text": "13800138000", "edit_date": 1}},
        {"update_id": 7002, "channel_post": {"message_id": 1, "date": 0, "text": "hi",
                                             "chat": {"id": -1009876543210, "type": "channel", "title": "c"}}},
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
        chat.harness.app, path="/telegram", secret=SECRET,
        healthy=partial(answers, make_engine("postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})),
    )
    server.start("127.0.0.1", port)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await server.stop()
    assert response.status_code == 503
