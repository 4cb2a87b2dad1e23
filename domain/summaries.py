"""Who gets which team's daily summary, and when (RULES §6): recorded once per team, day and
chat before it is sent, so restarts and second processes never post it twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.model import Channel, Role, Staff, Team
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.reminders import LEASE, RETRY_BATCH
from domain.rules import Rules

KIND = "digest"


@dataclass(frozen=True)
class Recipient:
    team: Team
    chat_id: int
    staff: Staff | None  # None: the team's bound group chat
    mask_phones: bool  # group chats, and people not entitled to the team's full details (RULES §2)


@dataclass(frozen=True)
class SummaryOutgoing:
    delivery_id: int | None
    recipient: Recipient
    day: date


def recipients(
    teams: list[Team], team_chats: dict[int, int], ops: list[Staff], marketing: list[Staff], mask_groups: bool
) -> list[Recipient]:
    """The team's group; every ops manager gets all teams; marketing managers the field teams."""
    found = []
    for team in teams:
        if team.id in team_chats:
            found.append(Recipient(team, team_chats[team.id], None, mask_groups))
        found += [Recipient(team, person.telegram_id, person, False) for person in ops]
        if team.channel is Channel.FIELD:
            # Copied on field summaries [3.1.2], but not a manager of the team: phones masked.
            found += [
                Recipient(team, person.telegram_id, person, True) for person in marketing if person not in ops
            ]
    return found


def summary_key(team_id: int, day: date, chat_id: int) -> str:
    return f"digest:{team_id}:{day.isoformat()}:{chat_id}"


def plan_summaries(
    unit_of_work: UnitOfWorkFactory,
    now: datetime,
    rules: Rules,
    *,
    digest_time: time,
    mask_groups: bool,
    dry_run: bool = False,
    only_team: int | None = None,
    lease: timedelta = LEASE,
) -> list[SummaryOutgoing]:
    """Today's summaries once the local digest time has come (and until midnight), each claimed."""
    local = now.astimezone(rules.zone)
    if local.time() < digest_time:
        return []
    day = local.date()
    with unit_of_work() as uow:
        teams = [t for t in uow.roster.teams() if only_team is None or t.id == only_team]
        everyone = recipients(
            teams,
            uow.chats.team_chats(),
            uow.roster.staff_with_role(Role.OPS_MANAGER),
            uow.roster.staff_with_role(Role.MARKETING_MANAGER),
            mask_groups,
        )
        known = uow.deliveries.known_delivery_keys({summary_key(r.team.id, day, r.chat_id) for r in everyone})
        outgoing = []
        for recipient in everyone:
            key = summary_key(recipient.team.id, day, recipient.chat_id)
            if key in known:
                continue
            delivery_id = None
            if not dry_run:
                delivery_id = uow.deliveries.record_delivery(
                    key=key,
                    kind=KIND,
                    chat_id=recipient.chat_id,
                    staff_id=recipient.staff.id if recipient.staff else None,
                    registration_id=None,
                    team_id=recipient.team.id,
                    deadline_at=None,
                    now=now,
                    lease_until=now + lease,
                )
                if delivery_id is None:
                    continue
            outgoing.append(SummaryOutgoing(delivery_id, recipient, day))
        if not dry_run:
            outgoing += _retries(uow, now, rules, everyone, lease)
            uow.commit()
    return outgoing


def _retries(
    uow: UnitOfWork, now: datetime, rules: Rules, everyone: list[Recipient], lease: timedelta
) -> list[SummaryOutgoing]:
    """Summaries recorded but not confirmed sent: resent the same day, dropped the next."""
    by_key = {summary_key(r.team.id, now.astimezone(rules.zone).date(), r.chat_id): r for r in everyone}
    outgoing = []
    for delivery in uow.deliveries.claim_retries(now, now + lease, RETRY_BATCH, {KIND}):
        recipient = by_key.get(delivery.key)
        if recipient is None:
            uow.deliveries.mark_delivery(delivery.id, status="dropped", now=now, error="a past day's summary")
            continue
        outgoing.append(SummaryOutgoing(delivery.id, recipient, now.astimezone(rules.zone).date()))
    return outgoing
