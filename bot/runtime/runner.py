"""`leadbot run`: wait to be the active server, then poll (or serve the webhook) until told to
stop. SIGTERM or SIGINT finishes the update in hand and whatever is queued, writes the dialogs'
state, confirms the last update to Telegram and exits 0."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from sqlalchemy.engine import Engine
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, TelegramError

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import Settings
from bot.runtime import leadership
from bot.runtime.updates import LedgeredApplication
from bot.runtime.webhook import WebhookServer, webhook_path
from bot.services import utc_now
from domain.model import BrokenInvariant
from storage.db import answers
from storage.server_lock import Lock, lock_for

log = logging.getLogger("leadbot")

EXIT_LOST_LOCK = 1
EXIT_BAD_TOKEN = 2  # a setting is wrong: the CLI's exit code for bad settings
# Waits between attempts to reach Telegram at start-up: 1, 2, 4 … 60 s.
FIRST_RETRY_SECONDS, LONGEST_RETRY_SECONDS = 1.0, 60.0


async def serve(settings: Settings, engine: Engine, *, webhook: bool) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _stopping(stop, signum))

    lock = lock_for(engine, settings.required_token())
    if not await leadership.become_active(lock, stop, settings.standby_check_seconds):
        return 0
    try:
        return await _active(settings, engine, stop, lock, webhook=webhook)
    finally:
        await asyncio.to_thread(lock.release)


def _stopping(stop: asyncio.Event, signum: int) -> Callable[[], None]:
    def handler() -> None:
        log.info("%s received: finishing the update in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    return handler


async def _active(
    settings: Settings, engine: Engine, stop: asyncio.Event, lock: Lock, *, webhook: bool
) -> int:
    run_id = uuid.uuid4().hex
    application = build_application(settings, engine, run_id=run_id)
    ledger = application.ledger
    if ledger is None:
        raise BrokenInvariant("ledger is missing")

    async def forget_handled_updates(_context: object) -> None:
        """Telegram redelivers for a day at most; what is older is no longer needed."""
        cutoff = utc_now() - timedelta(hours=settings.processed_update_hours)
        await asyncio.to_thread(ledger.forget_before, cutoff)

    if application.job_queue is not None:
        application.job_queue.run_repeating(
            forget_handled_updates, interval=3600, first=60, name="forget-updates"
        )
    reached = await reach_telegram(application, settings.telegram_base_url, stop)
    if reached is not None:
        await application.shutdown()
        return reached
    server: WebhookServer | None = None
    async with application:  # initialize (done above) … shutdown
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await application.replay_unfinished()
        if webhook:
            server = await _start_webhook(application, settings, engine)
        else:
            if application.updater is None:
                raise BrokenInvariant("application.updater is missing")
            await application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, error_callback=_PollErrors(settings.telegram_base_url)
            )
        log.info("leadbot is running (%s)", "webhook" if webhook else "polling")
        lost = asyncio.create_task(leadership.watch(lock, settings.standby_check_seconds))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({lost, stopped}, return_when=asyncio.FIRST_COMPLETED)
        lost_lock = lost.done()
        for task in (lost, stopped):
            task.cancel()
        if server is not None:
            await server.stop()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        await application.stop()  # handles what is queued, writes persistence
        if application.post_stop:
            await application.post_stop(application)
    log.info("leadbot stopped")
    return EXIT_LOST_LOCK if lost_lock else 0


async def reach_telegram(application: LedgeredApplication, url: str, stop: asyncio.Event) -> int | None:
    """Initialize the application (getMe): without a network, one line per attempt and again
    after 1, 2, 4 … 60 s, until Telegram answers or the process is told to stop (exit 0); a token
    Telegram refuses is one line naming the setting (exit 2). None once Telegram answered."""
    wait = FIRST_RETRY_SECONDS
    while True:
        try:
            await application.initialize()
            return None
        except InvalidToken:
            log.error(
                "Telegram refused the bot token (401 Unauthorized): set LEADBOT_TELEGRAM_TOKEN to the "
                "token @BotFather gave you"
            )
            return EXIT_BAD_TOKEN
        except BadRequest:
            raise
        except NetworkError as exc:
            log.warning("cannot reach Telegram at %s; retrying in %g s", url, wait)
            log.debug("what the connection said: %s: %s", type(exc).__name__, exc)
        if await stopped_within(stop, wait):
            return 0
        wait = min(wait * 2, LONGEST_RETRY_SECONDS)


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`, or less if the process is told to stop (then True)."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
        return True
    except TimeoutError:
        return False


async def _start_webhook(
    application: LedgeredApplication, settings: Settings, engine: Engine
) -> WebhookServer:
    url, secret = settings.required_webhook()
    server = WebhookServer(
        application,
        path=webhook_path(url),
        secret=secret,
        healthy=partial(answers, engine),
    )
    server.start(settings.webhook_listen, settings.webhook_port)
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    log.info("webhook listening on %s:%d", settings.webhook_listen, settings.webhook_port)
    return server


class _PollErrors:
    """Telegram answers 409 Conflict when another process polls with the same token (one not
    sharing our lock: another database, another machine). Say so once a minute at most; PTB's
    polling loop already backs off (up to 30 s between attempts)."""

    def __init__(self, url: str) -> None:
        self._said_at = 0.0
        self._url = url

    def __call__(self, error: TelegramError) -> None:
        now = time.monotonic()
        if isinstance(error, Conflict):
            if now - self._said_at > 60:
                self._said_at = now
                log.error(
                    "Telegram says another process is polling with this bot's token (409 Conflict); "
                    "backing off — run a second server as a standby on the same database instead"
                )
            return
        if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
            # The network went away while running: one line per attempt, as at start-up.
            log.warning("cannot reach Telegram at %s; retrying (%s)", self._url, type(error).__name__)
            return
        log.warning("polling Telegram failed (%s: %s); retrying", type(error).__name__, error)
