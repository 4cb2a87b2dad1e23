"""Who may use the bot (RULES §2): enrolment by invitation, and what each person sees of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.customer_details import Invalid
from domain.filing import month_bounds
from domain.free_text import check_staff_name, check_team_name
from domain.lifecycle import Standing, standing_at
from domain.model import (
    ALL_TEAMS_ROLES,
    TEAM_MANAGER_ROLES,
    Channel,
    Invite,
    Registration,
    Role,
    Staff,
    State,
    Team,
)
from domain.notices import invite_used_entry
from domain.ports import UnitOfWork
from domain.rules import Rules

# Roles that belong to one team; the others (ops, marketing, dept head, admin) see across teams.
TEAM_ROLES = frozenset({Role.GUIDE, Role.SALESPERSON, Role.STORE_MANAGER, Role.SUPERVISOR})


DEFAULT_RULES = Rules()


def is_admin(telegram_id: int, staff: Staff | None, admin_ids: frozenset[int]) -> bool:
    return telegram_id in admin_ids or (staff is not None and staff.active and staff.has(Role.ADMIN))


def active_staff(uow: UnitOfWork, telegram_id: int) -> Staff | None:
    """The person if they are on the roster and active; a deactivated person is a stranger at once."""
    staff = uow.roster.staff_by_telegram_id(telegram_id)
    return staff if staff is not None and staff.active else None


@dataclass(frozen=True)
class Enrolled:
    staff: Staff
    team: Team | None


class InviteProblem(StrEnum):
    """Why an invitation link enrols nobody."""

    UNKNOWN = "unknown"  # no such invitation (mistyped, or cut short when forwarded)
    USED = "used"  # someone else opened it first: each link enrols one person
    USED_BY_YOU = "used_by_you"  # this person opened it before, and joined
    EXPIRED = "expired"


@dataclass(frozen=True)
class InviteRefused:
    problem: InviteProblem
    expired_at: datetime | None = None


def create_invite(
    uow: UnitOfWork,
    *,
    code: str,
    role: Role,
    team_id: int | None,
    name: str,
    created_by: int,
    language: str | None = None,
    now: datetime,
    valid_for: timedelta,
    rules: Rules = DEFAULT_RULES,
) -> datetime:
    """A one-time link for the colleague `name`, who joins under that name with `role` (and
    `team`); `language` is the admin's, for the notice they get when it is used."""
    checked = check_staff_name(name, rules)
    if isinstance(checked, Invalid):
        raise RosterRefusal(checked.problem.value, f"a name has 1 to {rules.max_staff_name_chars} characters")
    if role in TEAM_ROLES and team_id is None:
        raise RosterRefusal("team_required", role.value)
    if team_id is not None:
        team = uow.roster.team_by_id(team_id)
        if team is None:
            raise RosterRefusal("no_such_team", str(team_id))
        if not teams_for_role(role, [team]):
            raise RosterRefusal("wrong_channel", f"{role.value} cannot join {team.name}")
    expires_at = now + valid_for
    uow.roster.add_invite(
        code=code,
        role=role,
        team_id=team_id,
        created_by=created_by,
        now=now,
        expires_at=expires_at,
        name=checked,
        language=language,
    )
    uow.commit()
    return expires_at


def redeem_invite(
    uow: UnitOfWork, *, code: str, telegram_id: int, telegram_name: str, now: datetime
) -> Enrolled | InviteRefused:
    """Whoever opens a valid one-time link joins the roster with the invite's role and team, under
    the name the admin gave (an invitation made before names were asked: their Telegram name).
    The admin who made it is told, through the outbox, in the enrolment's transaction."""
    invite = uow.roster.take_invite(code, telegram_id, now)
    if invite is None:
        return _why_not(uow.roster.invite(code), telegram_id)
    role = invite.role
    team_id = invite.team_id
    existing = uow.roster.staff_by_telegram_id(telegram_id)
    roles = frozenset({role}) | (existing.roles if existing and existing.active else frozenset())
    team = uow.roster.team_by_id(team_id) if team_id is not None else None
    staff = uow.roster.upsert_staff(
        telegram_id=telegram_id,
        name=invite.name or telegram_name,
        roles=roles,
        team_id=team_id if team_id is not None else (existing.team_id if existing else None),
        region=team.region if team else (existing.region if existing else None),
        now=now,
    )
    inviter = active_staff(uow, invite.created_by)
    uow.outbox.add([invite_used_entry(invite, inviter, staff, team, telegram_name, now)])
    uow.commit()
    return Enrolled(staff, team)


def _why_not(invite: Invite | None, telegram_id: int) -> InviteRefused:
    if invite is None:
        return InviteRefused(InviteProblem.UNKNOWN)
    if invite.used_at is not None:
        mine = invite.used_by == telegram_id
        return InviteRefused(InviteProblem.USED_BY_YOU if mine else InviteProblem.USED)
    return InviteRefused(InviteProblem.EXPIRED, invite.expires_at)


@dataclass(frozen=True)
class Held:
    registration: Registration
    standing: Standing


def my_registrations(uow: UnitOfWork, staff: Staff, now: datetime, rules: Rules) -> list[Held]:
    """The person's open registrations with state and next deadline: overdue ones first, then by
    the soonest deadline."""
    held = [Held(r, standing_at(r, now, rules)) for r in uow.registrations.open_registrations_of(staff.id)]
    held = [h for h in held if h.standing.may_follow_up]
    far = now + timedelta(days=36500)
    urgency = {State.LAPSED: 0, State.DUE: 1}
    return sorted(
        held,
        key=lambda h: (
            urgency.get(h.standing.state, 2),
            h.standing.deadline.at if h.standing.deadline else far,
            h.registration.id,
        ),
    )


@dataclass(frozen=True)
class Quota:
    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def quota_of(uow: UnitOfWork, staff: Staff, now: datetime, rules: Rules) -> Quota | None:
    """Used and left this local month; None for people without a quota (store guides)."""
    if not staff.has_quota:
        return None
    start, end = month_bounds(now, rules)
    return Quota(uow.registrations.quota_used(staff.id, start, end), rules.field_monthly_quota)


class RosterRefusal(Exception):
    """A roster change the rules refuse; `code` names why, `values` hold what a sentence about it
    needs (team, role, channel, telegram_id: bot.cli renders them through the texts), and
    `problem` the name's problem when the code is one of domain.customer_details.Problem."""

    def __init__(self, code: str, detail: str = "", *, problem: Invalid | None = None, **values: str) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.problem = problem
        self.values = values


# A store guide works in a store team; a field salesperson in a field team (RULES §2).
_CHANNEL_OF_ROLE = {Role.GUIDE: Channel.STORE, Role.SALESPERSON: Channel.FIELD}


def teams_for_role(role: Role, teams: list[Team]) -> list[Team]:
    """The teams a person of this role can belong to."""
    channel = _CHANNEL_OF_ROLE.get(role)
    return [team for team in teams if channel is None or team.channel is channel]


def add_team(
    uow: UnitOfWork,
    *,
    name: str,
    channel: Channel,
    region: str | None,
    now: datetime,
    rules: Rules = DEFAULT_RULES,
) -> Team:
    checked = check_team_name(name, rules)
    if isinstance(checked, Invalid):
        raise RosterRefusal(
            checked.problem.value,
            f"a team name has 1 to {rules.max_team_name_chars} characters",
            problem=checked,
        )
    name = checked
    if uow.roster.team_by_name(name) is not None:
        raise RosterRefusal("team_exists", name, team=name)
    team = uow.roster.add_team(name, channel, region, now)
    uow.commit()
    return team


def enrol(
    uow: UnitOfWork,
    *,
    telegram_id: int,
    name: str,
    roles: frozenset[Role],
    team_name: str | None,
    region: str | None,
    now: datetime,
    rules: Rules = DEFAULT_RULES,
) -> Staff:
    checked = check_staff_name(name, rules)
    if isinstance(checked, Invalid):
        raise RosterRefusal(
            checked.problem.value, f"a name has 1 to {rules.max_staff_name_chars} characters", problem=checked
        )
    name = checked
    if not roles:
        raise RosterRefusal("no_role")
    team = None
    if team_name is not None:
        team = uow.roster.team_by_name(team_name)
        if team is None:
            raise RosterRefusal("no_such_team", team_name, team=team_name)
    if roles & TEAM_ROLES and team is None:
        needing = sorted(r.value for r in roles & TEAM_ROLES)
        raise RosterRefusal("team_required", ", ".join(needing), role=needing[0])
    for role in roles:
        channel = _CHANNEL_OF_ROLE.get(role)
        if channel is not None and team is not None and team.channel is not channel:
            raise RosterRefusal(
                "wrong_channel",
                f"{role.value} needs a {channel.value} team, {team.name} is {team.channel.value}",
                role=role.value,
                channel=channel.value,
                team=team.name,
            )
    staff = uow.roster.upsert_staff(
        telegram_id=telegram_id,
        name=name,
        roles=roles,
        team_id=team.id if team else None,
        region=region or (team.region if team else None),
        now=now,
    )
    uow.commit()
    return staff


def deactivate(uow: UnitOfWork, *, telegram_id: int, now: datetime) -> None:
    """From this moment the person is a stranger to the bot; their history stays."""
    if not uow.roster.deactivate_staff(telegram_id, now):
        raise RosterRefusal("no_such_staff", str(telegram_id), telegram_id=str(telegram_id))
    uow.commit()


def bindable_teams(uow: UnitOfWork, telegram_id: int, admin_ids: frozenset[int]) -> list[Team]:
    """Who may bind a team's summary to a group (RULES §6) follows whose teams they see (RULES §2):
    a team's own store manager or supervisor binds that team; department heads and ops managers,
    who see every team, bind any team, as admins do."""
    staff = active_staff(uow, telegram_id)
    if is_admin(telegram_id, staff, admin_ids) or (staff is not None and staff.roles & ALL_TEAMS_ROLES):
        return uow.roster.teams()
    if staff is None or not staff.roles & TEAM_MANAGER_ROLES:
        return []
    return [team for team in uow.roster.teams() if team.id == staff.team_id]


def bind_team_chat(
    uow: UnitOfWork,
    *,
    telegram_id: int,
    team_id: int,
    chat_id: int,
    now: datetime,
    admin_ids: frozenset[int],
) -> Team | None:
    team = next((t for t in bindable_teams(uow, telegram_id, admin_ids) if t.id == team_id), None)
    if team is None:
        return None
    uow.chats.bind_team(team_id, chat_id, telegram_id, now)
    uow.commit()
    return team


def unbind_team_chat(
    uow: UnitOfWork, *, telegram_id: int, chat_id: int, admin_ids: frozenset[int]
) -> list[Team] | None:
    """Unbind every team of this chat, if the person may bind each of them; None if not allowed."""
    bound = uow.chats.teams_of_chat(chat_id)
    allowed = {t.id for t in bindable_teams(uow, telegram_id, admin_ids)}
    if not bound or any(t.id not in allowed for t in bound):
        return None
    uow.chats.unbind_chat(chat_id)
    uow.commit()
    return bound
