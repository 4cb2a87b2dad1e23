"""The outgoing rate limiter's two lanes (bot.runtime.rate_limits), in short real-time runs."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.runtime.rate_limits import BULK, LaneRateLimiter, Window

pytestmark = pytest.mark.asyncio


class Recorder:
    """The request PTB would make: notes which chat was sent to, when, in which lane."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, object, str]] = []
        self.refusals: list[float] = []  # seconds of retry_after for the next calls

    async def call(self, chat_id: object, label: str) -> dict[str, Any]:
        if self.refusals:
            raise RetryAfter(timedelta(seconds=self.refusals.pop(0)))
        self.sent.append((time.monotonic(), chat_id, label))
        return {}


def _send(limiter: LaneRateLimiter, recorder: Recorder, chat_id: object, label: str, lane: str | None):
    return limiter.process_request(
        recorder.call, (chat_id, label), {}, "sendMessage", {"chat_id": chat_id}, lane
    )


def _most_in_any_window(times: list[float], period: float) -> int:
    return max(sum(1 for t in times if start <= t < start + period - 1e-3) for start in times)


async def test_a_reply_goes_before_the_queued_bulk_sends() -> None:
    limiter, recorder = LaneRateLimiter(overall=(1, 0.1)), Recorder()
    bulk = [asyncio.create_task(_send(limiter, recorder, 1000 + i, f"bulk{i}", BULK)) for i in range(40)]
    await asyncio.sleep(0.25)  # three went; the others wait for the budget, ten a second
    asked = time.monotonic()
    await _send(limiter, recorder, 7, "reply", None)
    waited = time.monotonic() - asked
    labels = [label for _, _, label in recorder.sent]
    assert waited < 0.05  # at once, not behind the thirty queued nor for the next slot
    assert labels.index("reply") <= 4
    for task in bulk:
        task.cancel()


async def test_replies_to_people_who_wrote_do_not_wait_for_the_overall_pace_but_count() -> None:
    limiter, recorder = LaneRateLimiter(overall=(1, 0.1)), Recorder()
    started = time.monotonic()
    await asyncio.gather(*[_send(limiter, recorder, 7 + i, "reply", None) for i in range(20)])
    assert time.monotonic() - started < 0.1  # twenty replies at once, where bulk would take 2 s
    asked = time.monotonic()
    await _send(limiter, recorder, 1000, "bulk", BULK)
    assert time.monotonic() - asked >= 0.09  # the replies used the budget: bulk waits its slot


async def test_the_bulk_lane_keeps_the_overall_and_the_per_chat_pace() -> None:
    limiter, recorder = LaneRateLimiter(overall=(1, 0.1), per_chat=(1, 0.5)), Recorder()
    # 25 to distinct chats, and 4 to one person: at most 10 a second, one each 0.5 s to that person.
    sends = [_send(limiter, recorder, 1000 + i, "many", BULK) for i in range(25)]
    sends += [_send(limiter, recorder, 7, "one", BULK) for _ in range(4)]
    started = time.monotonic()
    await asyncio.gather(*sends)
    elapsed = time.monotonic() - started
    times = [t for t, _, _ in recorder.sent]
    assert len(times) == 29 and _most_in_any_window(times, 1.0) <= 10
    assert elapsed >= 2.8  # 29, one each 0.1 s
    to_one = [t for t, chat, _ in recorder.sent if chat == 7]
    assert all(b - a >= 0.5 - 1e-3 for a, b in zip(to_one, to_one[1:], strict=False))


async def test_a_group_gets_at_most_its_limit_in_any_window_replies_included() -> None:
    limiter, recorder = LaneRateLimiter(per_group=(3, 1.0)), Recorder()
    sends = [_send(limiter, recorder, -100, "bulk", BULK) for _ in range(4)]
    sends += [_send(limiter, recorder, -100, "reply", None) for _ in range(2)]
    await asyncio.gather(*sends)
    times = [t for t, _, _ in recorder.sent]
    assert len(times) == 6 and _most_in_any_window(times, 1.0) <= 3


async def test_a_429_is_waited_out_then_tried_again_and_holds_back_its_lane() -> None:
    limiter, recorder = LaneRateLimiter(), Recorder()
    recorder.refusals = [1]
    started = time.monotonic()
    bulk = asyncio.create_task(_send(limiter, recorder, 1000, "first", BULK))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(_send(limiter, recorder, 1001, "second", BULK))
    await _send(limiter, recorder, 7, "reply", None)  # a bulk send's 429 does not hold replies back
    assert time.monotonic() - started < 0.5
    await asyncio.gather(bulk, second)
    sent = {label: at - started for at, _, label in recorder.sent}
    assert sent["first"] >= 1.0 and sent["second"] >= 1.0  # Telegram's second, for the whole bulk lane


async def test_a_wait_longer_than_max_wait_goes_back_to_the_caller() -> None:
    limiter, recorder = LaneRateLimiter(max_wait=10), Recorder()
    recorder.refusals = [30]
    with pytest.raises(RetryAfter):  # the outbox records when to try again
        await _send(limiter, recorder, 1000, "later", BULK)
    assert recorder.sent == []


async def test_the_waits_on_one_request_add_up_to_at_most_max_wait() -> None:
    limiter, recorder = LaneRateLimiter(max_wait=0.5), Recorder()
    recorder.refusals = [0.3, 0.3]  # the second would make it 0.6 s for one send
    with pytest.raises(RetryAfter):
        await _send(limiter, recorder, 1000, "later", BULK)
    assert recorder.sent == [] and recorder.refusals == []


async def test_a_waiter_cancelled_just_before_its_turn_comes_is_passed_over() -> None:
    window = Window(5, 1.0)
    await window.turn(0)
    cancelled = asyncio.create_task(window.turn(1))
    after = asyncio.create_task(window.turn(1))
    await asyncio.sleep(0)  # both queued
    cancelled.cancel()
    window.done(sent=True)  # the turn passes on before the cancelled task has run again
    await asyncio.wait_for(after, 1)
    assert cancelled.cancelled()
