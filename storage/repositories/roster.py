"""Teams, staff and invites (domain.ports.RosterRepository), and the running bot's memory of who
is active staff (StaffCache)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.model import Channel, Invite, Role, Staff, Team
from storage import mappers
from storage.tables import InviteRow, RosterVersionRow, StaffRow, TeamRow

_version = RosterVersionRow.__table__  # type: ignore[attr-defined]
# People remembered at most (strangers are remembered too, as None): then the memory starts over.
_CACHED_AT_MOST = 10_000


class SqlRoster:
    def __init__(self, session: Session) -> None:
        self._session = session

    def team_by_name(self, name: str) -> Team | None:
        row = self._session.exec(select(TeamRow).where(TeamRow.name == name)).first()
        return mappers.team(row) if row else None

    def team_by_id(self, team_id: int) -> Team | None:
        row = self._session.get(TeamRow, team_id)
        return mappers.team(row) if row else None

    def teams(self) -> list[Team]:
        return [mappers.team(r) for r in self._session.exec(select(TeamRow).order_by(col(TeamRow.name)))]

    def _changed(self) -> None:
        """Every write to teams and staff says so, in its own transaction (StaffCache). The row
        is put back if it went missing (a table emptied by hand), so a change is never unseen."""
        bumped = self._session.execute(sa.update(_version).values(version=_version.c.version + 1))
        if bumped.rowcount == 0:  # type: ignore[attr-defined]
            self._session.execute(sa.insert(_version).values(id=1, version=1))

    def add_team(self, name: str, channel: Channel, region: str | None, now: datetime) -> Team:
        row = TeamRow(name=name, channel=channel.value, region=region, created_at=now)
        self._session.add(row)
        self._session.flush()
        self._changed()
        return mappers.team(row)

    def staff_by_telegram_id(self, telegram_id: int) -> Staff | None:
        found = self._session.exec(_staff_with_team().where(StaffRow.telegram_id == telegram_id)).first()
        return mappers.staff(*found) if found else None

    def staff_by_id(self, staff_id: int) -> Staff | None:
        found = self._session.exec(_staff_with_team().where(StaffRow.id == staff_id)).first()
        return mappers.staff(*found) if found else None

    def staff_by_ids(self, staff_ids: set[int]) -> dict[int, Staff]:
        rows = self._session.exec(_staff_with_team().where(col(StaffRow.id).in_(sorted(staff_ids)))).all()
        return {staff.id: staff for staff in (mappers.staff(s, t) for s, t in rows)}

    def all_staff(self) -> list[Staff]:
        rows = self._session.exec(_staff_with_team().order_by(col(StaffRow.id))).all()
        return [mappers.staff(s, t) for s, t in rows]

    def team_managers(self, team_ids: set[int]) -> list[Staff]:
        """Active store managers and supervisors of these teams (RULES §3.7 notifications)."""
        return [
            s
            for s in self.all_staff()
            if s.active and s.team_id in team_ids and s.roles & {Role.STORE_MANAGER, Role.SUPERVISOR}
        ]

    def staff_with_role(self, role: Role) -> list[Staff]:
        return [s for s in self.all_staff() if s.active and s.has(role)]

    def lock_staff(self, staff_id: int) -> None:
        """Make concurrent filings by one person wait for each other (the quota is theirs)."""
        self._session.execute(
            sa.select(col(StaffRow.id)).where(col(StaffRow.id) == staff_id).with_for_update()
        )

    def upsert_staff(
        self,
        *,
        telegram_id: int,
        name: str,
        roles: frozenset[Role],
        team_id: int | None,
        region: str | None,
        now: datetime,
    ) -> Staff:
        """Enrol someone, or re-enrol (and reactivate) someone already on the roster."""
        row = self._session.exec(select(StaffRow).where(StaffRow.telegram_id == telegram_id)).first()
        if row is None:
            row = StaffRow(telegram_id=telegram_id, name=name, roles="", created_at=now)
        row.name = name
        row.roles = ",".join(sorted(r.value for r in roles))
        row.team_id = team_id
        row.region = region
        row.active = True
        row.deactivated_at = None
        self._session.add(row)
        self._session.flush()
        self._changed()
        team_row = self._session.get(TeamRow, team_id) if team_id is not None else None
        return mappers.staff(row, team_row)

    def set_language(self, telegram_id: int, language: str) -> None:
        self._session.execute(
            sa.update(StaffRow).where(col(StaffRow.telegram_id) == telegram_id).values(language=language)
        )
        self._changed()

    def deactivate_staff(self, telegram_id: int, now: datetime) -> bool:
        row = self._session.exec(select(StaffRow).where(StaffRow.telegram_id == telegram_id)).first()
        if row is None:
            return False
        row.active = False
        row.deactivated_at = now
        self._session.add(row)
        self._changed()
        return True

    def add_invite(
        self,
        *,
        code: str,
        role: Role,
        team_id: int | None,
        created_by: int,
        now: datetime,
        expires_at: datetime,
        name: str,
        language: str | None,
    ) -> None:
        self._session.add(
            InviteRow(
                code=code,
                role=role.value,
                team_id=team_id,
                created_by=created_by,
                created_at=now,
                expires_at=expires_at,
                name=name,
                language=language,
            )
        )

    def take_invite(self, code: str, used_by: int, now: datetime) -> Invite | None:
        """Mark an unused, unexpired invite as used, atomically: a second taker gets None."""
        result = self._session.execute(
            sa.update(InviteRow)
            .where(
                col(InviteRow.code) == code,
                col(InviteRow.used_at).is_(None),
                col(InviteRow.expires_at) > now,
            )
            .values(used_by=used_by, used_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return mappers.invite(self._session.exec(select(InviteRow).where(InviteRow.code == code)).one())

    def invite(self, code: str) -> Invite | None:
        row = self._session.exec(select(InviteRow).where(InviteRow.code == code)).first()
        return mappers.invite(row) if row else None


def _staff_with_team() -> Any:
    return select(StaffRow, TeamRow).join(TeamRow, col(StaffRow.team_id) == col(TeamRow.id), isouter=True)


class StaffCache:
    """Who is active staff, by Telegram id, as the roster gate and every handler ask
    (bot.chat.common.current_staff): in memory, forgotten whenever the roster version changed.

    The version is read in the transaction that records each update as it arrives, or claims it
    (storage.update_ledger), so it costs no transaction of its own; every roster write, by this
    process or by the CLI in another one, bumps it in its own transaction (SqlRoster._changed).
    So an update is judged by the roster as it stood when the update arrived, or later: someone
    deactivated before they sent it is refused, as when each update read the roster itself; an
    update recorded a moment before the deactivation committed may still be served, as it could
    be before (the read raced the deactivation the same way). Until a version has been read
    (no ledger: benches, some tests), nothing is remembered and every lookup reads the database."""

    def __init__(self) -> None:
        # Replaced, never changed, on a new version: a lookup that began under the old one fills
        # the old mapping, which nobody reads any more.
        self._entries: tuple[int | None, dict[int, Staff | None]] = (None, {})

    def observe(self, connection: sa.Connection) -> None:
        # No row (a table emptied by hand): nothing is remembered until a roster write puts it back.
        version = connection.execute(sa.select(_version.c.version)).scalar()
        if version is None or version != self._entries[0]:
            self._entries = (version, {})

    def memory(self) -> dict[int, Staff | None] | None:
        """What is remembered under the version read last (None before one was read): look a
        person up in it, and `remember` there what the database said when they were not in it."""
        version, entries = self._entries
        return None if version is None else entries

    def forget(self, telegram_id: int) -> None:
        """This process changed the person: the next lookup reads them again."""
        self._entries[1].pop(telegram_id, None)

    @staticmethod
    def remember(memory: dict[int, Staff | None], telegram_id: int, staff: Staff | None) -> None:
        if len(memory) >= _CACHED_AT_MOST:
            memory.clear()
        memory[telegram_id] = staff
