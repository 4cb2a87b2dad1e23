"""`leadbot`: the command line. Every command runs the same use cases as the chat.

Exit codes: 0 done, 1 the database is unreachable (or `run` lost the active-server lock),
2 what was typed cannot be done (bad usage or settings, an unknown team, person or registration,
a team that exists already, an invalid bot token), 3 refused by a rule (a filing rejected, a
follow-up refused). Either is one sentence on stderr saying what to do.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from bot.cli import registrations, resale, roster, sending  # noqa: F401 - each adds its commands to app
from bot.cli.common import EXIT_UNAVAILABLE, EXIT_USAGE, app, db_app, engine_or_exit, fail, settings_or_exit
from bot.config import SettingsError
from bot.i18n.keys import Text
from bot.i18n.texts import raw
from storage.migrate import DatabaseUnreachable, connect

__all__ = ["app", "main"]


@app.command()
def run(
    webhook: Annotated[
        bool, typer.Option("--webhook", help="take updates on LEADBOT_WEBHOOK_URL instead of polling")
    ] = False,
) -> None:
    """Start the bot: long polling, or a webhook. With several servers on one database, one is
    active and the others wait to take over. Needs LEADBOT_TELEGRAM_TOKEN."""
    settings = settings_or_exit()
    lang = settings.default_language
    if not settings.telegram_token:
        fail(raw(lang, Text.cli_token_missing))
    if webhook and not settings.webhook_url:
        fail(raw(lang, Text.cli_webhook_url_missing))
    if webhook and not settings.webhook_secret:
        fail(raw(lang, Text.cli_webhook_secret_missing))
    import asyncio

    from bot.runtime.logs import configure_logging
    from bot.runtime.runner import serve

    configure_logging(settings.log_format)
    try:
        engine = connect(settings.database_url, settings.db_connect_attempts)
    except DatabaseUnreachable as exc:
        logging.getLogger("leadbot").error("%s; giving up", exc)
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    raise typer.Exit(asyncio.run(serve(settings, engine, webhook=webhook)))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest revision."""
    engine_or_exit(settings_or_exit())
    typer.echo("database is up to date")


def main() -> None:
    try:
        app()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        sys.exit(EXIT_USAGE)
