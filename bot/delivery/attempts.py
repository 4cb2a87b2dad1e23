"""One send of something the bot sends unasked, and its result in the delivery log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.chat.common import in_thread
from bot.services import Services
from domain.notices import DeliveryStatus
from domain.reminders import backoff


async def send_and_record(
    send: Callable[[], Awaitable[None]], svc: Services, delivery_id: int | None, attempts: int, now: datetime
) -> str:
    """Run one send and record its result: sent; pending, to be tried again after Telegram's
    retry_after (429) or with backoff (network errors, 5xx); undeliverable for good on 403 (the
    person blocked the bot: their manager sees it in the summary) or 400 (a chat that is gone, a
    request Telegram will never take)."""
    status, retry_at, error = DeliveryStatus.SENT, None, None
    try:
        await send()
    except RetryAfter as exc:
        status, error, retry_at = DeliveryStatus.PENDING, "retry_after", now + _seconds(exc.retry_after)
    except (Forbidden, BadRequest) as exc:
        status, error = DeliveryStatus.UNDELIVERABLE, exc.message
    except TelegramError as exc:
        status, error, retry_at = DeliveryStatus.PENDING, exc.message, now + backoff(attempts)
    if delivery_id is not None:
        recorded_id = delivery_id

        def record() -> None:
            with svc.writer() as uow:
                uow.deliveries.mark_delivery(
                    recorded_id, status=status, now=now, retry_at=retry_at, error=error
                )
                uow.commit()

        await in_thread(record)
    return status.value


def _seconds(value: Any) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))
