"""Work the bot does unasked: the reminder sweep (a repeating PTB job). The database decides what
is due and who sends it (domain.reminders); this module only renders and delivers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, time
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ContextTypes, ExtBot

from bot.chat.common import in_thread
from bot.delivery.aftersale import deliver_aftersale_batch
from bot.delivery.attempts import send_and_record
from bot.delivery.care_days import deliver_care_day_batch
from bot.delivery.notices import deliver_notices
from bot.digests.render import render_digest
from bot.digests.tracking_sheet import tracking_workbook
from bot.digests.workbook import private_workbook_button
from bot.follow_up import steps as follow_up_steps
from bot.i18n.keys import Text
from bot.i18n.labels import REMINDER
from bot.i18n.texts import raw, t, when
from bot.runtime.rate_limits import BULK
from bot.services import Services
from domain.aftersale_reminders import AftersaleOutgoing, plan_aftersale_batches
from domain.care_days import CareDayOutgoing, plan_care_day_batches
from domain.customer_details import display_phone
from domain.reminders import Outgoing, ReminderKind, plan_reminder_batches
from domain.summaries import SummaryOutgoing, plan_summaries
from domain.tracking import TeamReport
from storage.event_log import events

log = logging.getLogger(__name__)


def reminder_message(outgoing: Outgoing, svc: Services) -> tuple[str, InlineKeyboardMarkup]:
    """The reminder in the holder's language, with buttons straight into the follow-up dialog."""
    language = outgoing.to.language or svc.settings.default_language
    reminder, rules = outgoing.reminder, svc.rules
    registration = reminder.registration
    text = t(
        language,
        REMINDER[reminder.kind],
        name=registration.customer_name,
        phone=display_phone(registration.phone),
        at=when(language, reminder.deadline, rules.zone),
        every=rules.follow_up_every_days,
        days=rules.lapse_after_days,
    )
    if reminder.kind is ReminderKind.EXPIRY:
        buttons = [
            [
                InlineKeyboardButton(
                    raw(language, Text.record_measurement),
                    callback_data=follow_up_steps.start_data(registration.id),
                )
            ],
            [
                InlineKeyboardButton(
                    raw(language, Text.ask_extension_button), callback_data=f"ex:go:{registration.id}"
                )
            ],
        ]
    else:
        buttons = [[follow_up_steps.start_button(language, registration.id)]]
    return text, InlineKeyboardMarkup(buttons)


async def deliver(bot: ExtBot[Any], svc: Services, outgoing: Outgoing, now: datetime) -> str:
    """Send one reminder and record the result: sent, retry later, or undeliverable for good."""
    text, keyboard = reminder_message(outgoing, svc)

    async def send() -> None:
        await bot.send_message(outgoing.to.telegram_id, text, reply_markup=keyboard, rate_limit_args=BULK)

    status = await send_and_record(send, svc, outgoing.delivery_id, outgoing.attempts, now)
    reminder = outgoing.reminder
    if status == "sent":
        events.info(
            "reminder sent: %s for registration %s to staff %s",
            reminder.kind.value,
            reminder.registration.id,
            outgoing.to.id,
            extra={
                "event": "reminder_sent",
                "reminder": reminder.kind.value,
                "registration_id": reminder.registration.id,
                "staff_id": outgoing.to.id,
            },
        )
    else:
        log.warning("reminder %s to staff %s: %s", reminder.kind.value, outgoing.to.id, status)
    return status


async def deliver_summary(
    bot: ExtBot[Any],
    svc: Services,
    outgoing: SummaryOutgoing,
    now: datetime,
    report: TeamReport,
    workbooks: dict[str, bytes],
) -> str:
    """A team's summary (split under Telegram's 4,096 characters) and its tracking workbook;
    `workbooks` keeps the team's workbook per language and masking, built once for all its
    recipients; group chats and people not entitled get phones masked and no addresses (RULES §2)."""
    recipient = outgoing.recipient
    language = recipient.staff.language if recipient.staff and recipient.staff.language else report.language
    texts = render_digest(report.digest, language, svc.rules.zone, mask_phones=recipient.mask_phones)
    variant = f"{language}:{'masked' if recipient.mask_phones else 'full'}"
    if variant not in workbooks:
        workbooks[variant] = await in_thread(
            lambda: tracking_workbook(report, language, svc.rules.zone, mask_phones=recipient.mask_phones)
        )
    workbook = workbooks[variant]
    filename = (
        raw(language, Text.digest_workbook_title, team=report.team.name, date=outgoing.day.isoformat())
        + ".xlsx"
    )

    async def send() -> None:
        for text in texts:
            await bot.send_message(recipient.chat_id, text, rate_limit_args=BULK)
        # A group gets the masked copy; the team's managers can have the full one in private.
        keyboard = private_workbook_button(language, recipient.team.id) if recipient.staff is None else None
        await bot.send_document(
            recipient.chat_id, workbook, filename=filename, reply_markup=keyboard, rate_limit_args=BULK
        )

    status = await send_and_record(send, svc, outgoing.delivery_id, 0, now)
    if status == "sent":
        events.info(
            "digest posted: team %s, %s, to chat %s (%d open registrations)",
            recipient.team.id,
            outgoing.day.isoformat(),
            recipient.chat_id,
            len(report.rows),
            extra={
                "event": "digest_posted",
                "team_id": recipient.team.id,
                "chat_id": recipient.chat_id,
                "masked": recipient.mask_phones,
            },
        )
    else:
        log.warning("summary of team %s to chat %s: %s", recipient.team.id, recipient.chat_id, status)
    return status


def _report(svc: Services, team_id: int, now: datetime) -> TeamReport | None:
    with svc.uow() as uow:
        return uow.reports.team_report(team_id, now, svc.rules)


async def post_summaries(
    bot: ExtBot[Any],
    svc: Services,
    now: datetime,
    *,
    dry_run: bool = False,
    only_team: int | None = None,
    going_on: Callable[[], bool] = lambda: True,
) -> list[tuple[SummaryOutgoing, str]]:
    digest_time = time.fromisoformat(svc.settings.digest_time)
    planned = await in_thread(
        lambda: plan_summaries(
            svc.writer,
            now,
            svc.rules,
            digest_time=digest_time,
            mask_groups=svc.settings.digest_mask_phones,
            dry_run=dry_run,
            only_team=only_team,
            lease=svc.settings.delivery_lease,
        )
    )
    if dry_run:
        return [(o, "would send") for o in planned]
    results = []
    for team_id in dict.fromkeys(o.recipient.team.id for o in planned):
        if not going_on():
            break  # stopping: what is recorded and not sent goes out after the restart
        report = await in_thread(partial(_report, svc, team_id, now))
        workbooks: dict[str, bytes] = {}
        for outgoing in (o for o in planned if o.recipient.team.id == team_id):
            status = (
                await deliver_summary(bot, svc, outgoing, now, report, workbooks) if report else "dropped"
            )
            results.append((outgoing, status))
    return results


async def sweep(
    bot: ExtBot[Any],
    svc: Services,
    now: datetime,
    *,
    dry_run: bool = False,
    going_on: Callable[[], bool] = lambda: True,
    counted: Callable[[int], None] = lambda _n: None,
) -> list[tuple[Outgoing | AftersaleOutgoing | CareDayOutgoing, str]]:
    """One pass: plan (record) what is due at `now` a batch at a time, then deliver the batch —
    until `going_on` says the bot is stopping (SIGTERM must not wait for a long catch-up); the
    rest goes out after the restart, as it is recorded or still due. `counted` hears of each
    reminder handled (the command line's progress bar on a long catch-up).

    In a batch each person's reminders go in order, one after another, and everyone's at once:
    the rate limiter paces them (a second per person, ≈30 a second in all), so a holder of many
    does not hold up the others."""
    batches = plan_reminder_batches(
        svc.writer, now, svc.rules, dry_run=dry_run, lease=svc.settings.delivery_lease, claimed_at=svc.clock
    )
    results: list[tuple[Outgoing | AftersaleOutgoing | CareDayOutgoing, str]] = []
    while going_on() and (batch := await in_thread(partial(next, batches, None))) is not None:
        if dry_run:
            results += [(o, "would send") for o in batch]
            counted(len(batch))
            continue
        results += await _deliver_batch(bot, svc, batch, now, going_on, counted)
    # Then after-sale care's reminders and misses, and planned contacts (RULES §7), the same way.
    aftersale = plan_aftersale_batches(
        svc.writer, now, svc.rules, dry_run=dry_run, lease=svc.settings.delivery_lease, claimed_at=svc.clock
    )
    while going_on() and (care := await in_thread(partial(next, aftersale, None))) is not None:
        if dry_run:
            results += [(o, "would send") for o in care]
            counted(len(care))
            continue
        results += await deliver_aftersale_batch(bot, svc, care, now, going_on, counted)
    # Then the care days' greeting reminders (客户关怀, domain.care_days).
    greetings = plan_care_day_batches(
        svc.writer, now, svc.rules, dry_run=dry_run, lease=svc.settings.delivery_lease, claimed_at=svc.clock
    )
    while going_on() and (days := await in_thread(partial(next, greetings, None))) is not None:
        if dry_run:
            results += [(o, "would send") for o in days]
            counted(len(days))
            continue
        results += await deliver_care_day_batch(bot, svc, days, now, going_on, counted)
    return results


async def _deliver_batch(
    bot: ExtBot[Any],
    svc: Services,
    batch: list[Outgoing],
    now: datetime,
    going_on: Callable[[], bool],
    counted: Callable[[int], None],
) -> list[tuple[Outgoing, str]]:
    statuses: list[str | None] = [None] * len(batch)
    by_person: dict[int, list[int]] = {}
    for index, one in enumerate(batch):
        by_person.setdefault(one.to.telegram_id, []).append(index)

    async def deliver_to(indexes: list[int]) -> None:
        for index in indexes:
            if not going_on():
                return
            statuses[index] = await deliver(bot, svc, batch[index], now)
            counted(1)

    async with asyncio.TaskGroup() as group:
        for indexes in by_person.values():
            group.create_task(deliver_to(indexes))
    return [(one, status) for one, status in zip(batch, statuses, strict=True) if status is not None]


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every minute: notices left in the outbox (retries, those the command line recorded),
    reminders due now, and today's summaries once the digest time has come."""
    svc: Services = context.bot_data["services"]
    now = svc.clock()

    def going_on() -> bool:
        return context.application.running

    notices = await deliver_notices(context.bot, svc, going_on=going_on)
    if notices:
        log.info(
            "notices: %d sent, %d not",
            sum(s == "sent" for _, s in notices),
            sum(s != "sent" for _, s in notices),
        )
    results = await sweep(context.bot, svc, now, going_on=going_on)
    if results:
        log.debug(  # each reminder and summary sent is its own line on leadbot.events
            "reminder sweep: %d sent, %d not",
            sum(s == "sent" for _, s in results),
            sum(s != "sent" for _, s in results),
        )
    summaries = await post_summaries(context.bot, svc, now, going_on=going_on)
    if summaries:
        log.debug(  # each reminder and summary sent is its own line on leadbot.events
            "summaries: %d sent, %d not",
            sum(s == "sent" for _, s in summaries),
            sum(s != "sent" for _, s in summaries),
        )
