"""Who may use the bot (RULES §2): enrolment by invitation, and what each person sees of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.customer_details import Invalid
from domain.filing import month_bounds
from domain.free_text import check_staff_name, check_team_name
from domain.lifecycle import Standing, standing_at
from domain.model import TEAM_MANAGER_ROLES, Channel, Registration, Role, Staff, State, Team
from domain.ports import UnitOfWork
from domain.rules import Rules

# Roles that belong to one team; the others (ops, marketing, dept head, admin) see across teams.
TEAM_ROLES = frozenset({Role.GUIDE, Role.SALESPERSON, Role.STORE_MANAGER, Role.SUPERVISOR, Role.SERVICE})


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


def create_invite(
    uow: UnitOfWork,
    *,
    code: str,
    role: Role,
    team_id: int | None,
    created_by: int,
    now: datetime,
    valid_for: timedelta,
) -> datetime:
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
        code=code, role=role, team_id=team_id, created_by=created_by, now=now, expires_at=expires_at
    )
    uow.commit()
    return expires_at


def redeem_invite(
    uow: UnitOfWork, *, code: str, telegram_id: int, name: str, now: datetime
) -> Enrolled | None:
    """Whoever opens a valid one-time link joins the roster with the invite's role and team."""
    invite = uow.roster.take_invite(code, telegram_id, now)
    if invite is None:
        return None
    role = invite.role
    team_id = invite.team_id
    existing = uow.roster.staff_by_telegram_id(telegram_id)
    roles = frozenset({role}) | (existing.roles if existing and existing.active else frozenset())
    team = uow.roster.team_by_id(team_id) if team_id is not None else None
    staff = uow.roster.upsert_staff(
        telegram_id=telegram_id,
        name=name,
        roles=roles,
        team_id=team_id if team_id is not None else (existing.team_id if existing else None),
        region=team.region if team else (existing.region if existing else None),
        now=now,
    )
    uow.commit()
    return Enrolled(staff, team)


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
    """A roster change the rules refuse; `code` names why (used by the CLI's messages)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


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
            checked.problem.value, f"a team name has 1 to {rules.max_team_name_chars} characters"
        )
    name = checked
    if uow.roster.team_by_name(name) is not None:
        raise RosterRefusal("team_exists", name)
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
        raise RosterRefusal(checked.problem.value, f"a name has 1 to {rules.max_staff_name_chars} characters")
    name = checked
    if not roles:
        raise RosterRefusal("no_role")
    team = None
    if team_name is not None:
        team = uow.roster.team_by_name(team_name)
        if team is None:
            raise RosterRefusal("no_such_team", team_name)
    if roles & TEAM_ROLES and team is None:
        raise RosterRefusal("team_required", ", ".join(sorted(r.value for r in roles & TEAM_ROLES)))
    for role in roles:
        channel = _CHANNEL_OF_ROLE.get(role)
        if channel is not None and team is not None and team.channel is not channel:
            raise RosterRefusal(
                "wrong_channel",
                f"{role.value} needs a {channel.value} team, {team.name} is {team.channel.value}",
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
        raise RosterRefusal("no_such_staff", str(telegram_id))
    uow.commit()


def bindable_teams(uow: UnitOfWork, telegram_id: int, admin_ids: frozenset[int]) -> list[Team]:
    """Only a team's own managers, or admins, may bind its summary to a group (RULES §6)."""
    staff = active_staff(uow, telegram_id)
    if is_admin(telegram_id, staff, admin_ids):
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
