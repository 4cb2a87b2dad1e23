"""One sender cannot starve the others (issue 10 item 10): updates arrive through the application's
update queue, as the poller and the webhook put them, so the inbound guard sees them first."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bot.runtime.updates import guard_of
from domain.model import Role
from domain.roster import create_invite, deactivate, enrol
from storage.tables import InboundUpdateRow
from tests.bot.conftest import ADMIN_ID, Chat
from tests.fakebot import TgUser

REFUSAL = "只供本公司销售人员使用"


class Ticks:
    """The guard's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _ticks(chat: Chat) -> Ticks:
    guard = guard_of(chat.harness.app)
    assert guard is not None
    ticks = Ticks()
    guard.monotonic = ticks
    return ticks


async def _arrive(chat: Chat, *updates: dict[str, Any]) -> None:
    from telegram import Update

    for data in updates:
        await chat.harness.app.update_queue.put(Update.de_json(data, chat.harness.app.bot))
    await asyncio.wait_for(chat.harness.app.update_queue.join(), timeout=10)
    await chat.harness.settle()


def _ledger_rows(chat: Chat) -> int:
    with chat.roster.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(InboundUpdateRow)).scalar_one()


def _refusals(chat: Chat, user_id: int) -> int:
    return sum(REFUSAL in text for text in chat.fake.texts(user_id))


async def test_a_stranger_sending_50_messages_gets_one_refusal_and_writes_nothing(chat: Chat) -> None:
    ticks = _ticks(chat)
    stranger = chat.user(555)
    for n in range(50):
        ticks.now += 0.5  # 50 messages in 25 s: under the rate cap, so only the stranger rule acts
        await _arrive(chat, chat.harness.factory.message(stranger, f"13800138{n:03d}"))
    assert _refusals(chat, 555) == 1 and len(chat.fake.texts(555)) == 1
    assert _ledger_rows(chat) == 0
    ticks.now += 5 * 60  # LEADBOT_STRANGER_REFUSAL_MINUTES later: one more
    await _arrive(chat, chat.harness.factory.message(stranger, "/start"))
    assert _refusals(chat, 555) == 2 and _ledger_rows(chat) == 0


async def test_a_strangers_button_gets_the_refusal_as_an_alert_once(chat: Chat) -> None:
    _ticks(chat)
    stranger = chat.user(556)
    for _ in range(3):
        await _arrive(chat, chat.harness.factory.callback(stranger, "nw:abcdef:ok", message_id=5))
    alerts = [c for c in chat.fake.calls_to("answerCallbackQuery") if REFUSAL in (c.params.get("text") or "")]
    assert len(alerts) == 1 and alerts[0].params.get("show_alert")
    assert _ledger_rows(chat) == 0


async def test_staff_over_the_rate_cap_are_throttled_once_per_window(chat: Chat, caplog) -> None:
    ticks = _ticks(chat)
    guide = chat.user(101)
    await _arrive(chat, *(chat.harness.factory.message(guide, "/quota") for _ in range(30)))
    assert _ledger_rows(chat) == 20  # LEADBOT_USER_RATE_LIMIT=20 per 10 s
    assert len(chat.fake.texts(101)) == 20
    throttled = [r for r in caplog.records if "user 101" in r.getMessage()]
    assert len(throttled) == 1 and "20" in throttled[0].getMessage()
    ticks.now += 10  # the next window
    await _arrive(chat, chat.harness.factory.message(guide, "/quota"))
    assert len(chat.fake.texts(101)) == 21


async def test_an_invitation_link_lets_a_refused_stranger_in_at_once(chat: Chat) -> None:
    _ticks(chat)
    newcomer = TgUser(id=777, first_name="新人", language_code="zh")
    await _arrive(chat, chat.harness.factory.message(newcomer, "/mine"))
    assert _refusals(chat, 777) == 1
    with chat.roster.writer() as uow:
        create_invite(
            uow,
            code="welcome777",
            role=Role.GUIDE,
            team_id=chat.roster.store.id,
            name="新人",
            created_by=ADMIN_ID,
            now=chat.clock.now,
            valid_for=timedelta(hours=72),
        )
    await _arrive(chat, chat.harness.factory.message(newcomer, "/start welcome777"))
    assert "新人" in chat.fake.last_text(777)
    # Refused a moment ago and not in the roster as last read, yet enrolled: answered.
    await _arrive(chat, chat.harness.factory.message(newcomer, "/quota"))
    assert _refusals(chat, 777) == 1 and len(chat.fake.texts(777)) == 3


async def test_someone_enrolled_by_the_cli_gets_in(chat: Chat) -> None:
    ticks = _ticks(chat)
    await _arrive(chat, chat.harness.factory.message(chat.user(101), "/quota"))  # the roster is read

    def enrol_by_cli(telegram_id: int, name: str) -> None:  # another process: this one is not told
        with chat.roster.writer() as uow:
            enrol(
                uow,
                telegram_id=telegram_id,
                name=name,
                roles=frozenset({Role.GUIDE}),
                team_name="朝阳店",
                region=None,
                now=chat.clock.now,
            )

    # Never refused: their first message is checked against the database, not refused.
    enrol_by_cli(778, "孙丽")
    await _arrive(chat, chat.harness.factory.message(chat.user(778), "/quota"))
    assert _refusals(chat, 778) == 0 and len(chat.fake.texts(778)) == 1

    # Refused before they were enrolled: in within LEADBOT_ROSTER_REFRESH_SECONDS.
    await _arrive(chat, chat.harness.factory.message(chat.user(779), "/quota"))
    assert _refusals(chat, 779) == 1
    enrol_by_cli(779, "钱多")
    ticks.now += 30
    await _arrive(chat, chat.harness.factory.message(chat.user(779), "/quota"))
    assert _refusals(chat, 779) == 1 and len(chat.fake.texts(779)) == 2


async def test_someone_deactivated_is_refused_once_then_ignored(chat: Chat) -> None:
    _ticks(chat)
    guide = chat.user(101)
    await _arrive(chat, chat.harness.factory.message(guide, "/quota"))  # the roster is read: 101 is in it
    with chat.roster.writer() as uow:
        deactivate(uow, telegram_id=101, now=chat.clock.now)
    rows = _ledger_rows(chat)
    for _ in range(5):
        await _arrive(chat, chat.harness.factory.message(guide, "/quota"))
    assert _refusals(chat, 101) == 1
    assert _ledger_rows(chat) == rows + 1  # the one the roster gate refused


async def test_admins_and_groups_are_not_turned_away(chat: Chat) -> None:
    _ticks(chat)
    admin = chat.user(ADMIN_ID)
    await _arrive(chat, chat.harness.factory.message(admin, "/invite"))
    assert chat.fake.texts(ADMIN_ID) and _refusals(chat, ADMIN_ID) == 0
    stranger = chat.user(560)
    await _arrive(chat, chat.harness.factory.message(stranger, "你好", chat_type="supergroup"))
    assert _ledger_rows(chat) == 2  # both reached the roster gate (the group one is ignored there)


async def test_a_flood_from_many_strangers_sends_few_refusals_a_second(chat: Chat, caplog) -> None:
    caplog.set_level(logging.INFO)
    _ticks(chat)  # the clock stands still: all of them in the same second
    await _arrive(chat, *(chat.harness.factory.message(chat.user(10_000 + n), "hi") for n in range(40)))
    refused = sum(_refusals(chat, 10_000 + n) for n in range(40))
    assert refused == 5 and _ledger_rows(chat) == 0
