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

log = logging.getLogger("leadbot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


class _UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot_application: Application[Any, Any, Any, Any, Any, Any], secret: str) -> None:
        self.bot_application = bot_application
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request from %s without the right secret token: refused", self.request.remote_ip)
            self._answer(HTTPStatus.FORBIDDEN)
            return
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.bot_application.bot)
        except Exception as exc:  # the body is never logged: it may carry customers' details
            log.warning("webhook request with a body that is not an update (%s): refused", type(exc).__name__)
            self._answer(HTTPStatus.BAD_REQUEST)
            return
        await self.bot_application.update_queue.put(update)
        self._answer(HTTPStatus.OK)

    def _answer(self, status: HTTPStatus) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": status == HTTPStatus.OK}))

    def log_exception(self, *args: Any) -> None:  # tornado's default logs the request
        log.error("webhook request failed", exc_info=args[1] if len(args) > 1 else None)


class _HealthHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD")  # type: ignore[assignment]

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
    ) -> None:
        web_app = _QuietApplication(
            [
                (rf"{path.rstrip('/')}/?" if path != "/" else r"/", _UpdateHandler, {"bot_application": application, "secret": secret}),
                (r"/healthz", _HealthHandler, {"healthy": healthy}),
            ]
        )
        self._server = tornado.httpserver.HTTPServer(web_app, xheaders=True)

    def start(self, listen: str, port: int) -> None:
        self._server.listen(port, address=listen)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()
