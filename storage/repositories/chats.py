"""Group chats bound to teams (domain.ports.TeamChats)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.model import Team
from storage import mappers
from storage.tables import TeamChatRow, TeamRow


class SqlTeamChats:
    def __init__(self, session: Session) -> None:
        self._session = session

    def bind_team(self, team_id: int, chat_id: int, by: int, now: datetime) -> None:
        row = self._session.get(TeamChatRow, team_id) or TeamChatRow(
            team_id=team_id, chat_id=chat_id, bound_by=by, bound_at=now
        )
        row.chat_id, row.bound_by, row.bound_at = chat_id, by, now
        self._session.add(row)

    def unbind_chat(self, chat_id: int) -> list[int]:
        team_ids = list(
            self._session.execute(
                sa.select(col(TeamChatRow.team_id)).where(col(TeamChatRow.chat_id) == chat_id)
            ).scalars()
        )
        self._session.execute(sa.delete(TeamChatRow).where(col(TeamChatRow.chat_id) == chat_id))
        return team_ids

    def teams_of_chat(self, chat_id: int) -> list[Team]:
        rows = self._session.exec(
            select(TeamRow)
            .join(TeamChatRow, col(TeamChatRow.team_id) == col(TeamRow.id))
            .where(TeamChatRow.chat_id == chat_id)
        ).all()
        return [mappers.team(r) for r in rows]

    def team_chats(self) -> dict[int, int]:
        return {
            team_id: chat_id
            for team_id, chat_id in self._session.execute(
                sa.select(col(TeamChatRow.team_id), col(TeamChatRow.chat_id))
            )
        }

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Telegram turned a group into a supergroup: its bindings follow the new id."""
        self._session.execute(
            sa.update(TeamChatRow).where(col(TeamChatRow.chat_id) == old_chat_id).values(chat_id=new_chat_id)
        )
