"""《意向客户跟踪表》's rows (RULES §6): every open registration with its standing, last real contact
and next deadline, and a team's report (its summary and these rows) at one moment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from domain.aftersale_digest import AftersaleRow
from domain.digest import TeamDigest
from domain.lifecycle import Deadline, standing_at
from domain.model import ExpectedPurchase, FollowUpKind, Registration, State, Team
from domain.rules import Rules


@dataclass(frozen=True)
class LastFollowUp:
    """A registration's latest real contact (a note is none, RULES §4): how, what was noted, when."""

    kind: FollowUpKind
    note: str | None
    at: datetime


# Rows a manager must act on, highlighted in the sheet: past a deadline (protection lost, or the
# registration invalid), or with a follow-up owed.
OVERDUE_STATES = frozenset({State.LAPSED, State.EXPIRED})
DUE_STATES = frozenset({State.DUE})


@dataclass(frozen=True)
class TrackingRow:
    """One open registration of 《意向客户跟踪表》: full details, the sheet is for managers."""

    registration_id: int
    customer_name: str
    phone: str  # E.164
    address: str
    needs: str | None
    expected_purchase: ExpectedPurchase | None
    holder: str
    filed_at: datetime
    last_follow_up: LastFollowUp | None
    state: State
    challenging: bool
    deadline: Deadline | None


def tracking_rows(
    registrations: list[Registration],
    now: datetime,
    rules: Rules,
    last_follow_ups: Mapping[int, LastFollowUp],
) -> list[TrackingRow]:
    """Every registration not closed at `now` (holding a customer, or an open challenge), by holder
    and then filing time: the order a manager goes through the sheet with each person.
    `last_follow_ups`: registration id -> its latest real contact by `now`
    (domain.ports.Reports.last_follow_ups)."""
    rows = []
    for r in registrations:
        if r.closure is not None or r.filed_at > now:
            continue
        standing = standing_at(r, now, rules)
        rows.append(
            TrackingRow(
                registration_id=r.id,
                customer_name=r.customer_name,
                phone=r.phone,
                address=r.address,
                needs=r.needs,
                expected_purchase=r.expected_purchase,
                holder=r.holder_name,
                filed_at=r.filed_at,
                last_follow_up=last_follow_ups.get(r.id),
                state=standing.state,
                challenging=standing.challenging,
                deadline=standing.deadline,
            )
        )
    return sorted(rows, key=lambda row: (row.holder, row.filed_at, row.registration_id))


@dataclass(frozen=True)
class TeamReport:
    """A team's summary and tracking-sheet rows at one moment, and the language its chat reads."""

    language: str
    digest: TeamDigest
    rows: list[TrackingRow]
    aftersale_rows: list[AftersaleRow] = field(default_factory=list)  # the after-sale sheet's

    @property
    def team(self) -> Team:
        return self.digest.team
