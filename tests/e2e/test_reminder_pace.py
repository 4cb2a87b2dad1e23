"""1,000 reminders due at once through the real rate limiter: all delivered, none twice, 429s handled."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.delivery.sweep import sweep
from storage.tables import DeliveryRow
from tests.bot.conftest import Chat
from tests.conftest import T0

pytestmark = pytest.mark.process

REMINDERS = 1000


def _seed(chat: Chat) -> None:
    """1,000 registrations filed at T0 by two guides, in one bulk insert (filing them one by one
    is what the filing tests do; here only the sweep is under test)."""
    with chat.roster.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO customer (phone, created_at) VALUES (:phone, :at)"),
            [{"phone": f"+86138{i:08d}", "at": _db_time(chat, T0)} for i in range(REMINDERS)],
        )
        ids = conn.execute(sa.text("SELECT id FROM customer ORDER BY id")).scalars().all()
        conn.execute(
            sa.text(
                "INSERT INTO registration (customer_id, filer_id, holder_id, team_id, channel,"
                " customer_name, address, obtained_at, filed_at,"
                " last_activity_at, holds_claim, needs_review, quota_exempt)"
                " VALUES (:customer, :staff, :staff, :team, 'store', :name, :address,"
                " :at, :at, :at, true, false, false)"
            ),
            [
                {
                    "customer": customer_id,
                    "staff": (chat.roster.guide if i % 2 else chat.roster.guide2).id,
                    "team": chat.roster.store.id,
                    "name": f"客户{i}",
                    "address": f"北京市朝阳区建国路{i}号",
                    "at": _db_time(chat, T0),
                }
                for i, customer_id in enumerate(ids)
            ],
        )


def _db_time(chat: Chat, at):
    return at.replace(tzinfo=None) if chat.roster.engine.dialect.name == "sqlite" else at


async def test_a_thousand_reminders_at_once(chat: Chat) -> None:
    _seed(chat)
    chat.fake.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1, times=3
    )
    started = time.monotonic()
    results = await sweep(chat.harness.app.bot, chat.harness.app.bot_data["services"], T0 + timedelta(days=2))
    elapsed = time.monotonic() - started
    assert len(results) == REMINDERS and {status for _, status in results} == {"sent"}
    delivered = [c for c in chat.fake.calls_to("sendMessage") if c.ok]
    assert len(delivered) == REMINDERS  # the three 429s were retried by the rate limiter, none twice
    assert len({c.params["text"] for c in delivered}) == REMINDERS
    assert elapsed >= REMINDERS / 31  # the overall pace of ≈30 messages a second was kept
    with chat.roster.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(DeliveryRow).where(DeliveryRow.status == "sent")
            ).scalar_one()
            == REMINDERS
        )
    assert (
        await sweep(
            chat.harness.app.bot, chat.harness.app.bot_data["services"], T0 + timedelta(days=2, minutes=5)
        )
        == []
    )
