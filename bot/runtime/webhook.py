"""Webhook mode: Telegram posts updates to LEADBOT_WEBHOOK_URL; this server takes them.

PTB's own webhook handler would do, except that on a malformed body it logs the whole payload —
customers' phones and addresses — at CRITICAL. This one follows it (tornado, which PTB's webhooks
extra installs; the same update queue) but logs update ids only, and adds /healthz."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.runtime.updates import InboxQueue
from domain.model import BrokenInvariant

log = logging.getLogger("leadbot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are a few kilobytes; a body over this is not one.
MAX_BODY_BYTES = 1024 * 1024
# A connection that sends nothing (or not all of its headers) for this long is closed; so is one
# whose body takes longer than BODY_TIMEOUT_S to arrive.
IDLE_TIMEOUT_S = 30.0
BODY_TIMEOUT_S = 10.0


def webhook_path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """The body is streamed in, so nothing of it is read before the secret is checked, and no more
    than MAX_BODY_BYTES of it is ever held (a wrong secret with a 90 MB body once took the
    process to 746 MB)."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(
        self, bot_application: Application[Any, Any, Any, Any, Any, Any], inbox: InboxQueue, secret: str
    ) -> None:
        self.bot_application = bot_application
        self.inbox = inbox
        self.secret = secret
        self._body = bytearray()

    async def prepare(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning(
                "webhook request from %s without the right secret token: refused", self.request.remote_ip
            )
            self._answer(HTTPStatus.FORBIDDEN)
            return
        try:
            announced = int(self.request.headers.get("Content-Length", "0"))
        except ValueError:
            announced = 0  # tornado itself refuses a Content-Length that is not a number
        if announced > MAX_BODY_BYTES:
            self._too_large()

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        if len(self._body) + len(chunk) > MAX_BODY_BYTES:
            self._too_large()
            return
        self._body += chunk

    async def post(self) -> None:
        try:
            payload = self._body.decode()
            data = json.loads(payload)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.bot_application.bot)
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
        ) as exc:  # the body is never logged: it may carry customers' details
            log.warning("webhook request with a body that is not an update (%s): refused", type(exc).__name__)
            self._answer(HTTPStatus.BAD_REQUEST)
            return
        finally:
            self._body = bytearray()
        await self.inbox.put_received(update, payload)  # recorded as it came: not serialised again
        self._answer(HTTPStatus.OK)

    def _too_large(self) -> None:
        log.warning(
            "webhook request from %s with a body over %d bytes: refused",
            self.request.remote_ip,
            MAX_BODY_BYTES,
        )
        self._body = bytearray()
        self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def _answer(self, status: HTTPStatus) -> None:
        """Answering before the body is read makes tornado close the connection once the answer
        is sent, instead of reading the rest of the body."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": status == HTTPStatus.OK}))

    def log_exception(self, *args: Any) -> None:  # tornado's default logs the request
        if isinstance(args[1] if len(args) > 1 else None, tornado.web.HTTPError):
            return  # a wrong method (405) and the like: answered, and not an error of ours
        log.error("webhook request failed", exc_info=args[1] if len(args) > 1 else None)


class _HealthHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, healthy: Callable[[], bool]) -> None:
        self.healthy = healthy

    async def get(self) -> None:
        ok = await asyncio.to_thread(self.healthy)
        self.set_status(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": "ok" if ok else "unavailable"}))

    async def head(self) -> None:
        await self.get()


class _QuietApplication(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Access lines go through our logging with the status only (no query strings)."""
        log.debug("%s %s %d", handler.request.method, handler.request.path, handler.get_status())


class WebhookServer:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        path: str,
        secret: str,
        healthy: Callable[[], bool],
        idle_timeout: float = IDLE_TIMEOUT_S,
        body_timeout: float = BODY_TIMEOUT_S,
    ) -> None:
        inbox = application.update_queue
        if not isinstance(inbox, InboxQueue):
            raise BrokenInvariant("the webhook serves an application built with the inbox queue")
        web_app = _QuietApplication(
            [
                (
                    rf"{path.rstrip('/')}/?" if path != "/" else r"/",
                    _UpdateHandler,
                    {"bot_application": application, "inbox": inbox, "secret": secret},
                ),
                (r"/healthz", _HealthHandler, {"healthy": healthy}),
            ]
        )
        # The server's own cap is only a backstop: the handler answers 413 at MAX_BODY_BYTES, and
        # tornado would answer a bare 400 at its cap before the handler sees the excess.
        self._server = tornado.httpserver.HTTPServer(
            web_app,
            xheaders=True,
            idle_connection_timeout=idle_timeout,
            body_timeout=body_timeout,
            max_body_size=2 * MAX_BODY_BYTES,
            max_header_size=16 * 1024,
        )

    def start(self, listen: str, port: int) -> None:
        self._server.listen(port, address=listen)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()
